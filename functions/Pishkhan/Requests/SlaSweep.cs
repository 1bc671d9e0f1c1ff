using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Storage;

namespace Pishkhan.Requests;

/// <summary>
/// Hourly (Schedules.SlaSweep). For every county: reads only its open, not-yet-breached requests whose
/// dueAt has passed (the "d_" index rows, sorted by dueAt, so the query never touches closed or
/// future-due requests), marks each breached once (ETag on the request row; the breach is counted in the
/// period of its dueAt), then finishes what a crash may have left in the county partition: outbox rows
/// not yet sent, statistics deltas not yet in OfficeStats. Costs O(counties) queries plus O(overdue)
/// writes an hour. Running twice, or concurrently, is harmless.
/// </summary>
public static class SlaSweep
{
    private const int Parallelism = 8;

    public static async Task Run(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<Store>();
        var book = services.GetRequiredService<RequestBook>();
        var outbox = services.GetRequiredService<RequestOutbox>();
        var stats = services.GetRequiredService<RequestStats>();
        var logger = services.GetRequiredService<ILogger<RequestBook>>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();

        var counties = new List<string>();
        await foreach (var c in store.Table(Tables.Counties).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            counties.Add(c.RowKey);

        var breached = 0;
        var failed = 0;
        await Parallel.ForEachAsync(counties, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (countyCode, ct) =>
            {
                try
                {
                    // Breaches of one county are group-committed together.
                    var results = await Task.WhenAll((await book.OverdueAsync(countyCode, now, ct)).Select(due => book.BreachAsync(countyCode, due, now, ct)));
                    Interlocked.Add(ref breached, results.Count(b => b));
                    await outbox.DispatchLeftoversAsync(countyCode, await book.BookkeepingRowsAsync(countyCode, ct), ct);
                    await stats.FlushAsync(countyCode, scan: true, ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    logger.LogWarning("SLA sweep of county {CountyCode} failed ({Reason}); the next run retries", countyCode, e.GetType().Name);
                }
            });
        logger.LogInformation("SLA sweep: {Counties} counties, {Breached} requests marked breached, {Failed} counties failed", counties.Count, breached, failed);
    }
}
