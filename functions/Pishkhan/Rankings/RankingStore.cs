using System.Globalization;
using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Storage;

namespace Pishkhan.Rankings;

/// <summary>
/// Rankings table: PK = "{province}|{period}", RK = officeCode — one partition per published ranking, so
/// its rows are written in entity-group batches of 100 and read in one range. Row columns: CountyCode,
/// Status, Score, ProvinceRank, CountyRank, RowJson (the whole explainable row). The row RK = "!run"
/// (sorts before every code) records the run: PolicyVersion, Ranked, InsufficientData, ComputedAt,
/// PublishedAt, ReportPath. PK = "{province}|latest", RK = "!run" names the newest published period.
/// </summary>
public sealed class RankingRowEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string CountyCode { get; set; } = "";
    public string Status { get; set; } = "";
    public double? Score { get; set; }
    public int? ProvinceRank { get; set; }
    public int? CountyRank { get; set; }
    public string RowJson { get; set; } = "";
    /// <summary>The row's RecentScores ("R" format, invariant, ';'-separated): the next period's ranking reads this column, not RowJson.</summary>
    public string? RecentScores { get; set; }

    [IgnoreDataMember] public RankingRow Row => JsonSerializer.Deserialize<RankingRow>(RowJson, Http.Json.Stored)!;
}

public sealed class RankingRunEntity : ITableEntity
{
    public const string Key = "!run";
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Key;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Period { get; set; } = "";
    public int PolicyVersion { get; set; }
    public int Ranked { get; set; }
    public int InsufficientData { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? ReportPath { get; set; }
}

public sealed class RankingStore(Store store)
{
    public TableClient Table { get; } = store.Table(Tables.Rankings);

    public static string PartitionFor(string province, string period) => $"{province}|{period}";

    public Task<RankingRunEntity?> GetRunAsync(string province, string period, CancellationToken cancellationToken = default) =>
        Table.GetOrNullAsync<RankingRunEntity>(PartitionFor(province, period), RankingRunEntity.Key, cancellationToken);

    public Task<RankingRunEntity?> GetLatestAsync(string province, CancellationToken cancellationToken = default) =>
        Table.GetOrNullAsync<RankingRunEntity>(PartitionFor(province, "latest"), RankingRunEntity.Key, cancellationToken);

    /// <summary>The rows of a ranking (optionally one county's), in rank order with unranked rows last.</summary>
    public async Task<List<RankingRowEntity>> ListRowsAsync(string province, string period, string? countyCode, CancellationToken cancellationToken = default)
    {
        var partition = PartitionFor(province, period);
        var filter = countyCode is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {RankingRunEntity.Key}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {RankingRunEntity.Key} and CountyCode eq {countyCode}");
        var rows = await Table.ListAsync<RankingRowEntity>(filter, cancellationToken);
        return rows.OrderBy(r => r.ProvinceRank ?? int.MaxValue).ThenBy(r => r.RowKey, StringComparer.Ordinal).ToList();
    }

    /// <summary>What the next period's ranking needs of a published row: its rank (movement) and recent scores (sparkline).</summary>
    public sealed record PreviousRow(string OfficeCode, bool Ranked, int? ProvinceRank, IReadOnlyList<double> RecentScores);

    /// <summary>
    /// The rows of a published ranking as the next period needs them: three small columns instead of each row's
    /// JSON (about 1.2 KB), so reading the previous period costs about what reading the stats does. Rows stored
    /// before the RecentScores column existed are read whole.
    /// </summary>
    public async Task<List<PreviousRow>> ListPreviousAsync(string province, string period, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionFor(province, period)} and RowKey gt {RankingRunEntity.Key}");
        var rows = new List<RankingRowEntity>();
        await foreach (var row in Table.QueryAsync<RankingRowEntity>(filter, select: ["RowKey", "Status", "ProvinceRank", "RecentScores"], cancellationToken: cancellationToken))
            rows.Add(row);
        if (rows.Any(r => r.RecentScores is null))
            return [.. (await Table.ListAsync<RankingRowEntity>(filter, cancellationToken)).Select(r => r.Row)
                .Select(r => new PreviousRow(r.OfficeCode, r.Status == RankingStatus.Ranked, r.ProvinceRank, r.RecentScores))];
        return [.. rows.Select(r => new PreviousRow(r.RowKey, r.Status == JsonNamingPolicy.CamelCase.ConvertName(nameof(RankingStatus.Ranked)), r.ProvinceRank,
            r.RecentScores!.Length == 0 ? [] : [.. r.RecentScores.Split(';').Select(s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture))]))];
    }

    /// <summary>Writes every row with upserts in batches of 100 (one partition), then the run row last.</summary>
    public async Task SaveAsync(Ranking ranking, string province, RankingRunEntity run, CancellationToken cancellationToken = default)
    {
        var partition = PartitionFor(province, ranking.Period);
        var entities = ranking.Rows.Where(r => r.Province == province).Select(r => new RankingRowEntity
        {
            PartitionKey = partition, RowKey = r.OfficeCode, CountyCode = r.CountyCode, Status = JsonNamingPolicy.CamelCase.ConvertName(r.Status.ToString()),
            Score = r.Score, ProvinceRank = r.ProvinceRank, CountyRank = r.CountyRank, RowJson = JsonSerializer.Serialize(r, Http.Json.Stored),
            RecentScores = string.Join(';', r.RecentScores.Select(s => s.ToString("R", CultureInfo.InvariantCulture))),
        }).ToList();
        foreach (var chunk in entities.Chunk(100))
            await Table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
        run.PartitionKey = partition;
        await Table.UpsertEntityAsync(run, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Moves the "latest" pointer forward (never back), under the ETag.</summary>
    public Task SetLatestAsync(string province, RankingRunEntity run, CancellationToken cancellationToken = default) =>
        Table.UpdateWithRetryAsync<RankingRunEntity>(PartitionFor(province, "latest"), RankingRunEntity.Key, current =>
        {
            if (current is not null && string.CompareOrdinal(current.Period, run.Period) > 0) return null;
            return new RankingRunEntity
            {
                PartitionKey = PartitionFor(province, "latest"), ETag = current?.ETag ?? default, Period = run.Period, PolicyVersion = run.PolicyVersion,
                Ranked = run.Ranked, InsufficientData = run.InsufficientData, ComputedAt = run.ComputedAt, PublishedAt = run.PublishedAt, ReportPath = run.ReportPath,
            };
        }, cancellationToken);
}
