using Azure.Core;
using Azure.Core.Pipeline;
using Pishkhan.Storage;

namespace Pishkhan.Tests.Infrastructure;

/// <summary>
/// A step in the Table client's pipeline that lets the next insert into one table reach Azurite and be
/// stored, then loses its answer (an <see cref="IOException"/>, which the client retries), as when the
/// storage client's network timeout fires after the service wrote the row. The client's retry then meets
/// its own row: a real 409 from Azurite. Armed for one insert, then idle.
/// </summary>
public sealed class LostInsertAnswer : HttpPipelinePolicy
{
    private string? _table;

    /// <summary>How many answers were lost (0 or 1).</summary>
    public int Lost { get; private set; }

    /// <summary>Loses the answer to the next insert into the table whose name ends with <paramref name="table"/> (the test host prefixes names).</summary>
    public void Arm(string table) => (_table, Lost) = (table, 0);

    /// <summary>Loses the answer to the next entity-group transaction (POST /$batch), of any table.</summary>
    public void ArmTransaction() => Arm("$batch");

    public void Register(WebApplicationBuilder builder) => builder.Services.AddTablePipelinePolicy(this);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        if (Matches(message)) throw new IOException("The answer to an insert that was stored is lost (test).");
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    // An insert is POST /{account}/{prefix}{table} (the prefix is the test host's); a transaction POST /{account}/$batch.
    private bool Matches(HttpMessage message)
    {
        if (_table is null || message.Request.Method != RequestMethod.Post || message.Response.Status >= 300) return false;
        var path = message.Request.Uri.Path;
        if (!path[(path.LastIndexOf('/') + 1)..].EndsWith(_table, StringComparison.Ordinal)) return false;
        _table = null;
        Lost++;
        return true;
    }
}
