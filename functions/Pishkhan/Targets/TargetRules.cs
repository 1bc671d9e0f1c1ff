using System.Text.Json.Serialization;
using Pishkhan.Calendar;
using Pishkhan.Problems;
using Pishkhan.Stats;

namespace Pishkhan.Targets;

/// <summary>met (green), onTrack (amber), behind (red); noData / noTarget (grey) when there is nothing to compare.</summary>
[JsonConverter(typeof(Http.CamelCaseEnumConverter<TargetState>))]
public enum TargetState { Met, OnTrack, Behind, NoData, NoTarget }

[JsonConverter(typeof(Http.CamelCaseEnumConverter<Colour>))]
public enum Colour { Green, Amber, Red, Grey }

/// <summary>The verdict on one indicator: gap = actual − planned (signed; for "lower" indicators a positive gap is bad).</summary>
public sealed record TargetVerdict(TargetState Status, Colour Colour, double? Gap, double? ProRataPlanned);

/// <summary>What the actuals are computed from, for one scope and period (already filtered to the scope).</summary>
public sealed record ActualInputs(IReadOnlyList<OfficeStatsEntity> Stats, int ActiveOffices, int AfterHoursOffices, double? ReInspectionAgreement);

/// <summary>The pure rules of goal tracking: plan validation, actuals from counters, and the verdict.</summary>
public static class TargetRules
{
    /// <summary>
    /// The policy's tolerance: an indicator within 10 % of its plan (in the bad direction) is "on track"
    /// (amber), not "behind". Relative to the plan, so it means the same for counts and shares.
    /// </summary>
    public const double Tolerance = 0.10;

    private const double Epsilon = 1e-9;

    /// <summary>Rounded to 4 decimals in responses: shares to a hundredth of a percent.</summary>
    public static double Round(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    /// <summary>Checks a planned value against the indicator's range; returns it or records an error.</summary>
    public static double? ValidatePlanned(FieldErrors errors, string field, TargetIndicatorInfo info, double planned)
    {
        if (!double.IsFinite(planned) || planned < info.Min || planned > info.Max)
        {
            errors.Add(field, info.Unit switch
            {
                "share" => "A share from 0 to 1 (0.9 means 90 %).",
                "score1to5" => "A mean score from 1 to 5.",
                _ => $"A number from {info.Min} to {info.Max}.",
            });
            return null;
        }
        if (info.WholeNumber && planned != Math.Floor(planned))
        {
            errors.Add(field, "A whole number.");
            return null;
        }
        return planned;
    }

    /// <summary>
    /// Every indicator's actual for one scope and period; null where there is nothing to measure (no
    /// completed request, no rating, no decided complaint, no active office, no re-inspection).
    /// </summary>
    public static IReadOnlyDictionary<TargetIndicator, double?> Actuals(ActualInputs inputs)
    {
        var s = inputs.Stats;
        long completed = s.Sum(r => r.RequestsCompleted), withinSla = s.Sum(r => r.CompletedWithinSla);
        long ratings = s.Sum(r => r.RatingCount), ratingSum = s.Sum(r => r.RatingSum);
        var inspectedOffices = s.Count(r => r.RoutineInspections > 0);
        // Buckets are coarse (1, 2, 4, 8, 12 … working days): the median is its bucket's upper bound, and
        // "above the last bound" is reported as that bound (a JSON number, and behind any sane plan).
        var median = Histogram.Quantile(Histogram.Merge(s.Select(r => r.ComplaintDecisionDaysHistogram)), 0.5);
        if (median is { } m && double.IsPositiveInfinity(m)) median = Histogram.Bounds[^1];

        return new Dictionary<TargetIndicator, double?>
        {
            [TargetIndicator.ActiveOffices] = inputs.ActiveOffices,
            [TargetIndicator.AfterHoursOffices] = inputs.AfterHoursOffices,
            [TargetIndicator.ServicesOutsourced] = s.Sum(r => r.RequestsReceived),
            [TargetIndicator.SlaCompliance] = completed > 0 ? Round((double)withinSla / completed) : null,
            [TargetIndicator.MeanSatisfaction] = ratings > 0 ? Round((double)ratingSum / ratings) : null,
            [TargetIndicator.MedianComplaintDecisionDays] = median,
            // Offices inspected may include one suspended since; coverage cannot exceed everything.
            [TargetIndicator.RoutineInspectionCoverage] = inputs.ActiveOffices > 0 ? Round(Math.Min(1.0, (double)inspectedOffices / inputs.ActiveOffices)) : null,
            [TargetIndicator.ReInspectionAgreement] = inputs.ReInspectionAgreement is { } a ? Round(a) : null,
        };
    }

    /// <summary>
    /// The verdict. met: the actual reaches the plan in the indicator's direction. onTrack: within
    /// <see cref="Tolerance"/> of the plan, or — for a cumulative indicator in a period not yet closed —
    /// at or past the pro-rata plan (plan × share of the period's working days elapsed). behind: otherwise.
    /// <paramref name="elapsedShare"/> is 1 for a closed period.
    /// </summary>
    public static TargetVerdict Evaluate(TargetIndicatorInfo info, double? planned, double? actual, double elapsedShare)
    {
        if (planned is not { } plan) return new(TargetState.NoTarget, Colour.Grey, null, null);
        double? proRata = info.Cumulative && elapsedShare < 1 ? Round(plan * Math.Max(0, elapsedShare)) : null;
        if (actual is not { } value) return new(TargetState.NoData, Colour.Grey, null, proRata);

        var gap = Round(value - plan);
        var higher = info.Direction == TargetDirection.Higher;
        if (higher ? value >= plan - Epsilon : value <= plan + Epsilon) return new(TargetState.Met, Colour.Green, gap, proRata);
        var withinTolerance = higher ? value >= plan * (1 - Tolerance) - Epsilon : value <= plan * (1 + Tolerance) + Epsilon;
        var atProRata = proRata is { } p && value >= p - Epsilon;
        return withinTolerance || atProRata
            ? new(TargetState.OnTrack, Colour.Amber, gap, proRata)
            : new(TargetState.Behind, Colour.Red, gap, proRata);
    }

    /// <summary>
    /// Share of the period's working days fully elapsed by <paramref name="now"/> (Tehran): 0 before the
    /// period starts, 1 once it is closed. Today counts once it is over.
    /// </summary>
    public static double ElapsedShare(JalaliPeriod period, DateTimeOffset now, WorkingCalendar calendar)
    {
        if (period.IsClosedAt(now)) return 1;
        if (now < period.StartUtc) return 0;
        var total = calendar.WorkingDaysBetween(period.FirstDay.AddDays(-1), period.LastDay);
        if (total == 0) return 1;
        var yesterday = Tehran.DateOf(now).AddDays(-1);
        var elapsed = calendar.WorkingDaysBetween(period.FirstDay.AddDays(-1), yesterday);
        return Round((double)elapsed / total);
    }

    /// <summary>The <paramref name="count"/> periods ending with <paramref name="last"/>, oldest first.</summary>
    public static IReadOnlyList<JalaliPeriod> TrendPeriods(JalaliPeriod last, int count)
    {
        var periods = new JalaliPeriod[count];
        var p = last;
        for (var i = count - 1; i >= 0; i--, p = p.Previous()) periods[i] = p;
        return periods;
    }
}
