using System.Globalization;
using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Storage;

namespace Pishkhan.Stats;

/// <summary>
/// OfficeStats table: PK = Jalali period ("1405-09"), RK = officeCode. Counters are updated as events
/// happen, so the ranking and the targets read O(offices) rows, never the requests behind them.
///
/// Exactly-once counting: every counted event also writes a marker row in the SAME partition
/// (RK = "~{officeCode}~{eventId}") in one entity-group transaction with the ETag-guarded counter update.
/// A redelivered event finds its marker (409) and changes nothing; a concurrent writer makes the ETag
/// fail (412) and the update is retried. Markers sort after every office code ('~' &gt; a–z0–9-), so
/// "RowKey lt '~'" reads only the counter rows.
///
/// A period that has closed is ranked and published from these rows, so request counts go to the period the
/// server recorded them in, never to one named by a time the office reported (Requests/README "Event times").
/// </summary>
public sealed class OfficeStatsEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Period => PartitionKey;
    [IgnoreDataMember] public string OfficeCode => RowKey;
    public string Province { get; set; } = "";
    public string CountyCode { get; set; } = "";

    // Service requests
    public long RequestsReceived { get; set; }
    public long RequestsCompleted { get; set; }
    public long RequestsRejected { get; set; }
    public long CompletedWithinSla { get; set; }
    public long SlaBreached { get; set; }
    public long RatingCount { get; set; }
    public long RatingSum { get; set; }
    /// <summary>Turnaround of completed requests in working hours, as a mergeable histogram (see <see cref="Histogram"/>).</summary>
    public string TurnaroundHistogram { get; set; } = "";

    // Complaints
    public long ComplaintsReceived { get; set; }
    public long ComplaintsDecided { get; set; }
    public long ComplaintsUpheld { get; set; }
    /// <summary>Working days from filing to decision, as a mergeable histogram.</summary>
    public string ComplaintDecisionDaysHistogram { get; set; } = "";

    // Inspections
    public long InspectionCount { get; set; }
    public double InspectionScoreSum { get; set; }
    public long RoutineInspections { get; set; }
    public long Violations { get; set; }
    public long MajorViolations { get; set; }
    public long StaffCount { get; set; }
    public long StaffTrained { get; set; }
    public long AfterHoursChecks { get; set; }
    public long AfterHoursOpen { get; set; }
}

/// <summary>
/// A histogram with fixed bucket bounds, stored as "count,count,…": merging two is adding counts, so
/// medians and p90 per county or province come from summing office rows.
/// </summary>
public static class Histogram
{
    /// <summary>Upper bounds (inclusive) of the buckets; the last bucket is everything above.</summary>
    public static readonly double[] Bounds = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512];

    public static long[] Parse(string? s)
    {
        var counts = new long[Bounds.Length + 1];
        if (string.IsNullOrEmpty(s)) return counts;
        var parts = s.Split(',');
        for (var i = 0; i < Math.Min(parts.Length, counts.Length); i++) counts[i] = long.Parse(parts[i], CultureInfo.InvariantCulture);
        return counts;
    }

    public static string Format(long[] counts) => string.Join(',', counts.Select(c => c.ToString(CultureInfo.InvariantCulture)));

    public static string Add(string? histogram, double value)
    {
        var counts = Parse(histogram);
        counts[Bucket(value)]++;
        return Format(counts);
    }

    public static int Bucket(double value)
    {
        for (var i = 0; i < Bounds.Length; i++) if (value <= Bounds[i]) return i;
        return Bounds.Length;
    }

    public static long[] Merge(IEnumerable<string?> histograms)
    {
        var total = new long[Bounds.Length + 1];
        foreach (var h in histograms)
        {
            var c = Parse(h);
            for (var i = 0; i < total.Length; i++) total[i] += c[i];
        }
        return total;
    }

    /// <summary>The q-quantile (0..1) as the upper bound of the bucket it falls in; null when empty.</summary>
    public static double? Quantile(long[] counts, double q)
    {
        var n = counts.Sum();
        if (n == 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(q * n));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank) return i < Bounds.Length ? Bounds[i] : double.PositiveInfinity;
        }
        return double.PositiveInfinity;
    }
}

public sealed class OfficeStatsStore(Store store)
{
    public TableClient Table { get; } = store.Table(Tables.OfficeStats);

    /// <summary>
    /// Applies <paramref name="change"/> to the office's counters for <paramref name="period"/> exactly once
    /// per <paramref name="eventId"/>. Returns false when the event was already counted.
    /// </summary>
    public async Task<bool> ApplyOnceAsync(string period, string officeCode, string province, string countyCode, string eventId,
        Action<OfficeStatsEntity> change, CancellationToken cancellationToken = default) =>
        await ApplyEachOnceAsync(period, officeCode, province, countyCode, [(eventId, change)], cancellationToken) == 1;

    /// <summary>
    /// Applies several events' changes (at most 99) to the office's counters in one transaction, each exactly once:
    /// one marker "~{office}~{eventId}" per event beside the counter row, written under its ETag. An event whose
    /// marker exists was counted before and is left out. Returns how many were counted now.
    /// </summary>
    public async Task<int> ApplyEachOnceAsync(string period, string officeCode, string province, string countyCode,
        IReadOnlyList<(string EventId, Action<OfficeStatsEntity> Change)> events, CancellationToken cancellationToken = default)
    {
        var pending = events.ToList();
        for (var attempt = 0; attempt < 30 && pending.Count > 0; attempt++)
        {
            var current = await Table.GetOrNullAsync<OfficeStatsEntity>(period, officeCode, cancellationToken);
            var stats = current ?? new OfficeStatsEntity { PartitionKey = period, RowKey = officeCode };
            stats.Province = province;
            stats.CountyCode = countyCode;
            foreach (var e in pending) e.Change(stats);
            var actions = pending.Select(e => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(period, $"~{officeCode}~{e.EventId}")))
                .Append(current is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, stats)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, stats, current.ETag))
                .ToList();
            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken);
                return pending.Count;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is { } i && i < pending.Count)
            {
                pending.RemoveAt(i); // its marker exists: this event was counted before
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // Another writer changed (or created) the counter row first: read again and retry.
                await Task.Delay(Random.Shared.Next(1, 10 + attempt * 5), cancellationToken);
            }
        }
        if (pending.Count == 0) return 0;
        throw new RequestFailedException(503, "Office statistics are too contended; retry.");
    }

    public Task<OfficeStatsEntity?> GetAsync(string period, string officeCode, CancellationToken cancellationToken = default) =>
        Table.GetOrNullAsync<OfficeStatsEntity>(period, officeCode, cancellationToken);

    /// <summary>Every office's counters of a period (markers excluded by the key range), optionally one province's.</summary>
    public Task<List<OfficeStatsEntity>> ListAsync(string period, string? province, CancellationToken cancellationToken = default) =>
        Table.ListAsync<OfficeStatsEntity>(province is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {period} and RowKey lt {"~"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {period} and RowKey lt {"~"} and Province eq {province}"), cancellationToken);
}
