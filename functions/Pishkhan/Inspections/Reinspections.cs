using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Inspections;

public sealed record ReinspectionPair(string InspectionId, string OfficeCode, double? OriginalScore, string? ReinspectionId, double? ReinspectionScore,
    double? Difference);

/// <summary>How far a county team's scores agree with the province team's re-inspections of the same offices.</summary>
public sealed record CountyAgreement(string CountyCode, int TeamInspections, int Drawn, int Reinspected, double? MeanAbsoluteDifference,
    double? ShareWithinTenPoints, IReadOnlyList<ReinspectionPair> Pairs);

public sealed record ReinspectionReport(string Period, string Province, IReadOnlyList<CountyAgreement> Counties);

public sealed record AgreementFigures(int Pairs, double? MeanAbsoluteDifference, double? ShareWithinTenPoints);

/// <summary>The monthly draw and the agreement figures, pure.</summary>
public static class ReinspectionRules
{
    public const double AgreementPoints = 10;

    /// <summary>
    /// Draws ⌈share × n⌉ of <paramref name="inspectionIds"/>: each id is ranked by HMAC-SHA256 under
    /// <paramref name="secret"/> of "{period}|{county}|{id}" and the lowest are taken, so the draw is reproducible
    /// by whoever holds the secret (an auditor can check it), unpredictable to a county team that does not, and
    /// independent of the order the ids are listed in.
    /// </summary>
    public static IReadOnlyList<string> Draw(string secret, string period, string countyCode, IEnumerable<string> inspectionIds, double share)
    {
        var ids = inspectionIds.Distinct(StringComparer.Ordinal).ToList();
        var take = share <= 0 ? 0 : Math.Min(ids.Count, (int)Math.Ceiling(share * ids.Count - 1e-9));
        var key = Encoding.UTF8.GetBytes(secret);
        return ids
            .OrderBy(id => Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{period}|{countyCode}|{id}"))), StringComparer.Ordinal)
            .ThenBy(id => id, StringComparer.Ordinal)
            .Take(take)
            .ToList();
    }

    public static AgreementFigures Agreement(IEnumerable<(double Original, double Reinspection)> pairs)
    {
        var differences = pairs.Select(p => Math.Abs(p.Original - p.Reinspection)).ToList();
        if (differences.Count == 0) return new AgreementFigures(0, null, null);
        return new AgreementFigures(differences.Count, Math.Round(differences.Average(), 2),
            Math.Round(differences.Count(d => d <= AgreementPoints) / (double)differences.Count, 4));
    }
}

/// <summary>
/// Reinspections table: PK = province, RK = "{period}.{countyCode}": one draw per county team and month,
/// inserted once (a second draw finds the row and keeps it). Columns: Period, CountyCode, TeamInspections,
/// Share, DrawnIdsJson, DrawnAt. The re-inspections themselves are inspections with ReinspectionOf set, in
/// the same office partition as the one they re-inspect.
/// </summary>
public sealed class ReinspectionDrawEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Period { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public int TeamInspections { get; set; }
    public double Share { get; set; }
    public string DrawnIdsJson { get; set; } = "[]";
    public DateTimeOffset DrawnAt { get; set; }

    [IgnoreDataMember] public IReadOnlyList<string> DrawnIds => JsonSerializer.Deserialize<List<string>>(DrawnIdsJson, Json.Options)!;

