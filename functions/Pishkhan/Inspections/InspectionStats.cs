using System.Collections.Concurrent;
using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Pishkhan.Calendar;
using Pishkhan.Stats;
using Pishkhan.Storage;

namespace Pishkhan.Inspections;

/// <summary>
/// An inspection's OfficeStats counts, waiting to be moved into OfficeStats: a row of the office's Inspections
/// partition, RK = "~stats.{stamp}", written in the SAME entity-group transaction as the queued → processed
/// ETag transition, so an inspection is processed if and only if its counts exist (pending here, or applied).
/// Columns: Period (Jalali month of the visit), Province, CountyCode and the counter increments.
/// </summary>
public sealed class InspectionStatsDelta : ITableEntity
{
    public const string Prefix = "~stats.";
    /// <summary>The first key after every "~stats." key ('/' follows '.').</summary>
    public const string End = "~stats/";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string OfficeCode => PartitionKey;
    /// <summary>The inspection id: the event id of its OfficeStats marker (as before the deltas existed).</summary>
    [IgnoreDataMember] public string InspectionId => InspectionIds.Of(PartitionKey, RowKey[Prefix.Length..]);
    public string Period { get; set; } = "";
    public string Province { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public double ScoreSum { get; set; }
    public int Routine { get; set; }
    public int Violations { get; set; }
    public int MajorViolations { get; set; }
    public int StaffCount { get; set; }
    public int StaffTrained { get; set; }
    public int AfterHoursChecks { get; set; }
    public int AfterHoursOpen { get; set; }

    public static string RowKeyFor(string stamp) => Prefix + stamp;

    /// <summary>Counted in the Jalali month of the visit.</summary>
    public static InspectionStatsDelta For(InspectionEntity inspection, ScoreResult score) => new()
    {
        PartitionKey = inspection.PartitionKey, RowKey = RowKeyFor(inspection.RowKey), Period = JalaliPeriod.Containing(inspection.VisitedAt).ToString(),
        Province = inspection.Province, CountyCode = inspection.CountyCode, ScoreSum = score.Score,
        Routine = inspection.Kind == InspectionType.Routine ? 1 : 0, Violations = score.Violations, MajorViolations = score.MajorViolations,
        StaffCount = inspection.StaffPresent ?? 0, StaffTrained = inspection.StaffPresent is null ? 0 : inspection.StaffTrained ?? 0,
        AfterHoursChecks = inspection.Kind == InspectionType.Unannounced ? 1 : 0,
        AfterHoursOpen = inspection.Kind == InspectionType.Unannounced && inspection.OfficeOpen == true ? 1 : 0,
    };

    public void ApplyTo(OfficeStatsEntity s)
    {
        s.InspectionCount++;
        s.InspectionScoreSum += ScoreSum;
        s.RoutineInspections += Routine;
        s.Violations += Violations;
        s.MajorViolations += MajorViolations;
        s.StaffCount += StaffCount;
        s.StaffTrained += StaffTrained;
        s.AfterHoursChecks += AfterHoursChecks;
        s.AfterHoursOpen += AfterHoursOpen;
    }
}

/// <summary>
/// Moves processed inspections' counts (<see cref="InspectionStatsDelta"/> rows) into OfficeStats, off the
/// processing path, exactly once:
/// 1. processing writes the delta row in the transaction that marks the inspection processed;
/// 2. a flush of the office (<see cref="FlushDelay"/> after processing; again whenever a delivery finds the
///    inspection already processed; and by the daily sweep of the DrawReinspections timer) takes the office's
///    delta rows (those processing just wrote, or, after a redelivery and in the sweep, a query's) and adds them to the (period, office) counter row in one OfficeStats transaction per period
///    (≤ 99 at a time) together with one marker per inspection ("~{office}~{inspection id}", the same marker
///    ApplyOnceAsync wrote before deltas existed), under the counter's ETag; a marker that exists (409) means
///    that inspection was counted before: it is left out and the rest retried;
/// 3. then the delta rows are deleted. A crash between 2 and 3 leaves rows whose markers exist: the next
///    flush counts nothing and deletes them. Two flushes at once: the markers and the ETag let one count.
/// </summary>
public sealed class InspectionStats(InspectionStore inspections, OfficeStatsStore stats, Offices.OfficeStore officeStore, ILogger<InspectionStats> logger)
{
    /// <summary>How long after processing the office's counts are flushed (a burst of an office's inspections shares a flush).</summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(1);
    /// <summary>The activity of a scheduled flush.</summary>
    public const string FlushOperation = "InspectionCountsFlush";
    private const int MaxPerTransaction = 99; // + the counter row = 100, the entity-group limit

    private readonly ConcurrentDictionary<string, byte> _scheduled = new(StringComparer.Ordinal);
    /// <summary>
    /// Offices whose next flush must query their rows: a redelivery asked for it (an earlier flush may have been
    /// lost), or the last flush failed (the rows it had taken are still stored).
    /// </summary>
    private readonly ConcurrentDictionary<string, byte> _mustQuery = new(StringComparer.Ordinal);
    /// <summary>Counts rows this instance wrote and has not flushed yet, per office.</summary>
    private readonly ConcurrentDictionary<string, ConcurrentQueue<InspectionStatsDelta>> _written = new(StringComparer.Ordinal);

