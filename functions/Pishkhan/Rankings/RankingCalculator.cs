using Pishkhan.RankingPolicy;

namespace Pishkhan.Rankings;

using RankingPolicy = Pishkhan.RankingPolicy.RankingPolicy;

/// <summary>
/// The monthly ranking as a pure function of (period stats, previous ranking, policy): no clock, no I/O,
/// no unseeded randomness, and no dependence on input order (offices are processed sorted by code, provinces
/// by name), so a re-run — or a recompute — gives byte-identical JSON.
/// Method (OECD/JRC composite indicator): per province, each indicator is shrunk toward the province's
/// pooled value, normalised to 0..100 (min–max or z-score percentile), and combined with the policy weights
/// renormalised over the indicators that have data in the province. Offices below the policy's minimum
/// volume of completed services are listed as "insufficient data" and neither ranked nor scored.
/// </summary>
public static class RankingCalculator
{
    /// <summary>Fixed bootstrap seed (published with every ranking); each province derives its own stream from it.</summary>
    public const int BootstrapSeed = 14_050_701;

    /// <param name="previous">Last period's ranking, for movement; null for the first period.</param>
    /// <param name="history">Earlier published scores per office code, oldest first; the last five feed the sparkline.</param>
    public static Ranking Compute(
        string period,
        IReadOnlyList<OfficePeriodStats> stats,
        Ranking? previous,
        RankingPolicy policy,
        IReadOnlyDictionary<string, IReadOnlyList<double>>? history = null)
    {
        var previousRanks = new Dictionary<string, (string Province, int Rank)>(StringComparer.Ordinal);
        foreach (var row in previous?.Rows ?? [])
            if (row is { Status: RankingStatus.Ranked, ProvinceRank: { } r })
                previousRanks.TryAdd(row.OfficeCode, (row.Province, r));
        return Compute(period, stats, previous?.Period, previousRanks, policy, history);
    }

    /// <param name="previousPeriod">The period <paramref name="previousRanks"/> come from; null for the first period.</param>
    /// <param name="previousRanks">Province and province rank of each office ranked in the previous period (movement).</param>
    public static Ranking Compute(
        string period,
        IReadOnlyList<OfficePeriodStats> stats,
        string? previousPeriod,
        IReadOnlyDictionary<string, (string Province, int Rank)> previousRanks,
        RankingPolicy policy,
        IReadOnlyDictionary<string, IReadOnlyList<double>>? history)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(period);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(policy);
        var policyErrors = policy.Validate();
        if (policyErrors.Count > 0)
            throw new ArgumentException("Invalid ranking policy: " +
                string.Join("; ", policyErrors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")), nameof(policy));
        CheckStats(stats);

        var provinces = stats
            .GroupBy(s => s.Province, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Province: g.Key, Offices: g.OrderBy(s => s.OfficeCode, StringComparer.Ordinal).ToArray()))
            .ToArray();
        // Provinces are independent (own means, bounds and random stream), so they can run in parallel and
        // still give the same answer; results are gathered by index, not by completion order.
        var results = new (List<RankingRow> Rows, ProvinceScope Scope)[provinces.Length];
        Parallel.For(0, provinces.Length, i =>
            results[i] = ProvinceRanking.Rank(provinces[i].Province, provinces[i].Offices, policy, previousRanks, history));

        return new Ranking(
            period,
            provinces.Length switch { 0 => policy.Province, 1 => provinces[0].Province, _ => null },
            policy.Version,
            results.SelectMany(r => r.Rows).ToArray(),
            results.Select(r => r.Scope).ToArray(),
            previousPeriod,
            new RankUncertainty(RankBootstrap.Method, policy.Resamples, policy.IntervalCoverage, BootstrapSeed),
            policy);
    }

    /// <summary>
    /// True when the two offices' rank intervals in <paramref name="scope"/> do not overlap, i.e. the data
    /// support saying one ranks above the other. Unranked rows are never distinguishable.
    /// </summary>
    public static bool Distinguishable(RankingRow a, RankingRow b, RankScope scope = RankScope.Province)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var sameScope = scope == RankScope.Province
            ? string.Equals(a.Province, b.Province, StringComparison.Ordinal)
            : string.Equals(a.Province, b.Province, StringComparison.Ordinal) && string.Equals(a.CountyCode, b.CountyCode, StringComparison.Ordinal);
        if (!sameScope) throw new ArgumentException($"Ranks are only comparable within one {scope.ToString().ToLowerInvariant()}.");
        var (x, y) = scope == RankScope.Province ? (a.ProvinceInterval, b.ProvinceInterval) : (a.CountyInterval, b.CountyInterval);
        return x is not null && y is not null && (x.Worst < y.Best || y.Worst < x.Best);
    }

    private static void CheckStats(IReadOnlyList<OfficePeriodStats> stats)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in stats)
        {
            if (s is null) throw new ArgumentException("Stats contain a null entry.", nameof(stats));
            if (string.IsNullOrEmpty(s.OfficeCode) || string.IsNullOrEmpty(s.Province) || s.CountyCode is null || s.OfficeName is null)
                throw new ArgumentException("Every stats row needs an office code, name, province and county.", nameof(stats));
            if (!codes.Add(s.OfficeCode))
                throw new ArgumentException($"Office {s.OfficeCode} appears twice in the stats.", nameof(stats));
            if (s.RequestsReceived < 0 || s.RequestsCompleted < 0 || s.RequestsRejected < 0 || s.CompletedWithinSla < 0 ||
                s.SlaBreached < 0 || s.RatingCount < 0 || s.RatingSum < 0 || s.ComplaintsReceived < 0 || s.ComplaintsUpheld < 0 ||
                s.InspectionCount < 0 || !(s.InspectionScoreSum >= 0) || double.IsPositiveInfinity(s.InspectionScoreSum) ||
                s.StaffCount < 0 || s.StaffTrained < 0 || s.AfterHoursChecks < 0 || s.AfterHoursOpen < 0)
                throw new ArgumentException($"Office {s.OfficeCode} has a negative or non-finite counter.", nameof(stats));
        }
    }
}
