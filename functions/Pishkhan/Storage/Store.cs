using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Pishkhan.Bindings;

namespace Pishkhan.Storage;

/// <summary>
/// The app's storage: the Table, Queue and Blob service clients (registered by <see cref="StorageClients"/>) and the
/// names of its tables, queues and containers (with the Pishkhan__StorageNamePrefix).
/// </summary>
public sealed class Store(TableServiceClient tables, QueueServiceClient queues, BlobServiceClient blobs, PishkhanSettings settings)
{
    public StorageNames Names { get; } = new(settings.Storage.NamePrefix);
    public TableServiceClient Tables { get; } = tables;
    public QueueServiceClient Queues { get; } = queues;
    public BlobServiceClient Blobs { get; } = blobs;

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
    /// <summary>How long a storage call waits for its answer before the client retries it (Pishkhan:StorageNetworkTimeoutSeconds).</summary>
    public double NetworkTimeoutSeconds { get; init; } = 4;
}
