using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Problems;
using Pishkhan.RankingPolicy;
using Pishkhan.Rankings;
using Pishkhan.Text;

namespace Pishkhan.PublicSite;

/// <summary>Opening hours as published: "HH:mm-HH:mm" in Tehran time, Thursday and after-hours when the office has them.</summary>
public sealed record PublicHours(string Regular, string? Thursday, string? AfterHours);

/// <summary>
/// What anyone may read about an office. Not here on purpose: the manager's name, the licence number, the
/// office's email (the working group's channel to the office, often a person's mailbox), open complaints and
/// sanctions. The phone is shown only when it is a landline: a mobile number on an office is usually the
/// manager's own.
/// </summary>
public sealed record PublicOfficeView(string OfficeCode, string Name, string CountyCode, string? Address, string? Phone, PublicHours OpeningHours,
    bool HasAfterHours, string Status, string StatusFa, int? ProvinceRank, int? CountyRank, double? Score, string? Tier, string? TierFa, bool Ranked);

/// <summary>The latest published ranking of a province: its period and where its report is.</summary>
public sealed record PublishedReport(string Province, string ProvinceName, string Period, string PeriodName, DateTimeOffset? PublishedAt, string ReportUrl);

public sealed record PublicCountyOffices(string CountyCode, string CountyName, string Province, string ProvinceName, PublishedReport? Ranking,
    IReadOnlyList<PublicOfficeView> Items);

public sealed record PublishedReports(IReadOnlyList<PublishedReport> Items);

/// <summary>The public site's reads: a county's offices with their latest rank, and every province's latest report.</summary>
public sealed partial class PublicSiteApi(CountyStore countyStore, OfficeStore officeStore, RankingStore rankingStore, SiteLocation site)
{
    /// <summary>GET /api/public/offices?countyCode= — active and suspended offices (revoked ones are gone), by name.</summary>
    public async Task<IResult> Offices(ApiRequest request)
    {
        var ct = request.CancellationToken;
        var errors = new FieldErrors();
        var countyCode = errors.Code("countyCode", request.Query("countyCode"));
        errors.ThrowIfAny();
        var county = await countyStore.FindAsync(countyCode!, ct) ?? throw Problem.NotFound("county");

        var officesTask = officeStore.ListAsync(county.Province, county.CountyCode, ct);
        var latest = await rankingStore.GetLatestAsync(county.Province, ct);
        var rows = latest is null ? [] : await rankingStore.ListRowsAsync(county.Province, latest.Period, county.CountyCode, ct);
        var byOffice = rows.ToDictionary(r => r.RowKey, r => r.Row, StringComparer.Ordinal);
        var offices = await officesTask;

        var items = offices.Where(o => o.Status != OfficeStatus.Revoked)
            .OrderBy(o => byOffice.GetValueOrDefault(o.OfficeCode)?.CountyRank ?? int.MaxValue)
            .ThenBy(o => o.Name, StringComparer.Ordinal)
            .Select(o => View(o, byOffice.GetValueOrDefault(o.OfficeCode)))
            .ToList();
        var ranking = latest is null ? null : Report(county.Province, latest, $"#county-{county.CountyCode}");
        return TypedResults.Ok(new PublicCountyOffices(county.CountyCode, county.Name, county.Province, Provinces.Names[county.Province], ranking, items));
    }

    /// <summary>GET /api/public/reports — the latest published ranking of each province that has one (one point read per province).</summary>
    public async Task<IResult> Reports(ApiRequest request)
    {
        var latest = await Task.WhenAll(Provinces.Names.Keys.Select(async p => (Province: p, Run: await rankingStore.GetLatestAsync(p, request.CancellationToken))));
        return TypedResults.Ok(new PublishedReports(latest.Where(l => l.Run is not null)
            .OrderBy(l => l.Province, StringComparer.Ordinal)
            .Select(l => Report(l.Province, l.Run!, "")).ToList()));
    }

    private PublishedReport Report(string province, RankingRunEntity run, string anchor) =>
        new(province, Provinces.Names[province], run.Period, JalaliPeriod.Parse(run.Period).PersianName, run.PublishedAt,
            site.ReportUrl(run.ReportPath ?? $"rankings/{run.Period}/{province}/index.html") + anchor);

    private static PublicOfficeView View(OfficeEntity o, RankingRow? row) => new(o.OfficeCode, o.Name, o.CountyCode, o.Address, PublicPhone(o.Phone),
        new PublicHours(o.RegularHours, o.ThursdayHours, o.AfterHours), o.HasAfterHours, o.Status,
        o.Status == OfficeStatus.Active ? "فعال" : "تعلیق‌شده",
        row?.ProvinceRank, row?.CountyRank, row?.Score is { } s ? Math.Round(s, 1) : null,
        row?.Tier?.ToString().ToLowerInvariant(), row?.Tier?.Persian(), row?.Status == RankingStatus.Ranked);

    /// <summary>A landline (0 and an area code, not 09…) is the office's counter; anything else is not published.</summary>
    internal static string? PublicPhone(string? phone)
    {
        if (phone is null) return null;
        var digits = PersianText.NormalizeDigits(phone).Replace(" ", "").Replace("-", "");
        if (digits.StartsWith("+98", StringComparison.Ordinal)) digits = "0" + digits[3..];
        return Landline().IsMatch(digits) ? digits : null;
    }

    [GeneratedRegex(@"^0[1-8]\d{9}$")]
    private static partial Regex Landline();
}
