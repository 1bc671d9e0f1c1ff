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
/// 1. Every change adds its counts to the office's "~delta_{period}" row in the SAME transaction as the
///    change itself, so a change and its count cannot be separated, and a retried change is not counted
///    again (it finds its request row already changed).
/// 2. A flush (a moment after a change; and by the hourly SLA sweep for anything left over) seals the
///    office's deltas: one transaction turns each "~delta_{period}" row into "~sealed_{period}_{guid}".
/// 3. Each sealed row is added to OfficeStats with <see cref="OfficeStatsStore.ApplyOnceAsync"/>, event id
///    "requests-{guid}" (its marker makes a second application a no-op), then deleted.
/// A crash between any two steps leaves a row that the next flush finishes; no step can count twice.
/// </summary>
public sealed class RequestStats(Store store, Committers committers, OfficeStatsStore officeStats, PishkhanSettings settings, ILogger<RequestStats> logger)
{
    private readonly TableClient _table = store.Table(Tables.Requests);
    private readonly ConcurrentDictionary<string, OfficeState> _offices = new(StringComparer.Ordinal);

    private sealed class OfficeState
    {
        public readonly object Gate = new();
        public readonly HashSet<string> DirtyPeriods = [];
        public bool Scheduled;
        public readonly SemaphoreSlim Flushing = new(1, 1);
    }

    /// <summary>Notes that <paramref name="periods"/> of an office have unapplied counts; a flush follows shortly.</summary>
    public void MarkDirty(string officeCode, params string[] periods)
    {
        if (periods.Length == 0) return;
        var state = _offices.GetOrAdd(officeCode, _ => new OfficeState());
        bool schedule;
        lock (state.Gate)
        {
            state.DirtyPeriods.UnionWith(periods);
            schedule = !state.Scheduled;
            state.Scheduled = true;
        }
        // A flush serves many requests, later: outside any one request's storage-call tally.
        if (schedule) _ = StorageCalls.RunDetached(() => FlushLaterAsync(officeCode, state));
    }

    private async Task FlushLaterAsync(string officeCode, OfficeState state)
    {
        // Wall-clock delay on purpose (not TimeProvider): this batches writes, it is not business time.
        await Task.Delay(TimeSpan.FromSeconds(settings.RequestStatsFlushSeconds));
        lock (state.Gate) state.Scheduled = false;
        try
        {
            await FlushAsync(officeCode);
        }
        catch (Exception e)
        {
            logger.LogWarning("Flushing request statistics of office {OfficeCode} failed ({Reason}); the SLA sweep retries", officeCode, e.GetType().Name);
        }
    }

    /// <summary>
    /// Seals the office's dirty deltas and applies every sealed row to OfficeStats. With
    /// <paramref name="scan"/>, also finds deltas and sealed rows left by a crash (the sweep does this).
    /// </summary>
    public async Task FlushAsync(string officeCode, bool scan = false, CancellationToken cancellationToken = default)
    {
        var state = _offices.GetOrAdd(officeCode, _ => new OfficeState());
        await state.Flushing.WaitAsync(cancellationToken);
        try
        {
            string[] periods;
            lock (state.Gate)
            {
                periods = [.. state.DirtyPeriods];
                state.DirtyPeriods.Clear();
            }
            var sealedRows = new List<DeltaRow>();
            if (scan)
            {
                var rows = await _table.ListAsync<DeltaRow>(TableClient.CreateQueryFilter(
                    $"PartitionKey eq {officeCode} and RowKey ge {RequestIds.DeltaPrefix} and RowKey lt {"~sealed`"}"), cancellationToken);
                periods = [.. periods.Union(rows.Where(r => r.RowKey.StartsWith(RequestIds.DeltaPrefix, StringComparison.Ordinal)).Select(r => r.Period))];
                sealedRows.AddRange(rows.Where(r => r.RowKey.StartsWith(RequestIds.SealedPrefix, StringComparison.Ordinal)));
            }

            if (periods.Length > 0)
            {
                try
                {
                    sealedRows.AddRange(await committers.For(_table, officeCode).SubmitAsync(new SealUnit(periods), cancellationToken));
                }
                catch
                {
                    lock (state.Gate) state.DirtyPeriods.UnionWith(periods);
                    throw;
                }
            }
            if (sealedRows.Count == 0) return;

            foreach (var row in sealedRows.DistinctBy(r => r.RowKey))
            {
                var eventId = "requests-" + row.RowKey[^32..];
                await officeStats.ApplyOnceAsync(row.Period, officeCode, row.Province, row.CountyCode, eventId, row.ApplyTo, cancellationToken);
            }
            await committers.For(_table, officeCode).SubmitAsync(new DeleteUnit([.. sealedRows.Select(r => r.RowKey).Distinct()]), cancellationToken);
        }
        finally
        {
            state.Flushing.Release();
        }
    }

    /// <summary>Flushes everything the office has pending, including rows left by a crash (tests, the SLA sweep).</summary>
    public Task FlushNowAsync(string officeCode, CancellationToken cancellationToken = default) => FlushAsync(officeCode, scan: true, cancellationToken);

    private sealed class SealUnit(string[] periods) : Unit<List<DeltaRow>>
    {
        private readonly Dictionary<string, string> _sealedKeys = periods.ToDictionary(p => p, RequestIds.SealedRowKey);

        public override IEnumerable<RowRef> Rows =>
            periods.SelectMany(p => new[]
            {
                RowRef.For<DeltaRow>(RequestIds.DeltaRowKey(p), pinned: true),
                RowRef.For<DeltaRow>(_sealedKeys[p], RowLoad.AssumeAbsent),
            });

        public override List<DeltaRow> Decide(WorkingSet ws)
        {
            var sealedRows = new List<DeltaRow>();
            foreach (var p in periods)
            {
                var delta = ws.Get<DeltaRow>(RequestIds.DeltaRowKey(p));
                if (delta is null || delta.IsEmpty) continue;
                delta.RowKey = _sealedKeys[p];
                ws.Put(delta);
                ws.Delete(RequestIds.DeltaRowKey(p));
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
