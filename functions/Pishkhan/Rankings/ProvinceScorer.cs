using Pishkhan.RankingPolicy;

namespace Pishkhan.Rankings;

/// <summary>
/// Shrink → normalise → weigh for one province, on arrays indexed [indicator][office]. The observed
/// score fixes a <see cref="Scale"/>; bootstrap resamples are scored on that same scale by the same
/// normalisation code, so intervals describe exactly the published computation.
/// </summary>
internal sealed class ProvinceScorer
{
    private readonly bool[] _lowerIsBetter;
    private readonly Normalisation _normalisation;

    public ProvinceScorer(OfficePeriodStats[] offices, IReadOnlyList<IndicatorPolicy> active, Normalisation normalisation)
    {
        Offices = offices.Length;
        Indicators = active.Select(a => a.Indicator).ToArray();
        var total = active.Sum(a => a.Weight);
        // Dropped indicators (no data in the province) leave their weight to the others, pro rata.
        Weights = active.Select(a => a.Weight / total).ToArray();
        Strengths = active.Select(a => a.ShrinkageStrength).ToArray();
        _lowerIsBetter = Indicators.Select(i => i.Direction() == Direction.LowerIsBetter).ToArray();
        _normalisation = normalisation;
        Sums = NewMatrix();
        Counts = NewMatrix();
        for (var j = 0; j < Indicators.Length; j++)
            for (var o = 0; o < Offices; o++)
                (Sums[j][o], Counts[j][o]) = IndicatorData.Of(Indicators[j], offices[o]);
    }

    public int Offices { get; }
    public Indicator[] Indicators { get; }
    public double[] Weights { get; }
    public double[] Strengths { get; }

    /// <summary>Numerators (successes, or sums of ratings/scores) per indicator and office.</summary>
    public double[][] Sums { get; }

    /// <summary>Denominators (trials or observations) per indicator and office.</summary>
    public double[][] Counts { get; }

    public double[][] NewMatrix()
    {
        var m = new double[Indicators.Length][];
        for (var j = 0; j < m.Length; j++) m[j] = new double[Offices];
        return m;
    }

    /// <summary>The published computation: shrink each indicator, fix its scale, normalise, weigh.</summary>
    public Scale Score(double[] scores, double[][] shrunk, double[][] normalised)
    {
        var scale = new Scale(new IndicatorBounds[Indicators.Length], NewMatrix(), NewMatrix());
        Array.Clear(scores);
        for (var j = 0; j < Indicators.Length; j++)
        {
            var target = Shrink(Sums[j], Counts[j], Strengths[j], shrunk[j]);
            scale.Bounds[j] = Measure(shrunk[j]) with { ShrinkageTarget = target };
            if (_normalisation == Normalisation.ZScore)
                LeaveOneOut(j, target, shrunk[j], scale.Centre[j], scale.Spread[j]);
            Normalise(j, shrunk[j], scale, scores, normalised[j]);
        }
        return scale;
    }

    /// <summary>Scores other values of the shrunk indicators (bootstrap draws) on an already fixed scale.</summary>
    public void Rescore(double[][] values, Scale scale, double[] scores)
    {
        Array.Clear(scores);
        for (var j = 0; j < Indicators.Length; j++)
            Normalise(j, values[j], scale, scores, null);
    }

    /// <summary>
    /// (sum + C·target) / (count + C) with target the pooled province value Σsum/Σcount. For a rate this is
    /// the beta-binomial posterior mean with prior Beta(C·target, C·(1−target)); for a mean it is the Bayesian
    /// average with C pseudo-observations at the province mean. An office without observations gets the target.
    /// </summary>
    private static double Shrink(double[] sums, double[] counts, double strength, double[] shrunk)
    {
        double totalSum = 0, totalCount = 0;
        for (var o = 0; o < sums.Length; o++)
        {
            totalSum += sums[o];
            totalCount += counts[o];
        }
        var target = totalSum / totalCount; // > 0 observations: indicators without data were dropped
        for (var o = 0; o < sums.Length; o++)
        {
            var d = counts[o] + strength;
            shrunk[o] = d > 0 ? (sums[o] + strength * target) / d : target;
        }
        return target;
    }

