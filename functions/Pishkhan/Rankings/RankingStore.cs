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
/// PublishedAt, ReportPath, and CarryOver0…7 (what the next period needs of every row, see <see cref="RankingCarryOver"/>).
/// PK = "{province}|latest", RK = "!run" names the newest published period.
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

    // The rows as the next period's ranking needs them, in pieces of at most RankingCarryOver.PieceLength characters
    // (a string property holds 64 KiB); all null for runs stored before these columns or too large to carry.
    public string? CarryOver0 { get; set; }
    public string? CarryOver1 { get; set; }
    public string? CarryOver2 { get; set; }
    public string? CarryOver3 { get; set; }
    public string? CarryOver4 { get; set; }
    public string? CarryOver5 { get; set; }
    public string? CarryOver6 { get; set; }
    public string? CarryOver7 { get; set; }
}

/// <summary>
/// What the next period's ranking takes from a published one: each office's rank (movement) and recent scores
/// (sparkline), as one line per row, "{officeCode}\t{province rank, empty when not ranked}\t{scores, ';'-separated}",
/// stored on the run row. The next period then reads one row (a point read) instead of the whole partition: in
/// Azure the same one call for a province of up to 1,000 rows, but no page per further 1,000 rows and no
/// 1.2 KB of JSON per office; in Azurite, whose every query scans the whole table, no scan of every ranking ever stored.
/// </summary>
public static class RankingCarryOver
{
    public const int PieceLength = 32_000;
    private const int Pieces = 8;

    public static string Write(IEnumerable<RankingRow> rows)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var r in rows)
        {
            sb.Append(r.OfficeCode).Append('\t');
            if (r is { Status: RankingStatus.Ranked, ProvinceRank: { } rank }) sb.Append(rank.ToString(CultureInfo.InvariantCulture));
            sb.Append('\t').AppendJoin(';', r.RecentScores.Select(x => x.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        return sb.ToString();
    }

    public static List<RankingStore.PreviousRow> Read(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var f = line.Split('\t');
            int? rank = f[1].Length == 0 ? null : int.Parse(f[1], NumberStyles.None, CultureInfo.InvariantCulture);
            IReadOnlyList<double> scores = f[2].Length == 0 ? [] : [.. f[2].Split(';').Select(x => double.Parse(x, NumberStyles.Float, CultureInfo.InvariantCulture))];
            return new RankingStore.PreviousRow(f[0], rank is not null, rank, scores);
        })];

    /// <summary>Splits the text over the run row's columns; false (columns left null) when it needs more than they hold.</summary>
    public static bool TryStore(RankingRunEntity run, string text)
    {
        if (text.Length > PieceLength * Pieces) return false;
        var pieces = Enumerable.Range(0, Pieces).Select(i => i * PieceLength < text.Length ? text.Substring(i * PieceLength, Math.Min(PieceLength, text.Length - i * PieceLength)) : null).ToArray();
        (run.CarryOver0, run.CarryOver1, run.CarryOver2, run.CarryOver3, run.CarryOver4, run.CarryOver5, run.CarryOver6, run.CarryOver7) =
            (pieces[0] ?? "", pieces[1], pieces[2], pieces[3], pieces[4], pieces[5], pieces[6], pieces[7]);
        return true;
    }

    /// <summary>The carried rows, or null when the run has none (stored before the columns existed, or too large).</summary>
    public static List<RankingStore.PreviousRow>? Load(RankingRunEntity run) =>
        run.CarryOver0 is null ? null
            : Read(string.Concat(run.CarryOver0, run.CarryOver1, run.CarryOver2, run.CarryOver3, run.CarryOver4, run.CarryOver5, run.CarryOver6, run.CarryOver7));
}

public sealed class RankingStore(Store store)
{
    public TableClient Table { get; } = store.Table(Tables.Rankings);

    public static string PartitionFor(string province, string period) => $"{province}|{period}";

    /// <summary>The run row without its carry-over columns (up to 256,000 characters the API has no use for).</summary>
    public async Task<RankingRunEntity?> GetRunAsync(string province, string period, CancellationToken cancellationToken = default)
    {
        var response = await Table.GetEntityIfExistsAsync<RankingRunEntity>(PartitionFor(province, period), RankingRunEntity.Key, RunColumns, cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private static readonly string[] RunColumns = ["PartitionKey", "RowKey", nameof(RankingRunEntity.Period), nameof(RankingRunEntity.PolicyVersion), nameof(RankingRunEntity.Ranked),
        nameof(RankingRunEntity.InsufficientData), nameof(RankingRunEntity.ComputedAt), nameof(RankingRunEntity.PublishedAt), nameof(RankingRunEntity.ReportPath)];

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
    /// The rows of a published ranking as the next period needs them: from the run row's carry-over (one point
    /// read); for a run stored without it, three small columns of every row instead of each row's JSON (about
    /// 1.2 KB), and rows stored before the RecentScores column existed are read whole. No run row, no ranking.
    /// </summary>
    public async Task<List<PreviousRow>> ListPreviousAsync(string province, string period, CancellationToken cancellationToken = default)
    {
        var run = await Table.GetOrNullAsync<RankingRunEntity>(PartitionFor(province, period), RankingRunEntity.Key, cancellationToken);
        if (run is null) return [];
        if (RankingCarryOver.Load(run) is { } carried) return carried;
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

    /// <summary>
    /// Writes every row with upserts in batches of 100 (one partition), the run row (with the carry-over) in the
    /// last batch, so it is stored with the last rows and never before them, and costs no call of its own.
    /// </summary>
    public async Task SaveAsync(Ranking ranking, string province, RankingRunEntity run, CancellationToken cancellationToken = default)
    {
        var partition = PartitionFor(province, ranking.Period);
        var rows = ranking.Rows.Where(r => r.Province == province).ToList();
        var entities = rows.Select(r => new RankingRowEntity
        {
            PartitionKey = partition, RowKey = r.OfficeCode, CountyCode = r.CountyCode, Status = JsonNamingPolicy.CamelCase.ConvertName(r.Status.ToString()),
            Score = r.Score, ProvinceRank = r.ProvinceRank, CountyRank = r.CountyRank, RowJson = JsonSerializer.Serialize(r, Http.Json.Stored),
            RecentScores = string.Join(';', r.RecentScores.Select(s => s.ToString("R", CultureInfo.InvariantCulture))),
        }).ToList<ITableEntity>();
        run.PartitionKey = partition;
        RankingCarryOver.TryStore(run, RankingCarryOver.Write(rows));
        entities.Add(run);
        foreach (var chunk in entities.Chunk(100))
            await Table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
    }

    /// <summary>
    /// Moves the "latest" pointer forward (never back), under the ETag. <paramref name="read"/> is the pointer as
    /// the job read it at its start: the first write is tried on it; if another writer came in between, the
    /// pointer is read again.
    /// </summary>
    public Task SetLatestAsync(string province, RankingRunEntity run, RankingRunEntity? read, CancellationToken cancellationToken = default) =>
        Table.UpdateWithRetryAsync<RankingRunEntity>(PartitionFor(province, "latest"), RankingRunEntity.Key, current =>
            current is not null && string.CompareOrdinal(current.Period, run.Period) > 0 ? null : new RankingRunEntity
            {
                PartitionKey = PartitionFor(province, "latest"), ETag = current?.ETag ?? default, Period = run.Period, PolicyVersion = run.PolicyVersion,
                Ranked = run.Ranked, InsufficientData = run.InsufficientData, ComputedAt = run.ComputedAt, PublishedAt = run.PublishedAt, ReportPath = run.ReportPath,
            }, cancellationToken, firstRead: new(read));
}
