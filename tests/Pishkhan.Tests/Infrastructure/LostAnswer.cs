using Azure.Core;
using Azure.Core.Pipeline;
using Pishkhan.Storage;

namespace Pishkhan.Tests.Infrastructure;

/// <summary>
/// A step in the Table client's pipeline that lets the next matching write reach Azurite and be stored, then
/// loses its answer (an <see cref="IOException"/>, which the client retries), as when the storage client's
/// network timeout fires after the service wrote. The client's retry then meets its own write: a real 409
/// (an insert or a transaction) or 412 (a replace under the ETag it has just moved on). Armed for one write.
/// </summary>
public sealed class LostAnswer : HttpPipelinePolicy
{
    private readonly Lock _gate = new();
    private Func<HttpMessage, bool>? _matches;

    /// <summary>How many answers were lost (0 or 1).</summary>
    public int Lost { get; private set; }

    /// <summary>The next insert into the table whose name ends with <paramref name="table"/> (the test host prefixes names): POST /{account}/{prefix}{table}.</summary>
    public void ArmInsert(string table) => Arm(m => m.Request.Method == RequestMethod.Post && LastSegment(m).EndsWith(table, StringComparison.Ordinal));

    /// <summary>The next entity-group transaction, of any table: POST /{account}/$batch.</summary>
    public void ArmTransaction() => Arm(m => m.Request.Method == RequestMethod.Post && LastSegment(m) == "$batch");

    /// <summary>The next replace under an ETag (PUT with If-Match) of an entity of that table: PUT /{account}/{prefix}{table}(PartitionKey=…,RowKey=…).</summary>
    public void ArmReplace(string table) => Arm(m => m.Request.Method == RequestMethod.Put
        && m.Request.Headers.TryGetValue("If-Match", out var etag) && etag != "*"
        && LastSegment(m) is var s && s.IndexOf('(') is > 0 and var open && s[..open].EndsWith(table, StringComparison.Ordinal));

    public void Register(WebApplicationBuilder builder) => builder.Services.AddTablePipelinePolicy(this);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        if (message.Response.Status < 300 && Take(message)) throw new IOException("The answer to a write that was stored is lost (test).");
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    private void Arm(Func<HttpMessage, bool> matches)
    {
        lock (_gate) (_matches, Lost) = (matches, 0);
    }

    private bool Take(HttpMessage message)
    {
        lock (_gate)
        {
            if (_matches is null || !_matches(message)) return false;
            (_matches, Lost) = (null, Lost + 1);
            return true;
        }
    }

    private static string LastSegment(HttpMessage m)
    {
        var path = Uri.UnescapeDataString(m.Request.Uri.Path);
        return path[(path.LastIndexOf('/') + 1)..];
    }
}
