using Azure.Core;
using Azure.Core.Pipeline;
using Pishkhan.Storage;

namespace Pishkhan.Tests.Infrastructure;

/// <summary>
/// A step in the Table client's pipeline that records the $filter of every query (a GET on a table, not a
/// point read) while recording is on: what a "no full-table scan" test inspects.
/// </summary>
public sealed class TableQueryRecorder : HttpPipelinePolicy
{
    private readonly List<(string Table, string Filter)> _queries = [];
    private volatile bool _on;

    public void Register(WebApplicationBuilder builder) =>
        builder.Services.AddTablePipelinePolicy(this);

    /// <summary>Runs <paramref name="work"/> and answers the queries it sent, as (table, filter).</summary>
    public async Task<List<(string Table, string Filter)>> RecordAsync(Func<Task> work)
    {
        lock (_queries) _queries.Clear();
        _on = true;
        try { await work(); }
        finally { _on = false; }
        lock (_queries) return [.. _queries];
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    private void Record(HttpMessage message)
    {
        if (!_on || message.Request.Method != RequestMethod.Get) return;
        var uri = message.Request.Uri.ToUri();
        var segment = Uri.UnescapeDataString(uri.Segments[^1]);
        if (segment.Contains("PartitionKey=", StringComparison.Ordinal)) return; // a point read
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var table = segment.TrimEnd('/').Split('(')[0];
        lock (_queries) _queries.Add((table, query["$filter"] ?? ""));
    }
}
