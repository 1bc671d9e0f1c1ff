using Azure.Core;
using Azure.Core.Pipeline;
using Pishkhan.Storage;

namespace Pishkhan.Tests.Infrastructure;

/// <summary>
/// A step in the Table client's pipeline that lets another writer in just before a conditional write
/// (a replace carrying If-Match) of one entity: the write then meets a real 412 from Azurite, as it does
/// when another instance wrote between the read and the write. Armed for a number of writes, then idle.
/// </summary>
public sealed class ConcurrentWriter : HttpPipelinePolicy
{
    private static readonly AsyncLocal<bool> Inside = new();
    private string? _target;
    private Func<Task>? _interleave;
    private int _left;

    /// <summary>How many writes another writer came before.</summary>
    public int Interleaved { get; private set; }

    /// <summary>
    /// Before the next <paramref name="times"/> conditional writes of <paramref name="table"/>(PK, RK), runs
    /// <paramref name="interleave"/> (which changes the entity, so its ETag moves on).
    /// </summary>
    public void Arm(string table, string partitionKey, string rowKey, Func<Task> interleave, int times = 1)
    {
        _target = $"{table}(PartitionKey='{partitionKey}',RowKey='{rowKey}')";
        _interleave = interleave;
        Interleaved = 0;
        _left = times;
    }

    /// <summary>The host's Store with this writer in its Table pipeline (register it in a test host's configure).</summary>
    public void Register(WebApplicationBuilder builder) =>
        builder.Services.AddTablePipelinePolicy(this);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Matches(message))
        {
            Inside.Value = true;
            try { await _interleave!(); }
            finally { Inside.Value = false; }
            Interleaved++;
        }
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    private bool Matches(HttpMessage message)
    {
        if (Inside.Value || _target is null || message.Request.Method != RequestMethod.Put) return false;
        if (!message.Request.Headers.TryGetValue("If-Match", out var etag) || etag == "*") return false;
        if (!Uri.UnescapeDataString(message.Request.Uri.ToString()).Contains(_target, StringComparison.Ordinal)) return false;
        return Interlocked.Decrement(ref _left) >= 0;
    }
}
