using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;

namespace Pishkhan.Storage;

/// <summary>
/// The Table, Queue and Blob service clients, registered through Microsoft.Extensions.Azure: the connection string
/// for Azurite (AzureWebJobsStorage), or the account name with the managed identity in Azure
/// (AzureWebJobsStorage__accountName / __clientId). Retries are short on purpose: an HTTP caller must get a 503
/// within seconds when storage is down, not after the SDK's default minute of back-off. Each client counts its
/// round trips (<see cref="StorageCalls"/>). Queue messages are base64, as the Functions queue trigger expects.
/// </summary>
public static class StorageClients
{
    /// <summary>The name Microsoft.Extensions.Azure gives a client registered without WithName (its options are named so too).</summary>
    public const string ClientName = "Default";

    public static IServiceCollection AddStorageClients(this IServiceCollection services)
    {
        services.AddAzureClients(clients =>
        {
            clients.UseCredential(sp => sp.GetRequiredService<PishkhanSettings>().Storage.ClientId is { Length: > 0 } id
                ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(id))
                : new DefaultAzureCredential());
            clients.ConfigureDefaults((options, sp) =>
            {
                options.Retry.MaxRetries = 2;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
                options.Retry.NetworkTimeout = TimeSpan.FromSeconds(sp.GetRequiredService<PishkhanSettings>().Storage.NetworkTimeoutSeconds);
            });
            clients.AddClient<TableServiceClient, TableClientOptions>((options, credential, sp) =>
                    Connection(sp) is { } cs ? new TableServiceClient(cs, options) : new TableServiceClient(Endpoint(sp, "table"), credential, options))
                .ConfigureOptions(o => o.AddPolicy(new StorageCalls(StorageService.Table), HttpPipelinePosition.PerRetry));
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, credential, sp) =>
                    Connection(sp) is { } cs ? new QueueServiceClient(cs, options) : new QueueServiceClient(Endpoint(sp, "queue"), credential, options))
                .ConfigureOptions(o =>
                {
                    o.MessageEncoding = QueueMessageEncoding.Base64;
                    o.AddPolicy(new StorageCalls(StorageService.Queue), HttpPipelinePosition.PerRetry);
                });
            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, credential, sp) =>
                    Connection(sp) is { } cs ? new BlobServiceClient(cs, options) : new BlobServiceClient(Endpoint(sp, "blob"), credential, options))
                .ConfigureOptions(o => o.AddPolicy(new StorageCalls(StorageService.Blob), HttpPipelinePosition.PerRetry));
        });
        services.AddSingleton<Store>();
        return services;
    }

    /// <summary>An extra step in the Table client's pipeline (per retry), after the app's own: tests record queries or let another writer in there.</summary>
    public static IServiceCollection AddTablePipelinePolicy(this IServiceCollection services, HttpPipelinePolicy policy) =>
        services.Configure<TableClientOptions>(ClientName, o => o.AddPolicy(policy, HttpPipelinePosition.PerRetry));

    private static string? Connection(IServiceProvider sp) =>
        sp.GetRequiredService<PishkhanSettings>().Storage.ConnectionString is { Length: > 0 } cs
            ? cs == "UseDevelopmentStorage=true" ? Store.DevelopmentStorage : cs
            : null;

    private static Uri Endpoint(IServiceProvider sp, string service) =>
        new($"https://{sp.GetRequiredService<PishkhanSettings>().Storage.AccountName ?? throw new InvalidOperationException("Set AzureWebJobsStorage or AzureWebJobsStorage__accountName.")}.{service}.core.windows.net");
}