    private static IndicatorBounds Measure(double[] x)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (var v in x)
        {
            if (v < min) min = v;
            if (v > max) max = v;
            sum += v;
        }
        var mean = sum / x.Length;
        double squares = 0;
        foreach (var v in x) squares += (v - mean) * (v - mean);
        return new IndicatorBounds(0, min, max, mean, Math.Sqrt(squares / x.Length));
    }

    /// <summary>
    /// Z-score reference for each office: the mean and standard deviation of the OTHER offices' shrunk values,
    /// those values re-shrunk toward the pooled target without this office. Why: with a shared mean and sd an
    /// office that improves also drags the target, hence other offices and the sd, and its z can fall (seen:
    /// −6 points in 4-office provinces); against a reference that excludes its own data an office's score can
    /// only rise when it improves. O(1) per office: x_i(t) = a_i + b_i·t is linear in the target t, so the
    /// others' moments follow from province totals minus the office's own terms (centred on the target to keep
    /// the differences exact enough for a flat province).
    /// </summary>
    private void LeaveOneOut(int j, double target, double[] shrunk, double[] centre, double[] spread)
    {
        var sums = Sums[j];
        var counts = Counts[j];
        var c = Strengths[j];
        var k = Offices;
        double totalSum = 0, totalCount = 0, sa = 0, sb = 0, saa = 0, sab = 0, sbb = 0;
        var a = new double[k];
        var b = new double[k];
        for (var o = 0; o < k; o++)
        {
            var d = counts[o] + c;
            b[o] = d > 0 ? c / d : 1;
            a[o] = shrunk[o] - target; // = x_o(t) − t; and x_o(t') − t = a_o + b_o·(t' − t)
            totalSum += sums[o];
            totalCount += counts[o];
            sa += a[o];
            sb += b[o];
            saa += a[o] * a[o];
            sab += a[o] * b[o];
            sbb += b[o] * b[o];
        }
        for (var o = 0; o < k; o++)
        {
            var othersCount = totalCount - counts[o];
            if (k == 1 || othersCount <= 0)
            {
                // Nobody else with data to compare with: always the midpoint.
                centre[o] = shrunk[o];
                spread[o] = double.PositiveInfinity;
                continue;
            }
            var shift = (totalSum - sums[o]) / othersCount - target; // t' − t
            var n = k - 1;
            var mean = ((sa - a[o]) + (sb - b[o]) * shift) / n;
            var square = ((saa - a[o] * a[o]) + 2 * (sab - a[o] * b[o]) * shift + (sbb - b[o] * b[o]) * shift * shift) / n;
            centre[o] = target + mean;
            spread[o] = Math.Sqrt(Math.Max(0, square - mean * mean));
        }
    }

    /// <summary>
    /// Min–max: 100·(x − min)/(max − min) over the province; a flat indicator gives everyone 50.
    /// Z-score: 100·Φ((x − mean)/sd) against the other offices (the normal percentile, so 0..100 without
    /// clipping); when the others are all equal, 100, 50 or 0 by comparison. Lower-is-better indicators are
    /// mirrored. Adds weight·value into <paramref name="scores"/>.
    /// </summary>
    private void Normalise(int j, double[] x, Scale scale, double[] scores, double[]? normalised)
    {
        var b = scale.Bounds[j];
        var lower = _lowerIsBetter[j];
        var weight = Weights[j];
        var tolerance = 1e-9 * Math.Max(1, Math.Abs(b.Max));
        var range = b.Max - b.Min;
        for (var o = 0; o < x.Length; o++)
        {
            double value;
            if (_normalisation == Normalisation.MinMax)
                value = range <= tolerance ? 50 : 100 * (lower ? b.Max - x[o] : x[o] - b.Min) / range;
            else
            {
                var deviation = x[o] - scale.Centre[j][o];
                if (lower) deviation = -deviation;
                var sd = scale.Spread[j][o];
                value = sd > tolerance ? 100 * NormalDistribution.Cdf(deviation / sd)
                    : Math.Abs(deviation) <= tolerance ? 50
                    : deviation > 0 ? 100 : 0;
            }
            scores[o] += weight * value;
            if (normalised is not null) normalised[o] = value;
        }
    }
}

/// <summary>
/// The observed yardstick of a province: per indicator, the shrinkage target and distribution of shrunk values
/// (min–max bounds), and per office the leave-one-out z-score reference (z-score only). Per-unit values.
/// </summary>
internal sealed record Scale(IndicatorBounds[] Bounds, double[][] Centre, double[][] Spread);

internal readonly record struct IndicatorBounds(double ShrinkageTarget, double Min, double Max, double Mean, double StandardDeviation);

internal static class IndicatorData
{
    /// <summary>
    /// (numerator, denominator) of an indicator for one office. SLA compliance counts only requests whose SLA
    /// outcome is known (within + breached). Rate numerators are capped at their denominator so a drifting
    /// counter cannot produce a rate above 100%.
    /// </summary>
    public static (double Sum, double Count) Of(Indicator indicator, OfficePeriodStats s) => indicator switch
    {
        Indicator.SlaCompliance => (s.CompletedWithinSla, s.CompletedWithinSla + s.SlaBreached),
        Indicator.Satisfaction => (s.RatingSum, s.RatingCount),
        Indicator.UpheldComplaintsPer1000 => (s.ComplaintsUpheld, s.RequestsCompleted),
        Indicator.InspectionScore => (s.InspectionScoreSum, s.InspectionCount),
        Indicator.Training => (Math.Min(s.StaffTrained, s.StaffCount), s.StaffCount),
        Indicator.AfterHours => (Math.Min(s.AfterHoursOpen, s.AfterHoursChecks), s.AfterHoursChecks),
        _ => throw new ArgumentOutOfRangeException(nameof(indicator), indicator, null),
    };
}
