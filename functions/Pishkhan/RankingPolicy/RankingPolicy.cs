using Pishkhan.Http;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pishkhan.Problems;

namespace Pishkhan.RankingPolicy;

// The working group's ranking policy for one province. It is versioned and published inside every
// ranking, so a reader can re-derive any score from the stats and the policy alone.
// Note for callers in sibling namespaces (Pishkhan.Rankings, Pishkhan.Tests.*): the simple name
// `RankingPolicy` resolves to this namespace there; add
// `using RankingPolicy = Pishkhan.RankingPolicy.RankingPolicy;` after the file-scoped namespace.

[JsonConverter(typeof(CamelCaseEnumConverter<Indicator>))]
public enum Indicator { SlaCompliance, Satisfaction, UpheldComplaintsPer1000, InspectionScore, Training, AfterHours }

[JsonConverter(typeof(CamelCaseEnumConverter<Direction>))]
public enum Direction { HigherIsBetter, LowerIsBetter }

[JsonConverter(typeof(CamelCaseEnumConverter<Normalisation>))]
public enum Normalisation { MinMax, ZScore }

/// <summary>Tiers الف (best) to د; <see cref="TierLabels.Persian"/> gives the label.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<Tier>))]
public enum Tier { Alef, Be, Jim, Dal }


public sealed record IndicatorPolicy(Indicator Indicator, double Weight, double ShrinkageStrength)
{
    // Direction is a property of the indicator, not a policy choice: published, never read back.
    public Direction Direction => Indicator.Direction();
}

public sealed record TierCutoff(Tier Tier, double MinimumScore)
{
    public string Label => Tier.Persian();
}

/// <param name="MinimumVolume">Completed services below which an office is listed as "insufficient data" and not ranked.</param>
/// <param name="Resamples">Bootstrap resamples behind each rank interval.</param>
/// <param name="IntervalCoverage">Share of resampled ranks the published rank interval covers.</param>
public sealed record RankingPolicy(
    string Province,
    int Version,
    IReadOnlyList<IndicatorPolicy> Indicators,
    int MinimumVolume,
    IReadOnlyList<TierCutoff> Tiers,
    Normalisation Normalisation,
    int Resamples = 200,
    double IntervalCoverage = 0.90)
{
    public const double WeightTolerance = 1e-6;

    /// <summary>The order applied when published scores are equal; fixed in code so re-runs agree.</summary>
    public static readonly IReadOnlyList<string> TieBreakOrder =
        ["score desc", "slaCompliance (shrunk) desc", "requestsCompleted desc", "officeCode ordinal"];

    public IReadOnlyList<string> TieBreak => TieBreakOrder;

    /// <summary>
    /// Starting point for a province. Weights: speed and satisfaction are what agencies and citizens
    /// feel (0.30, 0.25); upheld complaints and inspections are the regulator's evidence (0.15 each);
    /// training and after-hours availability are service breadth (0.075 each). Shrinkage strengths are
    /// pseudo-counts in each indicator's own unit: 20 services, 10 ratings, 500 services (complaints are
    /// rare, ~1 per 1,000, so one complaint in 40 services must not read as 25 per 1,000), 1 inspection,
    /// 2 staff, 2 after-hours checks.
    /// </summary>
    public static RankingPolicy Default(string province) => new(
        province,
        Version: 1,
        Indicators:
        [
            new(Indicator.SlaCompliance, 0.30, 20),
            new(Indicator.Satisfaction, 0.25, 10),
            new(Indicator.UpheldComplaintsPer1000, 0.15, 500),
            new(Indicator.InspectionScore, 0.15, 1),
            new(Indicator.Training, 0.075, 2),
            new(Indicator.AfterHours, 0.075, 2),
        ],
        MinimumVolume: 30,
        Tiers: [new(Tier.Alef, 75), new(Tier.Be, 60), new(Tier.Jim, 40), new(Tier.Dal, 0)],
        Normalisation: Normalisation.MinMax);

    /// <summary>Field errors keyed by camelCase JSON path ("indicators[2].weight"); empty when valid.</summary>
    public IDictionary<string, string[]> Validate()
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Province)) errors.Add("province", "Required.");
        if (Version < 1) errors.Add("version", "Must be 1 or more.");
        if (MinimumVolume is < 0 or > 100_000) errors.Add("minimumVolume", "Must be between 0 and 100000 completed services.");
        if (!Enum.IsDefined(Normalisation)) errors.Add("normalisation", "Must be minMax or zScore.");
        if (Resamples is < 20 or > 2_000) errors.Add("resamples", "Must be between 20 and 2000.");
        if (!(IntervalCoverage is >= 0.5 and <= 0.99)) errors.Add("intervalCoverage", "Must be between 0.5 and 0.99.");
        ValidateIndicators(errors);
        ValidateTiers(errors);
        return errors.ToDictionary();
    }

    private void ValidateIndicators(FieldErrors errors)
    {
        if (Indicators is null || Indicators.Count == 0)
        {
            errors.Add("indicators", "At least one indicator is required.");
            return;
        }
        var seen = new Dictionary<Indicator, int>();
        var sum = 0.0;
        var weightsUsable = true;
        for (var i = 0; i < Indicators.Count; i++)
        {
            var path = $"indicators[{i}]";
            if (Indicators[i] is not { } p)
            {
                errors.Add(path, "Required.");
                weightsUsable = false;
                continue;
            }
            if (!Enum.IsDefined(p.Indicator))
                errors.Add(path + ".indicator", "Unknown indicator.");
            else if (seen.TryGetValue(p.Indicator, out var first))
                errors.Add(path + ".indicator", $"Duplicate of indicators[{first}].");
            else
                seen[p.Indicator] = i;

            if (!double.IsFinite(p.Weight) || p.Weight is < 0 or > 1)
            {
                errors.Add(path + ".weight", "Must be between 0 and 1.");
                weightsUsable = false;
            }
            else sum += p.Weight;

            if (!double.IsFinite(p.ShrinkageStrength) || p.ShrinkageStrength < 0)
                errors.Add(path + ".shrinkageStrength", "Must be 0 or more.");
            else if (p.ShrinkageStrength > 1_000_000)
                errors.Add(path + ".shrinkageStrength", "Must be at most 1000000.");
        }
        // Only judge the sum when every weight was readable, so one bad weight gives one error.
        if (weightsUsable && Math.Abs(sum - 1) > WeightTolerance)
            errors.Add("indicators", $"Weights must sum to 1 (they sum to {sum.ToString("0.######", CultureInfo.InvariantCulture)}).");
    }

    private void ValidateTiers(FieldErrors errors)
    {
        if (Tiers is null || Tiers.Count == 0)
        {
            errors.Add("tiers", "At least one tier is required.");
            return;
        }
        TierCutoff? previous = null;
        for (var i = 0; i < Tiers.Count; i++)
        {
            var path = $"tiers[{i}]";
            if (Tiers[i] is not { } t)
            {
                errors.Add(path, "Required.");
                previous = null;
                continue;
            }
            if (!Enum.IsDefined(t.Tier))
                errors.Add(path + ".tier", "Unknown tier.");
            else if (previous is not null && t.Tier <= previous.Tier)
                errors.Add(path + ".tier", "Tiers must be listed from الف to د, each at most once.");

            if (!double.IsFinite(t.MinimumScore) || t.MinimumScore is < 0 or > 100)
                errors.Add(path + ".minimumScore", "Must be between 0 and 100.");
            else if (previous is not null && t.MinimumScore >= previous.MinimumScore)
                errors.Add(path + ".minimumScore", $"Must be below tiers[{i - 1}].minimumScore (tiers descend).");
            previous = t;
        }
        // Every ranked office must land in some tier.
        if (Tiers[^1] is { } last && double.IsFinite(last.MinimumScore) && last.MinimumScore != 0)
            errors.Add($"tiers[{Tiers.Count - 1}].minimumScore", "The lowest tier must start at 0 so every ranked office has a tier.");
    }
}

