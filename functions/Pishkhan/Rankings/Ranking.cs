using Pishkhan.Http;
using System.Text.Json.Serialization;
using Pishkhan.RankingPolicy;

namespace Pishkhan.Rankings;

using RankingPolicy = Pishkhan.RankingPolicy.RankingPolicy;

// The published ranking: plain records so the same object is stored, served as JSON and flattened to CSV.
// Rows are ordered by province (ordinal), then rank, then unranked rows by office code.

[JsonConverter(typeof(CamelCaseEnumConverter<RankingStatus>))]
public enum RankingStatus { Ranked, InsufficientData }

[JsonConverter(typeof(CamelCaseEnumConverter<RankScope>))]
public enum RankScope { Province, County }

/// <param name="Province">The single province ranked, or null when the stats spanned several.</param>
/// <param name="Scopes">Per province: which indicators were used, their renormalised weights and the
/// shrinkage targets and normalisation bounds, so each row's numbers can be re-derived.</param>
public sealed record Ranking(
    string Period,
    string? Province,
    int PolicyVersion,
    IReadOnlyList<RankingRow> Rows,
    IReadOnlyList<ProvinceScope> Scopes,
    string? PreviousPeriod,
    RankUncertainty Uncertainty,
    RankingPolicy Policy);

/// <param name="Score">0..100, rounded to 2 decimals; ranks are decided on this published value.</param>
/// <param name="Movement">Previous province rank − current province rank (positive = moved up); null when
/// the office was not ranked in the same province last period.</param>
/// <param name="RecentScores">Up to six scores, oldest first, ending with this period's (sparkline).</param>
public sealed record RankingRow(
    string OfficeCode,
    string OfficeName,
    string Province,
    string CountyCode,
    RankingStatus Status,
    long RequestsCompleted,
    double? Score,
    ScoreInterval? ScoreInterval,
    int? ProvinceRank,
    RankInterval? ProvinceInterval,
    int? CountyRank,
    RankInterval? CountyInterval,
    Tier? Tier,
    int? PreviousProvinceRank,
    int? Movement,
    IReadOnlyList<IndicatorValue> Indicators,
    IReadOnlyList<double> RecentScores);

/// <summary>Ranks the office plausibly holds: <see cref="Best"/> ≤ published rank ≤ <see cref="Worst"/>.</summary>
public sealed record RankInterval(int Best, int Worst);

public sealed record ScoreInterval(double Low, double High);

/// <param name="SampleSize">The indicator's denominator: SLA outcomes, ratings, completed services, inspections, staff, checks.</param>
/// <param name="Raw">Observed value in display units (percent, 1–5, per 1,000, 0–100); null without observations.</param>
/// <param name="Shrunk">Value after shrinkage toward the province mean; null for unranked rows and unused indicators.</param>
/// <param name="Normalised">0..100, higher is better whatever the indicator's direction.</param>
/// <param name="Weight">Weight after renormalisation over the indicators with data in the province (0 if dropped).</param>
public sealed record IndicatorValue(
    Indicator Indicator,
    long SampleSize,
    double? Raw,
    double? Shrunk,
    double? Normalised,
    double Weight);

public sealed record ProvinceScope(string Province, int Offices, int Ranked, IReadOnlyList<IndicatorScope> Indicators);

/// <param name="Used">False when no ranked office of the province had data for it: dropped, weight 0.</param>
/// <param name="ShrinkageTarget">Pooled province value the estimates are shrunk toward (display units).</param>
/// <param name="Min">Min, max, mean and standard deviation of the shrunk values: the normalisation bounds.</param>
public sealed record IndicatorScope(
    Indicator Indicator,
    Direction Direction,
    double PolicyWeight,
    double Weight,
    bool Used,
    double? ShrinkageTarget,
    double? Min,
    double? Max,
    double? Mean,
    double? StandardDeviation);

public sealed record RankUncertainty(string Method, int Resamples, double Coverage, int Seed);
