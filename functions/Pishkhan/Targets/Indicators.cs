using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pishkhan.Targets;

/// <summary>
/// The indicators the working group plans. Serialised camelCase ("activeOffices") in bodies, routes and
/// responses. Shares are fractions 0..1 (0.9 means 90 %), never percentages.
/// </summary>
[JsonConverter(typeof(CamelCaseEnumConverter<Indicator>))]
public enum Indicator
{
    ActiveOffices,
    AfterHoursOffices,
    ServicesOutsourced,
    SlaCompliance,
    MeanSatisfaction,
    MedianComplaintDecisionDays,
    RoutineInspectionCoverage,
    ReInspectionAgreement,
}

/// <summary>Which way is better: "higher" (most indicators) or "lower" (complaint decision time).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<Direction>))]
public enum Direction { Higher, Lower }

/// <summary>
/// An indicator's rules: its direction, its unit, the range a plan may take, and whether it
/// accumulates during a period (then an open period is judged against the pro-rata plan).
/// </summary>
public sealed record IndicatorInfo(Indicator Indicator, Direction Direction, string Unit, double Min, double Max, bool WholeNumber, bool Cumulative)
{
    public string Name => Indicators.NameOf(Indicator);
}

public static class Indicators
{
    public static readonly IReadOnlyList<IndicatorInfo> All =
    [
        new(Indicator.ActiveOffices, Direction.Higher, "offices", 0, 100_000, WholeNumber: true, Cumulative: false),
        new(Indicator.AfterHoursOffices, Direction.Higher, "offices", 0, 100_000, WholeNumber: true, Cumulative: false),
        new(Indicator.ServicesOutsourced, Direction.Higher, "requests", 0, 1_000_000_000, WholeNumber: true, Cumulative: true),
        new(Indicator.SlaCompliance, Direction.Higher, "share", 0, 1, WholeNumber: false, Cumulative: false),
        new(Indicator.MeanSatisfaction, Direction.Higher, "score1to5", 1, 5, WholeNumber: false, Cumulative: false),
        new(Indicator.MedianComplaintDecisionDays, Direction.Lower, "workingDays", 0, 365, WholeNumber: false, Cumulative: false),
        new(Indicator.RoutineInspectionCoverage, Direction.Higher, "share", 0, 1, WholeNumber: false, Cumulative: true),
        new(Indicator.ReInspectionAgreement, Direction.Higher, "share", 0, 1, WholeNumber: false, Cumulative: false),
    ];

    private static readonly Dictionary<Indicator, IndicatorInfo> ByIndicator = All.ToDictionary(i => i.Indicator);
    private static readonly Dictionary<string, Indicator> ByName =
        All.ToDictionary(i => NameOf(i.Indicator), i => i.Indicator, StringComparer.OrdinalIgnoreCase);

    public static IndicatorInfo Info(Indicator indicator) => ByIndicator[indicator];

    public static string NameOf(Indicator indicator) => JsonNamingPolicy.CamelCase.ConvertName(indicator.ToString());

    /// <summary>Names only ("slaCompliance", any case); numbers are not indicators.</summary>
    public static bool TryParse(string? name, out Indicator indicator)
    {
        indicator = default;
        return name is not null && ByName.TryGetValue(name, out indicator);
    }

    public static string NameList => string.Join(", ", All.Select(i => i.Name));
}

/// <summary>
/// Writes and reads an enum as camelCase strings, never numbers. On the type, so responses written with
/// ASP.NET Core's default JSON options (TypedResults) agree with the strict request options.
/// </summary>
public sealed class CamelCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where T : struct, Enum;