    public static string RowKeyFor(string period, string countyCode) => period + "." + countyCode;
}

public sealed class ReinspectionService(Store store, InspectionStore inspections, CountyStore counties, PolicyStore policies, TimeProvider clock,
    PishkhanSettings settings, IHostEnvironment environment, ILogger<ReinspectionService> logger)
{
    /// <summary>Development only, when no secret is set: the draw of a developer's machine need not be secret.</summary>
    internal const string DevelopmentDrawSecret = "development-only-reinspection-draw-secret";
    public TableClient Table { get; } = store.Table(Tables.Reinspections);

    /// <summary>Draws every county team of the province for a closed period; counties already drawn keep their draw.</summary>
    public async Task<List<ReinspectionDrawEntity>> DrawAsync(string province, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var secret = settings.ReinspectionDrawSecret ?? (environment.IsDevelopment() ? DevelopmentDrawSecret
            : throw Problem.Status(StatusCodes.Status503ServiceUnavailable, "Draw secret not configured.",
                "Set Pishkhan__ReinspectionDrawSecret (a Key Vault reference in Azure) before drawing re-inspections."));
        var policy = await policies.InspectionAsync(province, cancellationToken);
        var draws = new List<ReinspectionDrawEntity>();
        foreach (var county in await counties.ListAsync(province, cancellationToken))
        {
            var key = ReinspectionDrawEntity.RowKeyFor(period.ToString(), county.CountyCode);
            var existing = await Table.GetOrNullAsync<ReinspectionDrawEntity>(province, key, cancellationToken);
            if (existing is not null) { draws.Add(existing); continue; }
            // The county team's own work: inspections posted by its inspectors, not the province's re-inspections.
            var team = (await inspections.ListCountyAsync(county.CountyCode, period.StartUtc, period.EndUtc, cancellationToken))
                .Where(p => p.PostedByRole == EnumText.Camel(Role.Inspector) && p.ReinspectionOf is null)
                .Select(p => p.InspectionId)
                .ToList();
            var drawn = ReinspectionRules.Draw(secret, period.ToString(), county.CountyCode, team, policy.ReinspectionShare);
            var entity = new ReinspectionDrawEntity
            {
                PartitionKey = province, RowKey = key, Period = period.ToString(), CountyCode = county.CountyCode, TeamInspections = team.Count,
                Share = policy.ReinspectionShare, DrawnIdsJson = JsonSerializer.Serialize(drawn, Json.Options), DrawnAt = clock.GetUtcNow(),
            };
            if (!await Table.TryAddAsync(entity, cancellationToken))
                entity = (await Table.GetOrNullAsync<ReinspectionDrawEntity>(province, key, cancellationToken))!;
            draws.Add(entity);
        }
        if (draws.Count > 0) logger.LogInformation("Re-inspection draw for {Province} {Period}: {Counties} counties", province, period.ToString(), draws.Count);
        return draws;
    }

    public Task<List<ReinspectionDrawEntity>> ListAsync(string province, JalaliPeriod period, CancellationToken cancellationToken) =>
        Table.ListAsync<ReinspectionDrawEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {province} and RowKey gt {period + "."} and RowKey lt {period + "/"}"), cancellationToken);

    /// <summary>The draw row naming <paramref name="inspectionId"/>, if it was drawn.</summary>
    public async Task<bool> IsDrawnAsync(InspectionEntity inspection, CancellationToken cancellationToken)
    {
        var period = JalaliPeriod.Containing(inspection.VisitedAt);
        var draw = await Table.GetOrNullAsync<ReinspectionDrawEntity>(inspection.Province,
            ReinspectionDrawEntity.RowKeyFor(period.ToString(), inspection.CountyCode), cancellationToken);
        return draw is not null && draw.DrawnIds.Contains(inspection.Id);
    }

    /// <summary>The processed re-inspection of an inspection (the earliest posted, should there be two).</summary>
    public async Task<InspectionEntity?> ReinspectionOfAsync(InspectionEntity original, bool processedOnly, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {original.OfficeCode} and RowKey lt {"~"} and ReinspectionOf eq {original.Id}");
        var found = await inspections.Table.ListAsync<InspectionEntity>(filter, cancellationToken);
        return found.Where(f => !processedOnly || f.Status == InspectionStatus.Processed).OrderBy(f => f.CreatedAt).FirstOrDefault();
    }

    public async Task<ReinspectionReport> ReportAsync(string province, JalaliPeriod period, string? countyCode, CancellationToken cancellationToken)
    {
        var draws = (await ListAsync(province, period, cancellationToken)).Where(d => countyCode is null || d.CountyCode == countyCode).ToList();
        var counties = new List<CountyAgreement>();
        foreach (var draw in draws.OrderBy(d => d.CountyCode, StringComparer.Ordinal))
        {
            var pairs = await Task.WhenAll(draw.DrawnIds.Select(async id =>
            {
                var original = await inspections.FindAsync(id, cancellationToken);
                var again = original is null ? null : await ReinspectionOfAsync(original, processedOnly: true, cancellationToken);
                double? a = original?.Outcome?.Score, b = again?.Outcome?.Score;
                return new ReinspectionPair(id, original?.OfficeCode ?? id.Split('.')[0], a, again?.Id, b,
                    a is { } x && b is { } y ? Math.Round(Math.Abs(x - y), 1) : null);
            }));
            var figures = ReinspectionRules.Agreement(pairs.Where(p => p.Difference is not null).Select(p => (p.OriginalScore!.Value, p.ReinspectionScore!.Value)));
            counties.Add(new CountyAgreement(draw.CountyCode, draw.TeamInspections, pairs.Length, figures.Pairs, figures.MeanAbsoluteDifference,
                figures.ShareWithinTenPoints, pairs));
        }
        return new ReinspectionReport(period.ToString(), province, counties);
    }

    /// <summary>Timer: draws the previous Jalali month for every province once it has closed (a missed day catches up the next).</summary>
    public async Task DrawClosedMonthAsync(CancellationToken cancellationToken)
    {
        var period = JalaliPeriod.Containing(clock.GetUtcNow()).Previous();
        foreach (var province in Provinces.Names.Keys)
            await DrawAsync(province, period, cancellationToken);
    }
}

/// <summary>
/// The targets' "reInspectionAgreement" indicator: the share of a period's drawn inspections (of one county
/// team, or of the whole province) whose province re-inspection scored within 10 points; null without pairs.
/// </summary>
public sealed class ReinspectionAgreementSource(ReinspectionService reinspections) : Targets.IReInspectionAgreementSource
{
    public async Task<double?> GetAsync(string province, string? countyCode, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var report = await reinspections.ReportAsync(province, period, countyCode, cancellationToken);
        var pairs = report.Counties.SelectMany(c => c.Pairs).Where(p => p.Difference is not null)
            .Select(p => (p.OriginalScore!.Value, p.ReinspectionScore!.Value));
        return ReinspectionRules.Agreement(pairs).ShareWithinTenPoints;
    }
}
