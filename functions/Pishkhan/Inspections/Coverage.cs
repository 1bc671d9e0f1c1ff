using Azure.Data.Tables;
using Pishkhan.Offices;
using Pishkhan.Storage;

namespace Pishkhan.Inspections;

public sealed record OfficeCoverage(string OfficeCode, string Name, DateTimeOffset? LastRoutineAt, string? LastRoutineInspectionId, DateTimeOffset? DueBy,
    bool Overdue, int? DaysOverdue);

/// <summary>GET /api/inspection-coverage/{countyCode}: the county's active offices, overdue ones first.</summary>
public sealed record CoverageView(string CountyCode, DateTimeOffset AsOf, int RoutineIntervalMonths, int ActiveOffices, int OverdueCount,
    IReadOnlyList<OfficeCoverage> Offices);

public static class CoverageRules
{
    /// <summary>
    /// An active office is due a routine inspection <paramref name="intervalMonths"/> after its last processed
    /// routine one; an office never inspected routinely is overdue (its due date is unknown, shown as null).
    /// </summary>
    public static OfficeCoverage For(string officeCode, string name, DateTimeOffset? lastRoutineAt, string? lastId, int intervalMonths, DateTimeOffset now)
    {
        if (lastRoutineAt is not { } last) return new(officeCode, name, null, null, null, true, null);
        var due = last.AddMonths(intervalMonths);
        var overdue = now >= due;
        return new(officeCode, name, last, lastId, due, overdue, overdue ? (int)(now - due).TotalDays : null);
    }

    public static IReadOnlyList<OfficeCoverage> Order(IEnumerable<OfficeCoverage> offices) =>
        offices.OrderByDescending(o => o.Overdue).ThenBy(o => o.DueBy ?? DateTimeOffset.MinValue).ThenBy(o => o.OfficeCode, StringComparer.Ordinal).ToList();
}

/// <summary>
/// Coverage is read, not stored: an office's last routine inspection is the first processed routine row of
/// its partition (newest first), so the county view costs one small query per active office and can never
/// disagree with the inspections themselves.
/// </summary>
public sealed class CoverageService(InspectionStore inspections, OfficeStore offices, PolicyStore policies, TimeProvider clock)
{
    public async Task<CoverageView> ForCountyAsync(string province, string countyCode, CancellationToken cancellationToken)
    {
        var policy = await policies.InspectionAsync(province, cancellationToken);
        var now = clock.GetUtcNow();
        var active = (await offices.ListAsync(province, countyCode, cancellationToken)).Where(o => o.Status == OfficeStatus.Active).ToList();
        var rows = await Task.WhenAll(active.Select(async office =>
        {
            InspectionEntity? latest = null;
            // Newest first; the SDK follows continuation tokens if the service returns an empty page.
            await foreach (var e in inspections.Table.QueryAsync<InspectionEntity>(TableClient.CreateQueryFilter(
                $"PartitionKey eq {office.OfficeCode} and RowKey lt {"~"} and Type eq {"routine"} and Status eq {InspectionStatus.Processed}"),
                maxPerPage: 1, cancellationToken: cancellationToken))
            {
                latest = e;
                break;
            }
            return CoverageRules.For(office.OfficeCode, office.Name, latest?.VisitedAt, latest?.Id, policy.RoutineIntervalMonths, now);
        }));
        var ordered = CoverageRules.Order(rows);
        return new CoverageView(countyCode, now, policy.RoutineIntervalMonths, ordered.Count, ordered.Count(o => o.Overdue), ordered);
    }
}
