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

public sealed class TargetStore(Store store)
{
    public TableClient Table { get; } = store.Table(Tables.Targets);

    public async Task<TargetEntity> SaveAsync(TargetEntity entity, CancellationToken cancellationToken)
    {
        var response = await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        entity.ETag = response.Headers.ETag ?? default;
        return entity;
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
