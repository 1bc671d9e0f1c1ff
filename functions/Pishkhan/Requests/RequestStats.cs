using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Pishkhan.Stats;
using Pishkhan.Storage;

namespace Pishkhan.Requests;

/// <summary>
/// Moves the request counters of each office into OfficeStats, exactly once, without a read-modify-write
/// of the (period, office) stats row per event (which contends badly when many events hit one office):
///
/// 1. Every change adds its counts to its office's "~delta_{office}_{period}" row in the SAME transaction
///    as the change itself, so a change and its count cannot be separated, and a retried change is not
///    counted again (it finds its request row already changed).
/// 2. A flush (a few seconds after a change; and by the hourly SLA sweep for anything left over) seals
///    the county's deltas: one transaction turns each "~delta_…" row into "~sealed_{office}_{period}_{guid}".
/// 3. Each sealed row is added to OfficeStats with <see cref="OfficeStatsStore.ApplyOnceAsync"/>, event id
///    "requests-{guid}" (its marker makes a second application a no-op), then deleted.
/// A crash between any two steps leaves a row that the next flush finishes; no step can count twice.
/// </summary>
public sealed class RequestStats(Store store, Committers committers, OfficeStatsStore officeStats, PishkhanSettings settings, ILogger<RequestStats> logger)
{
    private readonly TableClient _table = store.Table(Tables.Requests);
    private readonly ConcurrentDictionary<string, CountyState> _counties = new(StringComparer.Ordinal);

    private sealed class CountyState
    {
        public readonly object Gate = new();
        public readonly HashSet<(string Office, string Period)> Dirty = [];
        public bool Scheduled;
        public readonly SemaphoreSlim Flushing = new(1, 1);
    }

    /// <summary>Notes unapplied counts of offices and periods in a county; a flush follows shortly.</summary>
    public void MarkDirty(string countyCode, params (string Office, string Period)[] deltas)
    {
        if (deltas.Length == 0) return;
        var state = _counties.GetOrAdd(countyCode, _ => new CountyState());
        bool schedule;
        lock (state.Gate)
        {
            state.Dirty.UnionWith(deltas);
            schedule = !state.Scheduled;
            state.Scheduled = true;
        }
        if (schedule) _ = FlushLaterAsync(countyCode, state);
    }

    private async Task FlushLaterAsync(string countyCode, CountyState state)
    {
        // Wall-clock delay on purpose (not TimeProvider): this batches writes, it is not business time.
        await Task.Delay(TimeSpan.FromSeconds(settings.RequestStatsFlushSeconds));
        lock (state.Gate) state.Scheduled = false;
        try
        {
            await FlushAsync(countyCode);
        }
        catch (Exception e)
        {
            logger.LogWarning("Flushing request statistics of county {CountyCode} failed ({Reason}); the SLA sweep retries", countyCode, e.GetType().Name);
        }
    }

    /// <summary>
    /// Seals the county's dirty deltas and applies every sealed row to OfficeStats. With
    /// <paramref name="scan"/>, also finds deltas and sealed rows left by a crash (the sweep does this).
    /// </summary>
    public async Task FlushAsync(string countyCode, bool scan = false, CancellationToken cancellationToken = default)
    {
        var state = _counties.GetOrAdd(countyCode, _ => new CountyState());
        await state.Flushing.WaitAsync(cancellationToken);
        try
        {
            (string Office, string Period)[] dirty;
            lock (state.Gate)
            {
                dirty = [.. state.Dirty];
                state.Dirty.Clear();
            }
            var sealedRows = new List<DeltaRow>();
            if (scan)
            {
                var rows = await _table.ListAsync<DeltaRow>(TableClient.CreateQueryFilter(
                    $"PartitionKey eq {countyCode} and RowKey ge {RequestIds.DeltaPrefix} and RowKey lt {"~sealed`"}"), cancellationToken);
                dirty = [.. dirty.Union(rows.Where(r => r.RowKey.StartsWith(RequestIds.DeltaPrefix, StringComparison.Ordinal)).Select(r => (r.OfficeCode, r.Period)))];
                sealedRows.AddRange(rows.Where(r => r.RowKey.StartsWith(RequestIds.SealedPrefix, StringComparison.Ordinal)));
            }

            if (dirty.Length > 0)
            {
                try
                {
                    sealedRows.AddRange(await committers.For(_table, countyCode).SubmitAsync(new SealUnit(dirty), cancellationToken));
                }
                catch
                {
                    lock (state.Gate) state.Dirty.UnionWith(dirty);
                    throw;
                }
            }
            if (sealedRows.Count == 0) return;

            foreach (var row in sealedRows.DistinctBy(r => r.RowKey))
            {
                var eventId = "requests-" + row.RowKey[^32..];
                await officeStats.ApplyOnceAsync(row.Period, row.OfficeCode, row.Province, countyCode, eventId, row.ApplyTo, cancellationToken);
            }
            await committers.For(_table, countyCode).SubmitAsync(new DeleteUnit([.. sealedRows.Select(r => r.RowKey).Distinct()]), cancellationToken);
        }
        finally
        {
            state.Flushing.Release();
        }
    }

    /// <summary>Flushes everything the county has pending, including rows left by a crash (tests, the SLA sweep).</summary>
    public Task FlushNowAsync(string countyCode, CancellationToken cancellationToken = default) => FlushAsync(countyCode, scan: true, cancellationToken);

    private sealed class SealUnit((string Office, string Period)[] deltas) : Unit<List<DeltaRow>>
    {
        private readonly Dictionary<(string, string), string> _sealedKeys = deltas.ToDictionary(d => d, d => RequestIds.SealedRowKey(d.Office, d.Period));

        public override IEnumerable<RowRef> Rows =>
            deltas.SelectMany(d => new[]
            {
                RowRef.For<DeltaRow>(RequestIds.DeltaRowKey(d.Office, d.Period), pinned: true),
                RowRef.For<DeltaRow>(_sealedKeys[d], RowLoad.AssumeAbsent),
            });

        public override List<DeltaRow> Decide(WorkingSet ws)
        {
            var sealedRows = new List<DeltaRow>();
            foreach (var d in deltas)
            {
                var deltaKey = RequestIds.DeltaRowKey(d.Office, d.Period);
                var delta = ws.Get<DeltaRow>(deltaKey);
                if (delta is null || delta.IsEmpty) continue;
                delta.RowKey = _sealedKeys[d];
                ws.Put(delta);
                ws.Delete(deltaKey);
                sealedRows.Add(delta);
            }
            return sealedRows;
        }
    }
}

/// <summary>Deletes rows that may already be gone.</summary>
internal sealed class DeleteUnit(IReadOnlyList<string> rowKeys) : Unit<bool>
{
    public override IEnumerable<RowRef> Rows => rowKeys.Select(k => RowRef.For<DeltaRow>(k, RowLoad.AssumePresent));

    public override bool Decide(WorkingSet ws)
    {
        foreach (var k in rowKeys) ws.Delete(k);
        return true;
    }
}