/// <summary>What each indicator is, fixed in code: direction, unit and how its sampling error behaves.</summary>
public static class IndicatorFacts
{
    public static Direction Direction(this Indicator indicator) =>
        indicator == Indicator.UpheldComplaintsPer1000 ? global::Pishkhan.RankingPolicy.Direction.LowerIsBetter : global::Pishkhan.RankingPolicy.Direction.HigherIsBetter;

    /// <summary>Rates are successes out of trials (binomial); the others are means of bounded scores.</summary>
    public static bool IsRate(this Indicator indicator) => indicator is not (Indicator.Satisfaction or Indicator.InspectionScore);

    /// <summary>Multiplier from the per-unit estimate to the published value (percent, per 1,000, as is).</summary>
    public static double DisplayScale(this Indicator indicator) => indicator switch
    {
        Indicator.UpheldComplaintsPer1000 => 1000,
        Indicator.Satisfaction or Indicator.InspectionScore => 1,
        _ => 100,
    };

    /// <summary>Range of a single observation of a mean indicator: ratings are 1..5, inspection scores 0..100.</summary>
    public static (double Low, double High) ObservationRange(this Indicator indicator) => indicator switch
    {
        Indicator.Satisfaction => (1, 5),
        Indicator.InspectionScore => (0, 100),
        _ => (0, 1),
    };

    public static string Unit(this Indicator indicator) => indicator switch
    {
        Indicator.UpheldComplaintsPer1000 => "per 1,000 completed services",
        Indicator.Satisfaction => "mean rating 1–5",
        Indicator.InspectionScore => "mean inspection score 0–100",
        _ => "percent",
    };
}

public static class TierLabels
{
    public static string Persian(this Tier tier) => tier switch
    {
        Tier.Alef => "الف",
        Tier.Be => "ب",
        Tier.Jim => "ج",
        Tier.Dal => "د",
        _ => tier.ToString(),
    };
}
