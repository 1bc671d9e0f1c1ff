using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Storage;

namespace Pishkhan.Targets;

/// <summary>
/// A planning scope: a province ("lorestan") or a county ("khorramabad"). A code that is a province code
/// is the province, even if a county was given the same code (name such a county e.g. "yazd-county").
/// </summary>
public sealed record PlanScope(string Code, string Province, string? County)
{
    public ResourceScope Resource => new(Province, County);

    public static async Task<PlanScope?> ResolveAsync(string code, CountyStore counties, CancellationToken cancellationToken)
    {
        if (Provinces.IsKnown(code)) return new(code, code, null);
        var county = await counties.FindAsync(code, cancellationToken);
        return county is null ? null : new(code, county.Province, county.CountyCode);
    }
}

/// <summary>
/// Targets table, target rows: PK = scope code, RK = "{period}|{indicator}" ("1405-09|slaCompliance"), so
/// a scope's targets of one period — or of the six trend periods — are one range query.
/// </summary>
public sealed class TargetEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Scope => PartitionKey;
    [IgnoreDataMember] public string Period => RowKey[..7];
    [IgnoreDataMember] public string IndicatorName => RowKey[8..];
    public string Province { get; set; } = "";
    public string? County { get; set; }
    public double Planned { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The id of the key that set the plan (not a person's name).</summary>
    public string UpdatedBy { get; set; } = "";

    public static string Key(JalaliPeriod period, TargetIndicator indicator) => $"{period}|{TargetIndicators.NameOf(indicator)}";
}

/// <summary>
/// Targets table, snapshot rows: PK = scope code, RK = "~ref|{period}" (after every target row, since
/// '~' sorts after digits). Active and after-hours offices are reference data with no history, so while
/// a period is open its counts are recorded here whenever they are computed; a closed period's actuals
/// use its last snapshot.
/// </summary>
public sealed class ReferenceSnapshotEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Period => RowKey[SnapshotPrefix.Length..];
    public int ActiveOffices { get; set; }
    public int AfterHoursOffices { get; set; }
    public DateTimeOffset RecordedAt { get; set; }

    public const string SnapshotPrefix = "~ref|";
    public static string Key(JalaliPeriod period) => SnapshotPrefix + period;
}

/// <summary>
/// The Targets table. Besides target and snapshot rows, a province's partition holds a marker
/// "~plans|{period}|{county}" for each of its counties with targets in that period, so the province's
/// plans of a period (what the ranking report and the digest show) are one query of its partition plus one per
/// county that has targets, not one per county.
/// </summary>
public sealed class TargetStore(Store store)
{
    public TableClient Table { get; } = store.Table(Tables.Targets);

    private const string PlansPrefix = "~plans|";
    private volatile bool _plansBackfilled;

    private static string PlansKey(string period, string county) => $"{PlansPrefix}{period}|{county}";

    /// <summary>Upserts a target; a county's target writes its province's marker first (a crash between leaves a marker, never a target without one).</summary>
    public async Task<TargetEntity> SaveAsync(TargetEntity entity, CancellationToken cancellationToken)
    {
        if (entity.County is { } county)
            await Table.UpsertEntityAsync(new TableEntity(entity.Province, PlansKey(entity.Period, county)), TableUpdateMode.Replace, cancellationToken);
        var response = await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        entity.ETag = response.Headers.ETag ?? default;
        return entity;
    }

    /// <summary>
    /// The province's own targets of <paramref name="period"/> and the codes of its counties that have targets in
    /// it: one query of the province's partition (two RowKey ranges).
    /// </summary>
    public async Task<(List<TargetEntity> ProvinceTargets, HashSet<string> PlannedCounties)> ProvincePlansAsync(string province, JalaliPeriod period,
        CancellationToken cancellationToken)
    {
        await BackfillPlansOnceAsync(cancellationToken);
        var (targets, markers) = (period + "|", PlansKey(period.ToString(), ""));
        var rows = await Table.ListAsync<TargetEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {province} and ((RowKey ge {targets} and RowKey lt {targets + "~"}) or (RowKey ge {markers} and RowKey lt {markers + "~"}))"),
            cancellationToken);
        var planned = rows.Where(r => r.RowKey.StartsWith(markers, StringComparison.Ordinal)).Select(r => r.RowKey[markers.Length..]).ToHashSet(StringComparer.Ordinal);
        return ([.. rows.Where(r => !r.RowKey.StartsWith(PlansPrefix, StringComparison.Ordinal))], planned);
    }

    /// <summary>
    /// Targets saved before the markers existed get theirs: one read of every target row, once per storage account
    /// (then a "done" row), and once per process a point read of that row.
    /// </summary>
    private async Task BackfillPlansOnceAsync(CancellationToken cancellationToken)
    {
        if (_plansBackfilled) return;
        await Once.RunAsync(Table, "plans", async () =>
        {
            var countyTargets = new List<TargetEntity>();
            await foreach (var t in Table.QueryAsync<TargetEntity>(TableClient.CreateQueryFilter($"PartitionKey lt {"~"} and RowKey lt {"~"}"),
                               select: ["PartitionKey", "RowKey", "Province", "County"], cancellationToken: cancellationToken))
                if (t.County is { Length: > 0 }) countyTargets.Add(t);
            foreach (var province in countyTargets.GroupBy(t => t.Province))
                foreach (var chunk in province.Select(t => PlansKey(t.Period, t.County!)).Distinct(StringComparer.Ordinal).Chunk(100))
                    await Table.SubmitTransactionAsync(chunk.Select(key => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                        new TableEntity(province.Key, key))), cancellationToken);
        }, cancellationToken);
        _plansBackfilled = true;
    }

    /// <summary>A scope's targets of the periods <paramref name="from"/>..<paramref name="to"/> (one range query).</summary>
    public Task<List<TargetEntity>> ListAsync(string scope, JalaliPeriod from, JalaliPeriod to, CancellationToken cancellationToken) =>
        Table.ListAsync<TargetEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {scope} and RowKey ge {from + "|"} and RowKey lt {to + "|~"}"), cancellationToken);

    public Task<List<ReferenceSnapshotEntity>> SnapshotsAsync(string scope, JalaliPeriod from, JalaliPeriod to, CancellationToken cancellationToken) =>
        Table.ListAsync<ReferenceSnapshotEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {scope} and RowKey ge {ReferenceSnapshotEntity.Key(from)} and RowKey le {ReferenceSnapshotEntity.Key(to)}"), cancellationToken);

    public Task<ReferenceSnapshotEntity?> GetSnapshotAsync(string scope, JalaliPeriod period, CancellationToken cancellationToken) =>
        Table.GetOrNullAsync<ReferenceSnapshotEntity>(scope, ReferenceSnapshotEntity.Key(period), cancellationToken);

    /// <summary>Records an open period's reference counts; last write wins (the latest count of the period is the best one).</summary>
    public Task RecordSnapshotAsync(string scope, JalaliPeriod period, int active, int afterHours, DateTimeOffset now, CancellationToken cancellationToken) =>
        Table.UpsertEntityAsync(new ReferenceSnapshotEntity
        {
            PartitionKey = scope, RowKey = ReferenceSnapshotEntity.Key(period), ActiveOffices = active, AfterHoursOffices = afterHours, RecordedAt = now,
        }, TableUpdateMode.Replace, cancellationToken);
}