    /// <summary>
    /// Flushes the office's pending counts shortly, outside the calling operation's storage tally (one flush per office
    /// at a time). Processing passes the row it has just written: a flush that knows all its rows applies and deletes
    /// them without reading them first (3 calls instead of 4, the usual case: one inspection per office at a time).
    /// Without a row (a redelivery found the inspection processed: an earlier flush may have been lost), and after a
    /// flush of the office failed, the flush queries the office's rows. Rows another instance left behind are found
    /// by such a query or by the daily sweep.
    /// </summary>
    public void ScheduleFlush(string officeCode, InspectionStatsDelta? written = null)
    {
        if (written is not null) _written.GetOrAdd(officeCode, _ => new()).Enqueue(written);
        else _mustQuery.TryAdd(officeCode, 0);
        if (!_scheduled.TryAdd(officeCode, 0)) return;
        _ = StorageCalls.RunDetached(async () =>
        {
            // Wall-clock delay on purpose (not TimeProvider): this batches writes, it is not business time.
            await Task.Delay(FlushDelay);
            // Taken after the removal: a row or request that comes later schedules a flush of its own.
            _scheduled.TryRemove(officeCode, out _);
            var query = _mustQuery.TryRemove(officeCode, out _);
            // By row key: two deliveries of one inspection that met both pass its row (an entity goes once in a transaction).
            var known = new Dictionary<string, InspectionStatsDelta>(StringComparer.Ordinal);
            if (_written.TryGetValue(officeCode, out var queue))
                while (queue.TryDequeue(out var row)) known.TryAdd(row.RowKey, row);
            try
            {
                // Its own operation: the flush's round trips are recorded on its activity (pishkhan.storage.calls.*).
                await Telemetry.PishkhanTelemetry.TrackTimerAsync(FlushOperation, async () =>
                {
                    System.Diagnostics.Activity.Current?.SetTag("pishkhan.office", officeCode);
                    if (query) await FlushNowAsync(officeCode);
                    else if (known.Count > 0) await FlushRowsAsync(officeCode, [.. known.Values], CancellationToken.None);
                });
            }
            catch (Exception e)
            {
                _mustQuery.TryAdd(officeCode, 0);
                logger.LogWarning("Flushing inspection statistics of office {OfficeCode} failed ({Reason}); the office's next flush, a redelivery or the daily sweep retries",
                    officeCode, e.GetType().Name);
            }
        });
    }

    /// <summary>Applies every pending count of the office to OfficeStats; returns how many inspections it counted now.</summary>
    public async Task<int> FlushNowAsync(string officeCode, CancellationToken cancellationToken = default)
    {
        var pending = await inspections.Table.ListAsync<InspectionStatsDelta>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {officeCode} and RowKey ge {InspectionStatsDelta.Prefix} and RowKey lt {InspectionStatsDelta.End}"), cancellationToken);
        return await FlushRowsAsync(officeCode, pending, cancellationToken);
    }

    /// <summary>Applies the given counts rows of the office (once each: their markers) and deletes them.</summary>
    private async Task<int> FlushRowsAsync(string officeCode, List<InspectionStatsDelta> pending, CancellationToken cancellationToken)
    {
        var counted = 0;
        foreach (var period in pending.GroupBy(d => d.Period, StringComparer.Ordinal))
            foreach (var chunk in period.Chunk(MaxPerTransaction))
                counted += await ApplyAsync(period.Key, officeCode, [.. chunk], cancellationToken);
        foreach (var chunk in pending.Chunk(100)) await DeleteAsync(officeCode, chunk, cancellationToken);
        return counted;
    }

    /// <summary>
    /// The daily safety net: flushes every office with pending counts (a flush lost to a crash or an outage). It
    /// reads each province's offices, then each office's own "~stats." range: every query names its partition
    /// (a RowKey filter across partitions would scan the whole Inspections table), O(offices) small queries a day.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var counted = 0;
        foreach (var province in Provinces.Names.Keys)
        {
            var offices = await officeStore.ListAsync(province, null, cancellationToken);
            await Parallel.ForEachAsync(offices, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (office, ct) => Interlocked.Add(ref counted, await FlushNowAsync(office.OfficeCode, ct)));
        }
        return counted;
    }

    private Task<int> ApplyAsync(string period, string officeCode, List<InspectionStatsDelta> deltas, CancellationToken cancellationToken) =>
        stats.ApplyEachOnceAsync(period, officeCode, deltas[0].Province, deltas[0].CountyCode,
            [.. deltas.Select(d => (d.InspectionId, (Action<OfficeStatsEntity>)d.ApplyTo))], cancellationToken);

    private async Task DeleteAsync(string officeCode, IReadOnlyList<InspectionStatsDelta> rows, CancellationToken cancellationToken)
    {
        try
        {
            await inspections.Table.SubmitTransactionAsync(
                rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(officeCode, r.RowKey), ETag.All)), cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            // A concurrent flush deleted some: delete the rest one by one.
            foreach (var r in rows)
                try { await inspections.Table.DeleteEntityAsync(officeCode, r.RowKey, ETag.All, cancellationToken); }
                catch (RequestFailedException d) when (d.Status == 404) { }
        }
    }
}
