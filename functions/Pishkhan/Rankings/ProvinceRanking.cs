using Pishkhan.RankingPolicy;

namespace Pishkhan.Rankings;

using RankingPolicy = Pishkhan.RankingPolicy.RankingPolicy;

/// <summary>Ranks one province's offices; everything here is a function of its arguments.</summary>
internal static class ProvinceRanking
{
    public static (List<RankingRow> Rows, ProvinceScope Scope) Rank(
        string province,
        OfficePeriodStats[] offices, // sorted by office code (ordinal): fixes every summation order
        RankingPolicy policy,
        IReadOnlyDictionary<string, (string Province, int Rank)> previousRanks,
        IReadOnlyDictionary<string, IReadOnlyList<double>>? history)
    {
        var listed = policy.Indicators.Where(p => p.Weight > 0).ToArray();
        var eligible = offices.Where(o => o.RequestsCompleted >= policy.MinimumVolume).ToArray();
        var active = listed.Where(p => eligible.Sum(o => IndicatorData.Of(p.Indicator, o).Count) > 0).ToArray();
        if (active.Length == 0) eligible = []; // nothing to rank on: everyone is "insufficient data"

        var scorer = new ProvinceScorer(eligible, active, policy.Normalisation);
        var m = eligible.Length;
        var shrunk = scorer.NewMatrix();
        var normalised = scorer.NewMatrix();
        var scores = new double[m];
        var scale = scorer.Score(scores, shrunk, normalised);
        var published = scores.Select(Round2).ToArray();

        // Tie-break on published values: score, then shrunk SLA compliance (percent, 4 decimals), then volume,
        // then office code (= index: offices are sorted by code).
        var sla = Array.IndexOf(scorer.Indicators, Indicator.SlaCompliance);
        var slaKey = Enumerable.Range(0, m).Select(o => sla < 0 ? 0 : Round4(shrunk[sla][o] * Indicator.SlaCompliance.DisplayScale())).ToArray();
        var order = Enumerable.Range(0, m).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = published[b].CompareTo(published[a]);
            if (c == 0) c = slaKey[b].CompareTo(slaKey[a]);
            if (c == 0) c = eligible[b].RequestsCompleted.CompareTo(eligible[a].RequestsCompleted);
            return c != 0 ? c : a.CompareTo(b);
        });

        var counties = eligible.Select(o => o.CountyCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var countyOf = eligible.Select(o => counties.BinarySearch(o.CountyCode, StringComparer.Ordinal)).ToArray();
        var rank = new int[m];
        var countyRank = new int[m];
        var countyCounter = new int[counties.Count];
        for (var i = 0; i < m; i++)
        {
            rank[order[i]] = i + 1;
            countyRank[order[i]] = ++countyCounter[countyOf[order[i]]];
        }

        var intervals = RankBootstrap.Run(scorer, shrunk, scale, countyOf, counties.Count, policy, province);

        var weightOf = listed.ToDictionary(p => p.Indicator, p =>
        {
            var j = Array.IndexOf(scorer.Indicators, p.Indicator);
            return j < 0 ? 0 : Round6(scorer.Weights[j]);
        });
        var rows = new List<RankingRow>(offices.Length);
        foreach (var o in order)
        {
            var office = eligible[o];
            int? previousRank = previousRanks.TryGetValue(office.OfficeCode, out var prev) && prev.Province == province ? prev.Rank : null;
            rows.Add(new RankingRow(
                office.OfficeCode, office.OfficeName, office.Province, office.CountyCode,
                RankingStatus.Ranked, office.RequestsCompleted,
                published[o],
                new ScoreInterval(Math.Min(intervals.Score[o].Low, published[o]), Math.Max(intervals.Score[o].High, published[o])),
                rank[o],
                Widen(intervals.Province[o], rank[o]),
                countyRank[o],
                Widen(intervals.County[o], countyRank[o]),
                TierOf(published[o], policy),
                previousRank,
                previousRank - rank[o],
                listed.Select(p =>
                {
                    var j = Array.IndexOf(scorer.Indicators, p.Indicator);
                    var unit = p.Indicator.DisplayScale();
                    return Value(p.Indicator, office, weightOf[p.Indicator],
                        j < 0 ? null : Round4(shrunk[j][o] * unit), j < 0 ? null : Round4(normalised[j][o]));
                }).ToArray(),
                Recent(history, office.OfficeCode, published[o])));
        }
        var eligibleCodes = eligible.Select(e => e.OfficeCode).ToHashSet(StringComparer.Ordinal);
        foreach (var office in offices.Where(o => !eligibleCodes.Contains(o.OfficeCode)))
        {
            rows.Add(new RankingRow(
                office.OfficeCode, office.OfficeName, office.Province, office.CountyCode,
                RankingStatus.InsufficientData, office.RequestsCompleted,
                null, null, null, null, null, null, null, null, null,
                listed.Select(p => Value(p.Indicator, office, weightOf[p.Indicator], null, null)).ToArray(),
                Recent(history, office.OfficeCode, null)));
        }

        var scope = new ProvinceScope(province, offices.Length, m, listed.Select(p =>
        {
            var j = Array.IndexOf(scorer.Indicators, p.Indicator);
            if (j < 0) return new IndicatorScope(p.Indicator, p.Indicator.Direction(), p.Weight, 0, false, null, null, null, null, null);
            var s = p.Indicator.DisplayScale();
            var b = scale.Bounds[j];
            return new IndicatorScope(p.Indicator, p.Indicator.Direction(), p.Weight, weightOf[p.Indicator], true,
                Round4(b.ShrinkageTarget * s), Round4(b.Min * s), Round4(b.Max * s), Round4(b.Mean * s), Round4(b.StandardDeviation * s));
        }).ToArray());
        return (rows, scope);
    }

    private static IndicatorValue Value(Indicator indicator, OfficePeriodStats office, double weight, double? shrunk, double? normalised)
    {
        var (sum, count) = IndicatorData.Of(indicator, office);
        double? raw = count > 0 ? Round4(sum / count * indicator.DisplayScale()) : null;
        return new IndicatorValue(indicator, (long)count, raw, shrunk, normalised, weight);
    }

    private static Tier TierOf(double score, RankingPolicy policy) =>
        // Validation guarantees descending cut-offs ending at 0, so some tier always matches.
        policy.Tiers.First(t => score >= t.MinimumScore).Tier;

    // The percentile interval of a skewed rank distribution can miss the published rank; widen to include it.
    private static RankInterval Widen(RankInterval i, int rank) => new(Math.Min(i.Best, rank), Math.Max(i.Worst, rank));

    private static double[] Recent(IReadOnlyDictionary<string, IReadOnlyList<double>>? history, string officeCode, double? score)
    {
        var earlier = history is not null && history.TryGetValue(officeCode, out var h) && h is not null ? h : [];
        var recent = earlier.Skip(Math.Max(0, earlier.Count - 5));
        return (score is { } s ? recent.Append(s) : recent).ToArray();
    }

    internal static double Round2(double x) => Math.Round(x, 2, MidpointRounding.AwayFromZero);
    internal static double Round4(double x) => Math.Round(x, 4, MidpointRounding.AwayFromZero);

    // Published weights only: 0.3/0.8 is 0.37499999999999994 in binary, the report should say 0.375.
    private static double Round6(double x) => Math.Round(x, 6, MidpointRounding.AwayFromZero);
}
