using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Storage;

namespace Pishkhan.Requests;

/// <summary>
/// Hourly (Schedules.SlaSweep). For every office: reads only its open, not-yet-breached requests whose
/// dueAt has passed (the "d_" index rows, sorted by dueAt, so the query never touches closed or
/// future-due requests), marks each breached once (ETag on the request row; the breach is counted in the
/// period of its dueAt), then finishes what a crash may have left in the office partition: outbox rows
/// not yet sent, statistics deltas not yet in OfficeStats. Costs O(offices) queries plus O(overdue)
/// writes an hour. Running twice, or concurrently, is harmless.
/// </summary>
public sealed class SlaSweep(Store store, RequestBook requestBook, RequestOutbox requestOutbox, RequestStats requestStats, ILogger<RequestBook> logger, TimeProvider clock)
{
    private const int Parallelism = 8;

    public async Task Run(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();

        var offices = new List<string>();
        await foreach (var o in store.Table(Tables.Offices).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            offices.Add(o.RowKey);

        var breached = 0;
        var failed = 0;
        await Parallel.ForEachAsync(offices, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (officeCode, ct) =>
            {
                try
                {
                    // Breaches of one office are group-committed together.
                    var results = await Task.WhenAll((await requestBook.OverdueAsync(officeCode, now, ct)).Select(due => requestBook.BreachAsync(officeCode, due, now, ct)));
                    Interlocked.Add(ref breached, results.Count(b => b));
                    await requestOutbox.DispatchLeftoversAsync(officeCode, await requestBook.BookkeepingRowsAsync(officeCode, ct), ct);
                    await requestStats.FlushAsync(officeCode, scan: true, ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    logger.LogWarning("SLA sweep of office {OfficeCode} failed ({Reason}); the next run retries", officeCode, e.GetType().Name);
                }
            });
        logger.LogInformation("SLA sweep: {Offices} offices, {Breached} requests marked breached, {Failed} offices failed", offices.Count, breached, failed);
    }
}
