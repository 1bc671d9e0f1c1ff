using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Members;
using Pishkhan.Notifications;
using Pishkhan.Offices;
using Pishkhan.RankingPolicy;
using Pishkhan.Stats;
using Pishkhan.Storage;
using Azure.Data.Tables;

namespace Pishkhan.Rankings;

/// <summary>The message of the "rankings" queue: rank these provinces for one period.</summary>
public sealed record RankingMessage(string Period, IReadOnlyList<string> Provinces);

/// <summary>
/// Ranks a province for a closed period: reads the period's OfficeStats (O(offices)), the policy in force,
/// the previous ranking (movement, and the recent scores its rows carry); computes (a pure function); stores the rows;
/// publishes HTML, JSON and CSV (gzip-encoded) to Blob Storage; tells the members. Running it again for the same input
/// writes the same rows and blobs, and the members' emails are deduplicated by the outbox (same cause).
/// </summary>
public sealed class RankingJob(Store store, RankingStore rankings, OfficeStatsStore stats, OfficeStore offices, CountyStore counties,
    RankingPolicyStore policies, Outbox outbox, PishkhanSettings settings, TimeProvider clock, ILogger<RankingJob> logger,
    Targets.TargetReports targetReports, Meetings.MeetingStore meetings)
{
    public const string WebContainer = "$web";

    public async Task HandleAsync(BinaryData message, CancellationToken cancellationToken)
    {
        var m = message.ToObjectFromJson<RankingMessage>(Json.Stored)
            ?? throw new FormatException("Empty ranking message.");
        if (!JalaliPeriod.TryParse(m.Period, out var period) || m.Provinces is not { Count: > 0 } || !m.Provinces.All(Provinces.IsKnown))
            throw new FormatException("Malformed ranking message.");
        await RunAsync(period, m.Provinces, cancellationToken);
    }

    /// <summary>
    /// Ranks several provinces of one period. The period's stats and the offices are read once (pages of the
    /// whole tables, O(offices), not a query per province); provinces are then ranked, stored and published
    /// independently, eight at a time.
    /// </summary>
    public async Task RunAsync(JalaliPeriod period, IReadOnlyCollection<string> provinces, CancellationToken cancellationToken = default)
    {
        if (provinces.Count == 1)
        {
            await RunAsync(provinces.First(), period, cancellationToken);
            return;
        }
        var statsTask = stats.ListAsync(period.ToString(), null, cancellationToken);
        var officesTask = offices.ListAllAsync(cancellationToken);
        await Task.WhenAll(statsTask, officesTask);
        var statsByProvince = statsTask.Result.GroupBy(s => s.Province).ToDictionary(g => g.Key, g => g.ToList());
        var officesByProvince = officesTask.Result.GroupBy(o => o.Province).ToDictionary(g => g.Key, g => g.ToList());
        await Parallel.ForEachAsync(provinces.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (province, ct) => await RankProvinceAsync(province, period, statsByProvince.GetValueOrDefault(province) ?? [],
                officesByProvince.GetValueOrDefault(province) ?? [], ct));
    }

    public async Task<Ranking> RunAsync(string province, JalaliPeriod period, CancellationToken cancellationToken = default)
    {
        var statsTask = stats.ListAsync(period.ToString(), province, cancellationToken);
        var officesTask = offices.ListAsync(province, null, cancellationToken);
        await Task.WhenAll(statsTask, officesTask);
        return await RankProvinceAsync(province, period, statsTask.Result, officesTask.Result, cancellationToken);
    }

    /// <summary>
    /// One province: its policy, counties, members, "latest" pointer and the previous period's carry-over are read
    /// once each (in parallel) and handed to what needs them; the rest is the rows' batches and the three blobs.
    /// </summary>
    private async Task<Ranking> RankProvinceAsync(string province, JalaliPeriod period, List<OfficeStatsEntity> provinceStats, List<OfficeEntity> officeList,
        CancellationToken cancellationToken)
    {
        using var activity = Telemetry.PishkhanTelemetry.Ranking.StartActivity("ranking.province");
        activity?.SetTag("pishkhan.province", province);
        activity?.SetTag("pishkhan.period", period.ToString());
        var previousPeriod = period.Previous().ToString();
        var policyTask = policies.CurrentAsync(province, cancellationToken);
        var previousTask = rankings.ListPreviousAsync(province, previousPeriod, cancellationToken);
        var countiesTask = counties.ListAsync(province, cancellationToken);
        var membersTask = store.Table(Tables.Members).ListAsync<MemberEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {province}"), cancellationToken);
        var latestTask = rankings.GetLatestAsync(province, cancellationToken);
        await Task.WhenAll(policyTask, previousTask, countiesTask, membersTask, latestTask);
        var (policy, previous, countyList, members, latest) = (policyTask.Result, previousTask.Result, countiesTask.Result, membersTask.Result, latestTask.Result);

        var statsRows = provinceStats.ToDictionary(s => s.OfficeCode, StringComparer.Ordinal);
        // Every office that had activity, plus every active office without any (listed as insufficient data).
        var input = officeList
            .Where(o => o.Status == OfficeStatus.Active || statsRows.ContainsKey(o.OfficeCode))
            .Select(o => ToPeriodStats(o, statsRows.GetValueOrDefault(o.OfficeCode)))
            .ToList();

        // Movement needs the previous period's ranks; each published row carries its last six scores, so the
        // previous period's rows are the whole history the sparklines need: no read of older periods.
        var previousRanks = previous.Where(r => r is { Ranked: true, ProvinceRank: not null })
            .ToDictionary(r => r.OfficeCode, r => (province, r.ProvinceRank!.Value), StringComparer.Ordinal);
        var history = previous.Where(r => r.RecentScores.Count > 0).ToDictionary(r => r.OfficeCode, r => r.RecentScores, StringComparer.Ordinal);
        Ranking ranking;
        using (Telemetry.PishkhanTelemetry.Ranking.StartActivity("ranking.compute"))
            ranking = RankingCalculator.Compute(period.ToString(), input, previous.Count == 0 ? null : previousPeriod, previousRanks, policy, history);

        var now = clock.GetUtcNow();
        var reportPath = BlobPath($"rankings/{period}/{province}/index.html");
        var run = new RankingRunEntity
        {
            Period = period.ToString(), PolicyVersion = ranking.PolicyVersion, ComputedAt = now, PublishedAt = now, ReportPath = reportPath,
            Ranked = ranking.Rows.Count(r => r.Status == RankingStatus.Ranked),
            InsufficientData = ranking.Rows.Count(r => r.Status != RankingStatus.Ranked),
        };
        using (Telemetry.PishkhanTelemetry.Ranking.StartActivity("ranking.publish"))
            await PublishAsync(ranking, province, period, now, countyList, members, cancellationToken);
        using (Telemetry.PishkhanTelemetry.Ranking.StartActivity("ranking.save"))
            await rankings.SaveAsync(ranking, province, run, cancellationToken);
        await rankings.SetLatestAsync(province, run, latest, cancellationToken);
        await NotifyMembersAsync(ranking, province, period, members, cancellationToken);
        logger.LogInformation("Ranked {Province} {Period}: {Ranked} ranked, {Insufficient} insufficient data", province, period.ToString(), run.Ranked, run.InsufficientData);
        activity?.SetTag("pishkhan.ranking.ranked", run.Ranked);
        activity?.SetTag("pishkhan.ranking.insufficient_data", run.InsufficientData);
        return ranking;
    }

    private static OfficePeriodStats ToPeriodStats(OfficeEntity o, OfficeStatsEntity? s) => new(
        o.OfficeCode, o.Name, o.Province, o.CountyCode,
        s?.RequestsReceived ?? 0, s?.RequestsCompleted ?? 0, s?.RequestsRejected ?? 0, s?.CompletedWithinSla ?? 0, s?.SlaBreached ?? 0,
        s?.RatingCount ?? 0, s?.RatingSum ?? 0, s?.ComplaintsReceived ?? 0, s?.ComplaintsUpheld ?? 0,
        s?.InspectionCount ?? 0, s?.InspectionScoreSum ?? 0, s?.StaffCount ?? 0, s?.StaffTrained ?? 0,
        s?.AfterHoursChecks ?? 0, s?.AfterHoursOpen ?? 0);

    private string BlobPath(string path) => store.Names.NamePrefix.Length == 0 ? path : $"{store.Names.NamePrefix.ToLowerInvariant()}/{path}";

    /// <summary>
    /// The report, JSON and CSV under the period's folder. There are no copies under a "latest" folder: who wants the
    /// newest report asks the pointer row (the public site's GET /api/public/reports), which names the period's folder;
    /// copies would double the uploads, half of a publication's storage time (Rankings/README).
    /// </summary>
    private async Task PublishAsync(Ranking ranking, string province, JalaliPeriod period, DateTimeOffset now, List<CountyEntity> countyList,
        List<MemberEntity> members, CancellationToken cancellationToken)
    {
        var countyNames = countyList.ToDictionary(c => c.CountyCode, c => c.Name);
        var planning = await PlanningAsync(province, period, countyList, countyNames, members, cancellationToken);
        var html = RankingReport.Render(ranking, Provinces.Names[province], countyNames, now, planning);
        var json = JsonSerializer.SerializeToUtf8Bytes(ranking, Json.Stored);
        var csv = RankingCsv.Write(ranking);
        var container = store.Blobs.GetBlobContainerClient(WebContainer);
        // The uploads are independent, so they go together.
        (string Name, byte[] Gzipped, string ContentType)[] files =
        [
            ("index.html", Gzip(Encoding.UTF8.GetBytes(html)), "text/html; charset=utf-8"),
            ("ranking.json", Gzip(json), "application/json; charset=utf-8"),
            ("ranking.csv", Gzip(csv), "text/csv; charset=utf-8"),
        ];
        await Task.WhenAll(files.Select(f => Upload(container, BlobPath($"rankings/{period}/{province}/{f.Name}"), f.Gzipped, f.ContentType, cancellationToken)));
    }

    /// <summary>The period's targets behind plan (province first, then counties) and the decisions open now, with their owners' names.</summary>
    private async Task<ReportPlanning> PlanningAsync(string province, JalaliPeriod period, List<CountyEntity> countyList,
        IReadOnlyDictionary<string, string> countyNames, List<MemberEntity> members, CancellationToken cancellationToken)
    {
        var behindTask = targetReports.BehindPlanAsync(province, period, countyList, cancellationToken);
        var decisionsTask = meetings.OpenDecisionsAsync(province, cancellationToken);
        await Task.WhenAll(behindTask, decisionsTask);
        var owners = members.ToDictionary(m => m.MemberId, m => m.Name, StringComparer.Ordinal);
        return new ReportPlanning(
            [.. behindTask.Result.Select(t => new ReportTarget(
                t.County is null ? "استان " + Provinces.Names[province] : "شهرستان " + countyNames.GetValueOrDefault(t.County, t.County),
                Targets.TargetText.IndicatorName(t.Indicator), Targets.TargetText.Value(t.Indicator, t.ProRataPlanned ?? t.Planned),
                Targets.TargetText.Value(t.Indicator, t.Actual)))],
            [.. decisionsTask.Result.Select(d => new ReportDecision(d.Title(120), owners.GetValueOrDefault(d.OwnerMemberId, d.OwnerMemberId),
                Meetings.MeetingDates.Parse(d.DueDate), d.DaysOverdue))]);
    }

    /// <summary>
    /// Stored gzip-compressed with Content-Encoding: gzip (browsers and HTTP clients decompress; Persian HTML
    /// and JSON shrink about eightfold), which also keeps publication cheap for a province of hundreds of offices.
    /// </summary>
    private static byte[] Gzip(byte[] content)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(content);
        return compressed.ToArray();
    }

    private static Task Upload(Azure.Storage.Blobs.BlobContainerClient container, string path, byte[] gzipped, string contentType, CancellationToken cancellationToken) =>
        container.GetBlobClient(path).UploadAsync(new BinaryData(gzipped),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType, ContentEncoding = "gzip", CacheControl = "public, max-age=300" } }, cancellationToken);

    private async Task NotifyMembersAsync(Ranking ranking, string province, JalaliPeriod period, List<MemberEntity> members, CancellationToken cancellationToken)
    {
        var movers = string.Join("\n", ranking.Rows.Where(r => r.Movement is > 0).OrderByDescending(r => r.Movement).ThenBy(r => r.ProvinceRank).Take(3)
            .Select(r => $"{r.OfficeName} (+{r.Movement})"));
        var ranked = ranking.Rows.Count(r => r.Status == RankingStatus.Ranked).ToString(CultureInfo.InvariantCulture);
        var link = $"{settings.PublicReportBaseUrl?.TrimEnd('/') ?? store.Blobs.Uri + WebContainer}/{BlobPath($"rankings/{period}/{province}/index.html")}";
        // Queued together, so the members' rows share queue messages (Outbox, "Grouped messages").
        await Task.WhenAll(members.Where(m => m.Digest).Select(member =>
            outbox.EnqueueAsync(new NotificationRequest($"ranking-published:{province}:{period}", NotificationKinds.RankingPublished, province,
                member.Email, null, member.Name, new Dictionary<string, string>
                {
                    ["period"] = period.ToString(), ["periodName"] = period.PersianName, ["province"] = Provinces.Names[province],
                    ["link"] = link, ["topMovers"] = movers, ["ranked"] = ranked,
                }), cancellationToken)));
    }
}

