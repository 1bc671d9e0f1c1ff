using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Storage;

namespace Pishkhan.Requests;

/// <summary>
/// Hourly (Schedules.SlaSweep). For every office that has been given a request (the RequestOffices index,
/// one partition per province — not every office of every province): reads only its open, not-yet-breached
/// requests whose dueAt has passed (the "d_" index rows, sorted by dueAt, so the query never touches closed
/// or future-due requests), marks each breached once (ETag on the request row; the breach is counted in the
/// period of its dueAt), then finishes what a crash may have left in the office partition: outbox rows
/// not yet sent, statistics deltas not yet in OfficeStats. Costs O(offices with requests) queries plus
/// O(overdue) writes an hour. Before that, it lands the intakes answered but never written to their office
/// (RequestBook.LandLeftoversAsync: per agency, its watermark, 16 range queries of its index since then, and one
/// range query per office among those intakes). Running twice, or concurrently, is harmless.
/// </summary>
public sealed class SlaSweep(Store store, RequestBook requestBook, RequestOutbox requestOutbox, RequestStats requestStats, ILogger<RequestBook> logger, TimeProvider clock)
{
    private const int Parallelism = 8;
    // A row in the index's own table (not a province) saying the offices of before the index were indexed.
    public async Task Run(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await BackfillOnceAsync(cancellationToken);
        // First the intakes answered but not written to their offices (their process stopped): they may be overdue too.
        var agencies = await AgenciesAsync(cancellationToken);
        var landed = 0;
        await Parallel.ForEachAsync(agencies, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (agencyId, ct) =>
            {
                try
                {
                    Interlocked.Add(ref landed, await requestBook.LandLeftoversAsync(agencyId, now, ct));
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    logger.LogWarning("SLA sweep: landing the intakes of agency {AgencyId} failed ({Reason}); the next run retries", agencyId, e.GetType().Name);
                }
            });
        if (landed > 0) logger.LogWarning("SLA sweep: {Landed} answered intakes were not in their offices and are now", landed);

        var offices = await requestBook.OfficesWithRequestsAsync(cancellationToken);

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

    /// <summary>Every agency's id: one partition query per province of the Agencies table.</summary>
    private async Task<List<string>> AgenciesAsync(CancellationToken cancellationToken) =>
        (await store.Table(Tables.Agencies).ListAcrossPartitionsAsync<TableEntity>(Provinces.Names.Keys, null, cancellationToken, select: ["RowKey"]))
        .Select(a => a.RowKey).ToList();

    /// <summary>
    /// Requests written before the RequestOffices index existed: the first run puts every office in it (a
    /// one-off read of Offices), then records that it did. Repeating it is harmless (inserts find their rows).
    /// </summary>
    private Task BackfillOnceAsync(CancellationToken cancellationToken) =>
        Once.RunAsync(store.Table(Tables.RequestOffices), "done", async () =>
        {
            var all = new List<TableEntity>();
            await foreach (var o in store.Table(Tables.Offices).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
                all.Add(o);
            foreach (var province in all.GroupBy(o => o.PartitionKey))
                await requestBook.IndexOfficesAsync(province.Key, province.Select(o => o.RowKey), cancellationToken);
        }, cancellationToken);
}
