using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Pishkhan.Bindings;

namespace Pishkhan.Storage;

/// <summary>
/// The Azure SDK clients, created once. Retries are short on purpose: an HTTP caller must get a 503
/// within seconds when storage is down, not after the SDK's default minute of back-off.
/// </summary>
public sealed class Store
{
    public StorageNames Names { get; }
    public TableServiceClient Tables { get; }
    public QueueServiceClient Queues { get; }
    public BlobServiceClient Blobs { get; }

    /// <param name="tablePolicy">An extra step in the Table client's pipeline (per retry): tests let another writer in there.</param>
    public Store(StorageSettings settings, HttpPipelinePolicy? tablePolicy = null)
    {
        Names = new StorageNames(settings.NamePrefix);
        var tableOptions = new TableClientOptions();
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var blobOptions = new BlobClientOptions();
        foreach (ClientOptions o in new ClientOptions[] { tableOptions, queueOptions, blobOptions })
        {
            o.Retry.MaxRetries = 2;
            o.Retry.Delay = TimeSpan.FromMilliseconds(200);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(1);
            o.Retry.NetworkTimeout = TimeSpan.FromSeconds(settings.NetworkTimeoutSeconds);
        }
        tableOptions.AddPolicy(new StorageCalls(StorageService.Table), HttpPipelinePosition.PerRetry);
        if (tablePolicy is not null) tableOptions.AddPolicy(tablePolicy, HttpPipelinePosition.PerRetry);
        queueOptions.AddPolicy(new StorageCalls(StorageService.Queue), HttpPipelinePosition.PerRetry);
        blobOptions.AddPolicy(new StorageCalls(StorageService.Blob), HttpPipelinePosition.PerRetry);

        if (settings.ConnectionString is { Length: > 0 } cs)
        {
            var conn = cs == "UseDevelopmentStorage=true" ? DevelopmentStorage : cs;
            Tables = new TableServiceClient(conn, tableOptions);
            Queues = new QueueServiceClient(conn, queueOptions);
            Blobs = new BlobServiceClient(conn, blobOptions);
        }
        else
        {
            // Identity-based connection (AzureWebJobsStorage__accountName / __credential=managedidentity / __clientId).
            TokenCredential credential = settings.ClientId is { Length: > 0 } id
                ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(id))
                : new DefaultAzureCredential();
            var account = settings.AccountName ?? throw new InvalidOperationException("Set AzureWebJobsStorage or AzureWebJobsStorage__accountName.");
            Tables = new TableServiceClient(new Uri($"https://{account}.table.core.windows.net"), credential, tableOptions);
            Queues = new QueueServiceClient(new Uri($"https://{account}.queue.core.windows.net"), credential, queueOptions);
            Blobs = new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), credential, blobOptions);
        }
    }

    // Azurite's well-known development account; spelled out because the Tables SDK resolves
    // "UseDevelopmentStorage=true" to the default ports only.
    public const string DevelopmentStorage =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    public TableClient Table(string name) => Tables.GetTableClient(Names.Table(name));

    public QueueClient Queue(string name) => Queues.GetQueueClient(Names.Queue(name));

    public BlobContainerClient Container(string name) => Blobs.GetBlobContainerClient(Names.Container(name));

    /// <summary>Creates every table and every bound queue with its poison queue. Safe to repeat.</summary>
    public async Task EnsureCreatedAsync(IEnumerable<string> tables, CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(tables.Select(t => Table(t).CreateIfNotExistsAsync(cancellationToken)));
        var queues = QueueNames.All;
        await Task.WhenAll(queues.SelectMany(q => new[] { q, q + "-poison" })
            .Select(q => Queue(q).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        // Published reports. In Azure the static website serves $web (Bicep creates it); locally the blob
        // endpoint serves it, so a new container allows anonymous reads of its blobs, like a public site.
        var web = Blobs.GetBlobContainerClient("$web");
        try { await web.CreateIfNotExistsAsync(Azure.Storage.Blobs.Models.PublicAccessType.Blob, cancellationToken: cancellationToken); }
        catch (RequestFailedException e) when (e.Status is 403 or 409) { await web.CreateIfNotExistsAsync(cancellationToken: cancellationToken); }
    }
}

public sealed class StorageSettings
{
    public string? ConnectionString { get; init; }
    public string? AccountName { get; init; }
    public string? ClientId { get; init; }
    public string NamePrefix { get; init; } = "";
    public double NetworkTimeoutSeconds { get; init; } = 4;
}
