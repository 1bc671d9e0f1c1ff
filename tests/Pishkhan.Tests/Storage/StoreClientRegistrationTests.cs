using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Storage;

/// <summary>The storage clients come from Microsoft.Extensions.Azure (StorageClients) and keep what the app needs of them.</summary>
public sealed class StoreClientRegistrationTests
{
    [Fact]
    public async Task TheStoreUsesTheRegisteredClientsWithBase64QueueMessagesThePrefixAndTheCallCounter()
    {
        var prefix = TestHost.NewPrefix();
        var settings = TestHost.Settings(await Azurite.SharedAsync(), prefix);
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var services = new ServiceCollection().AddLogging().AddPishkhan(config).BuildServiceProvider();
        var store = services.GetRequiredService<Store>();

        Assert.Same(services.GetRequiredService<TableServiceClient>(), store.Tables);
        Assert.Same(services.GetRequiredService<QueueServiceClient>(), store.Queues);
        Assert.Same(services.GetRequiredService<BlobServiceClient>(), store.Blobs);
        Assert.Equal(prefix, store.Names.NamePrefix);

        var tally = StorageCalls.Begin();
        await store.Table(Tables.Offices).CreateIfNotExistsAsync();
        var queue = store.Queue("inspections");
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync("پیشخوان");
        await store.Container("reports").CreateIfNotExistsAsync();
        Assert.Equal((1L, 2L, 1L), (tally.Table, tally.Queue, tally.Blob));

        // Base64 on the wire, as the Functions queue trigger reads it.
        var raw = (await new QueueClient(settings["AzureWebJobsStorage"], queue.Name).ReceiveMessageAsync()).Value;
        Assert.Equal(Convert.ToBase64String("پیشخوان"u8), raw.Body.ToString());
    }
}
