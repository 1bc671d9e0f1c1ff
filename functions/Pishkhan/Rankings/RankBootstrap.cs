using Pishkhan.RankingPolicy;

namespace Pishkhan.Rankings;

using RankingPolicy = Pishkhan.RankingPolicy.RankingPolicy;

/// <summary>
/// Rank and score intervals by parametric bootstrap. In each resample every office's indicators are redrawn
/// within the sampling error of its shrunk estimate v = (sum + C·t)/(n + C): for rates the count is redrawn
/// k* ~ Binomial(n, v) and v* = v + (k* − n·v)/(n + C); for means the sample mean is redrawn normally with
/// σ² the Bhatia–Davis bound (v − low)(high − v) of the observation range (conservative: the widest spread
/// a 1–5 rating or 0–100 inspection mean allows), v* = v + n/(n + C)·σ/√n·Z. So v* is centred on the
/// published value and spread by exactly the shrinkage estimator's sampling error, and an office at 0% or
/// 100% still has spread. The scale — shrinkage targets and normalisation references — stays the observed one:
/// the uncertainty is the office's, the yardstick the province's. Offices are re-scored and re-ranked;
/// an interval is the central <see cref="RankingPolicy.IntervalCoverage"/> of the resampled values.
/// Cost: O(resamples × offices × indicators) plus one sort per resample.
/// </summary>
internal static class RankBootstrap
{
    public const string Method =
        "Parametric bootstrap with a fixed seed: per resample, each office's rate counts are redrawn " +
        "Binomial(n, shrunk rate) and its mean scores Normal(shrunk mean, Bhatia–Davis variance / n), passed " +
        "through the same shrinkage factor n/(n + C), scored on the observed normalisation references and re-ranked. " +
        "Intervals are the central coverage of resampled ranks and scores, widened to include the published value.";

    public sealed record Intervals(RankInterval[] Province, RankInterval[] County, ScoreInterval[] Score);

    public static Intervals Run(ProvinceScorer scorer, double[][] shrunk, Scale scale, int[] countyOf, int counties,
        RankingPolicy policy, string province)
    {
        var m = scorer.Offices;
        if (m == 0) return new Intervals([], [], []);
        var k = scorer.Indicators.Length;
        var resamples = policy.Resamples;
        // One stream per province: a province's intervals do not depend on which other provinces share the call.
        var rng = new SplitMix64((ulong)RankingCalculator.BootstrapSeed ^ SplitMix64.Hash(province));

        var isRate = scorer.Indicators.Select(i => i.IsRate()).ToArray();
        var range = scorer.Indicators.Select(i => i.ObservationRange()).ToArray();
        var centre = scorer.NewMatrix();
        var spread = scorer.NewMatrix(); // rates: 1/(n + C); means: the shrunk estimate's standard error
        var binomial = new BinomialDraw[k][];
        for (var j = 0; j < k; j++)
        {
            binomial[j] = new BinomialDraw[m];
            for (var o = 0; o < m; o++)
            {
                var n = scorer.Counts[j][o];
                var (low, high) = range[j];
                var v = Math.Clamp(shrunk[j][o], low, high);
                centre[j][o] = v;
                spread[j][o] = n <= 0 ? 0
                    : isRate[j] ? 1 / (n + scorer.Strengths[j])
                    : Math.Sqrt((v - low) * (high - v) * n) / (n + scorer.Strengths[j]);
                if (isRate[j]) binomial[j][o] = new BinomialDraw((long)n, v);
            }
        }

        var values = scorer.NewMatrix();
        var scores = new double[m];
        var keys = new double[m];
        var order = new int[m];
        var countyCounter = new int[counties];
        // Office-major layout: each office's samples are contiguous for the percentile sort.
        var provinceRanks = new int[m * resamples];
        var countyRanks = new int[m * resamples];
        var scoreSamples = new double[m * resamples];

        for (var r = 0; r < resamples; r++)
        {
            for (var j = 0; j < k; j++)
            {
                var counts = scorer.Counts[j];
                for (var o = 0; o < m; o++)
                {
                    var v = centre[j][o];
                    var n = counts[o];
                    values[j][o] = spread[j][o] == 0 ? v
                        : isRate[j] ? v + (binomial[j][o].Next(ref rng) - n * v) * spread[j][o]
                        : Math.Clamp(v + spread[j][o] * rng.NextNormal(), range[j].Low, range[j].High);
                }
            }
            scorer.Rescore(values, scale, scores);
            for (var o = 0; o < m; o++)
            {
                keys[o] = -scores[o];
                order[o] = o;
                scoreSamples[o * resamples + r] = Math.Clamp(scores[o], 0, 100);
            }
            Array.Sort(keys, order);
            Array.Clear(countyCounter);
            for (var i = 0; i < m; i++)
            {
                var o = order[i];
                provinceRanks[o * resamples + r] = i + 1;
                countyRanks[o * resamples + r] = ++countyCounter[countyOf[o]];
            }
        }

        // Nearest-rank percentiles, symmetric tails: with 200 resamples and 90% coverage, the 11th and 190th values.
        var tail = (int)Math.Floor((1 - policy.IntervalCoverage) / 2 * resamples + 1e-9);
        var result = new Intervals(new RankInterval[m], new RankInterval[m], new ScoreInterval[m]);
        for (var o = 0; o < m; o++)
        {
            var p = provinceRanks.AsSpan(o * resamples, resamples);
            p.Sort();
            result.Province[o] = new RankInterval(p[tail], p[resamples - 1 - tail]);
            var c = countyRanks.AsSpan(o * resamples, resamples);
            c.Sort();
            result.County[o] = new RankInterval(c[tail], c[resamples - 1 - tail]);
            var s = scoreSamples.AsSpan(o * resamples, resamples);
            s.Sort();
            result.Score[o] = new ScoreInterval(ProvinceRanking.Round2(s[tail]), ProvinceRanking.Round2(s[resamples - 1 - tail]));
        }
        return result;
    }
}