public static class RankingCsv
{
    /// <summary>UTF-8 with a byte-order mark (so spreadsheet programs read the Persian names), one row per office.</summary>
    public static byte[] Write(Ranking ranking)
    {
        var indicators = Enum.GetValues<Indicator>();
        var sb = new StringBuilder("\uFEFFofficeCode,officeName,province,countyCode,status,score,provinceRank,provinceRankBest,provinceRankWorst,countyRank,tier,movement,requestsCompleted");
        foreach (var i in indicators) sb.Append(',').Append(JsonNamingPolicy.CamelCase.ConvertName(i.ToString()));
        sb.Append('\n');
        foreach (var r in ranking.Rows)
        {
            sb.AppendJoin(',', Cell(r.OfficeCode), Cell(r.OfficeName), Cell(r.Province), Cell(r.CountyCode), JsonNamingPolicy.CamelCase.ConvertName(r.Status.ToString()),
                Num(r.Score), r.ProvinceRank?.ToString(CultureInfo.InvariantCulture), r.ProvinceInterval?.Best.ToString(CultureInfo.InvariantCulture),
                r.ProvinceInterval?.Worst.ToString(CultureInfo.InvariantCulture), r.CountyRank?.ToString(CultureInfo.InvariantCulture),
                r.Tier?.Persian(), r.Movement?.ToString(CultureInfo.InvariantCulture), r.RequestsCompleted.ToString(CultureInfo.InvariantCulture));
            foreach (var i in indicators) sb.Append(',').Append(Num(r.Indicators.FirstOrDefault(x => x.Indicator == i)?.Raw));
            sb.Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string Num(double? v) => v?.ToString("0.###", CultureInfo.InvariantCulture) ?? "";

    // Quote every text cell; a leading =,+,-,@ is prefixed with ' so a spreadsheet never runs it as a formula.
    private static string Cell(string s) => "\"" + (s.Length > 0 && "=+-@".Contains(s[0]) ? "'" + s : s).Replace("\"", "\"\"") + "\"";
}
