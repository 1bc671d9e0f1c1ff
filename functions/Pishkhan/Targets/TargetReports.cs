using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Offices;
using Pishkhan.Stats;

namespace Pishkhan.Targets;

public sealed record TrendPoint(string Period, double? Actual, double? Planned, TargetState Status);

public sealed record IndicatorReport(TargetIndicator Indicator, TargetDirection Direction, string Unit, double? Planned, double? Actual, double? Gap,
    double? ProRataPlanned, TargetState Status, Colour Colour, string? Note, IReadOnlyList<TrendPoint> Trend);

/// <summary>GET /api/targets/{scope}/{period}: every indicator, planned or not, with its trend over the last six periods.</summary>
public sealed record TargetReport(string Scope, string Province, string? County, string Period, bool Closed, double ElapsedShare,
    double Tolerance, IReadOnlyList<IndicatorReport> Indicators);

/// <summary>One planned indicator's verdict, as the digest and the ranking report list them.</summary>
public sealed record TargetStatus(string Scope, string Province, string? County, string Period, TargetIndicator Indicator, TargetDirection Direction,
    double Planned, double? Actual, double? Gap, double? ProRataPlanned, TargetState Status, Colour Colour, string? Note);

/// <summary>
/// Planned against actual. Actuals are computed on read from the period's OfficeStats rows (one
/// partition query per period) and the office list, so they are as fresh as the counters.
/// </summary>
public sealed class TargetReports(TargetStore targets, OfficeStatsStore stats, OfficeStore offices, CountyStore counties,
    HolidayStore holidays, IReInspectionAgreementSource reInspections, TimeProvider clock)
{
    public const int TrendLength = 6;

    public async Task<TargetReport> ReportAsync(PlanScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var periods = TargetRules.TrendPeriods(period, TrendLength);
        var now = clock.GetUtcNow();
        var calendarTask = holidays.GetCalendarAsync(scope.Province, cancellationToken);
        var officesTask = offices.ListAsync(scope.Province, scope.County, cancellationToken);
        var targetsTask = targets.ListAsync(scope.Code, periods[0], period, cancellationToken);
        var snapshotsTask = targets.SnapshotsAsync(scope.Code, periods[0], period, cancellationToken);
        var statsTasks = periods.Select(p => stats.ListAsync(p.ToString(), scope.Province, cancellationToken)).ToList();
        var agreementTasks = periods.Select(p => reInspections.GetAsync(scope.Province, scope.County, p, cancellationToken)).ToList();
        await Task.WhenAll(calendarTask, officesTask, targetsTask, snapshotsTask, Task.WhenAll(statsTasks), Task.WhenAll(agreementTasks));

        var current = Count(officesTask.Result);
        var snapshots = snapshotsTask.Result.ToDictionary(s => s.Period);
        var plans = targetsTask.Result.ToDictionary(t => (t.Period, t.IndicatorName));
        var actuals = new IReadOnlyDictionary<TargetIndicator, double?>[periods.Count];
        for (var i = 0; i < periods.Count; i++)
        {
            var reference = await ReferenceAsync(scope, periods[i], current, snapshots.GetValueOrDefault(periods[i].ToString()), now, cancellationToken);
            actuals[i] = TargetRules.Actuals(new ActualInputs(InScope(statsTasks[i].Result, scope), reference.Active, reference.AfterHours, agreementTasks[i].Result));
        }

        var elapsed = TargetRules.ElapsedShare(period, now, calendarTask.Result);
        var rows = TargetIndicators.All.Select(info =>
        {
            var plan = plans.GetValueOrDefault((period.ToString(), info.Name));
            var actual = actuals[^1][info.Indicator];
            var verdict = TargetRules.Evaluate(info, plan?.Planned, actual, elapsed);
            var trend = periods.Select((p, i) =>
            {
                var planned = plans.GetValueOrDefault((p.ToString(), info.Name))?.Planned;
                var share = i == periods.Count - 1 ? elapsed : TargetRules.ElapsedShare(p, now, calendarTask.Result);
                return new TrendPoint(p.ToString(), actuals[i][info.Indicator], planned, TargetRules.Evaluate(info, planned, actuals[i][info.Indicator], share).Status);
            }).ToList();
            return new IndicatorReport(info.Indicator, info.Direction, info.Unit, plan?.Planned, actual, verdict.Gap, verdict.ProRataPlanned,
                verdict.Status, verdict.Colour, plan?.Note, trend);
        }).ToList();
        return new TargetReport(scope.Code, scope.Province, scope.County, period.ToString(), period.IsClosedAt(now), elapsed, TargetRules.Tolerance, rows);
    }

    /// <summary>
    /// Every target of the province and its counties for <paramref name="period"/> that is behind plan
    /// (red), province first, then counties by code; what the digest's agenda and the ranking report show.
    /// </summary>
    public async Task<IReadOnlyList<TargetStatus>> BehindPlanAsync(string province, JalaliPeriod period, CancellationToken cancellationToken) =>
        await BehindPlanAsync(province, period, await counties.ListAsync(province, cancellationToken), cancellationToken);

    /// <inheritdoc cref="BehindPlanAsync(string, JalaliPeriod, CancellationToken)"/>
    /// <param name="countyList">The province's counties, when the caller has read them already.</param>
    public async Task<IReadOnlyList<TargetStatus>> BehindPlanAsync(string province, JalaliPeriod period, IReadOnlyList<CountyEntity> countyList,
        CancellationToken cancellationToken)
    {
        // The province's own targets and its counties' markers in one query; then only the counties that have targets.
        var (provinceTargets, plannedCounties) = await targets.ProvincePlansAsync(province, period, cancellationToken);
        var countyScopes = countyList.Where(c => plannedCounties.Contains(c.CountyCode)).OrderBy(c => c.CountyCode, StringComparer.Ordinal)
            .Select(c => new PlanScope(c.CountyCode, province, c.CountyCode)).ToList();
        var countyTargets = await Task.WhenAll(countyScopes.Select(s => targets.ListAsync(s.Code, period, period, cancellationToken)));
        var withTargets = new[] { (new PlanScope(province, province, null), provinceTargets) }.Concat(countyScopes.Zip(countyTargets))
            .Where(x => x.Item2.Count > 0).ToList();
        if (withTargets.Count == 0) return [];

        var now = clock.GetUtcNow();
        var calendarTask = holidays.GetCalendarAsync(province, cancellationToken);
        var statsTask = stats.ListAsync(period.ToString(), province, cancellationToken);
        var officesTask = offices.ListAsync(province, null, cancellationToken);
        await Task.WhenAll(calendarTask, statsTask, officesTask);
        var elapsed = TargetRules.ElapsedShare(period, now, calendarTask.Result);

        var behind = new List<TargetStatus>();
        foreach (var (scope, plans) in withTargets)
        {
            var current = Count(officesTask.Result.Where(o => scope.County is null || o.CountyCode == scope.County));
            var snapshot = await targets.GetSnapshotAsync(scope.Code, period, cancellationToken);
            var reference = await ReferenceAsync(scope, period, current, snapshot, now, cancellationToken);
            var agreement = plans.Any(p => p.IndicatorName == TargetIndicators.NameOf(TargetIndicator.ReInspectionAgreement))
                ? await reInspections.GetAsync(province, scope.County, period, cancellationToken)
                : null;
            var actuals = TargetRules.Actuals(new ActualInputs(InScope(statsTask.Result, scope), reference.Active, reference.AfterHours, agreement));
            foreach (var plan in plans.OrderBy(p => p.RowKey, StringComparer.Ordinal))
            {
                if (!TargetIndicators.TryParse(plan.IndicatorName, out var indicator)) continue;
                var info = TargetIndicators.Info(indicator);
                var verdict = TargetRules.Evaluate(info, plan.Planned, actuals[indicator], elapsed);
                if (verdict.Status == TargetState.Behind)
                    behind.Add(new TargetStatus(scope.Code, province, scope.County, period.ToString(), indicator, info.Direction, plan.Planned,
                        actuals[indicator], verdict.Gap, verdict.ProRataPlanned, verdict.Status, verdict.Colour, plan.Note));
            }
        }
        return behind;
    }

    private static IReadOnlyList<OfficeStatsEntity> InScope(List<OfficeStatsEntity> provinceRows, PlanScope scope) =>
        scope.County is null ? provinceRows : provinceRows.Where(r => r.CountyCode == scope.County).ToList();

    private static (int Active, int AfterHours) Count(IEnumerable<OfficeEntity> list)
    {
        int active = 0, afterHours = 0;
        foreach (var o in list)
        {
            if (o.Status != OfficeStatus.Active) continue;
            active++;
            if (o.HasAfterHours) afterHours++;
        }
        return (active, afterHours);
    }

    /// <summary>
    /// Reference counts for a period: a closed period's last snapshot when there is one, otherwise today's
    /// counts. For the current period today's counts are also recorded as its snapshot (when they changed).
    /// </summary>
    private async Task<(int Active, int AfterHours)> ReferenceAsync(PlanScope scope, JalaliPeriod period, (int Active, int AfterHours) current,
        ReferenceSnapshotEntity? snapshot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (period.IsClosedAt(now)) return snapshot is null ? current : (snapshot.ActiveOffices, snapshot.AfterHoursOffices);
        if (period == JalaliPeriod.Containing(now) && (snapshot is null || (snapshot.ActiveOffices, snapshot.AfterHoursOffices) != current))
            await targets.RecordSnapshotAsync(scope.Code, period, current.Active, current.AfterHours, now, cancellationToken);
        return current;
    }
}
