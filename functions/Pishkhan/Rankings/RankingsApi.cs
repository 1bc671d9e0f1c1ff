using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Auth;
using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Stats;
using Pishkhan.Storage;

namespace Pishkhan.Rankings;

public sealed class RankingsApi(CountyStore countyStore, RankingStore rankingStore, TimeProvider clock, PishkhanSettings settings, Store store)
{
    public sealed record PublishedRanking(string Period, string PeriodName, string Province, string? CountyCode, int PolicyVersion,
        DateTimeOffset PublishedAt, string ReportPath, IReadOnlyList<RankingRow> Rows);

    public sealed record Queued(string Status, string Province, string Period);

    /// <summary>GET /api/rankings/{period}?scope=province-or-county (public): published rows; 404 before publication.</summary>
    public async Task<IResult> Get(ApiRequest request)
    {
        var period = Period(request);
        var scope = request.QueryCode("scope") ?? throw Problem.Field("scope", "A province code or a county code.");
        string province;
        string? county = null;
        if (Provinces.IsKnown(scope)) province = scope;
        else
        {
            var c = await countyStore.FindAsync(scope, request.CancellationToken) ?? throw Problem.NotFound("county");
            (province, county) = (c.Province, c.CountyCode);
        }
        var run = await rankingStore.GetRunAsync(province, period.ToString(), request.CancellationToken);
        if (run?.PublishedAt is null) throw Problem.NotFound("published ranking for that period");
        var rows = await rankingStore.ListRowsAsync(province, period.ToString(), county, request.CancellationToken);
        return TypedResults.Ok(new PublishedRanking(period.ToString(), period.PersianName, province, county, run.PolicyVersion, run.PublishedAt.Value,
            run.ReportPath ?? "", rows.Select(r => r.Row).ToList()));
    }

    /// <summary>POST /api/rankings/{period}:recompute (admin; ?province= for the bootstrap key): queues a recomputation.</summary>
    public async Task<IResult> Recompute(ApiRequest request)
    {
        var period = Period(request);
        var errors = new FieldErrors();
        var province = request.Caller.Province ?? errors.Province("province", request.Query("province"));
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!));
        var now = clock.GetUtcNow();
        ServicePeriods.CheckInService(period, settings.ServiceStartPeriod, now);
        if (!period.IsClosedAt(now)) throw Problem.Conflict("The period is not closed yet.");
        await store.Queue(QueueNames.Rankings)
            .SendMessageAsync(BinaryData.FromObjectAsJson(new RankingMessage(period.ToString(), [province!]), Json.Stored), cancellationToken: request.CancellationToken);
        return TypedResults.Accepted($"/api/rankings/{period}?scope={province}", new Queued("queued", province!, period.ToString()));
    }

    private JalaliPeriod Period(ApiRequest request) =>
        JalaliPeriod.TryParse(request.RouteValue("period"), out var p) ? p : throw Problem.Field("period", "A Jalali month such as 1405-09.");
}

/// <summary>
/// The daily check: ranks every closed period of the last <see cref="LookBack"/> months that has stats but
/// no ranking yet, province by province — so a missed run (or a host that was down) catches up.
/// </summary>
public sealed class RankingTimer(TimeProvider clock, OfficeStatsStore officeStatsStore, RankingStore rankingStore, Store store, ILogger<RankingJob> logger, PishkhanSettings settings)
{
    public const int LookBack = 3;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var stats = officeStatsStore;
        var start = settings.ServiceStartPeriod;
        var period = JalaliPeriod.Containing(clock.GetUtcNow());
        for (var i = 0; i < LookBack; i++)
        {
            period = period.Previous();
            if (period < start) break; // nothing to rank before the service started
            var provinces = (await stats.ListAsync(period.ToString(), null, cancellationToken)).Select(s => s.Province).Distinct().Order(StringComparer.Ordinal);
            var missing = new List<string>();
            foreach (var province in provinces)
                if (await rankingStore.GetRunAsync(province, period.ToString(), cancellationToken) is null) missing.Add(province);
            if (missing.Count == 0) continue;
            logger.LogInformation("Queueing ranking of {Count} provinces for {Period}", missing.Count, period.ToString());
            await store.Queue(QueueNames.Rankings).SendMessageAsync(
                BinaryData.FromObjectAsJson(new RankingMessage(period.ToString(), missing), Json.Stored), cancellationToken: cancellationToken);
        }
    }
}
