using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pishkhan.Targets;

/// <summary>
/// The indicators the working group plans. Serialised camelCase ("activeOffices") in bodies, routes and
/// responses. Shares are fractions 0..1 (0.9 means 90 %), never percentages.
/// </summary>
[JsonConverter(typeof(Http.CamelCaseEnumConverter<TargetIndicator>))]
public enum TargetIndicator
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
[JsonConverter(typeof(Http.CamelCaseEnumConverter<TargetDirection>))]
public enum TargetDirection { Higher, Lower }

/// <summary>
/// An indicator's rules: its direction, its unit, the range a plan may take, and whether it
/// accumulates during a period (then an open period is judged against the pro-rata plan).
/// </summary>
public sealed record TargetIndicatorInfo(TargetIndicator Indicator, TargetDirection Direction, string Unit, double Min, double Max, bool WholeNumber, bool Cumulative)
{
    public string Name => TargetIndicators.NameOf(Indicator);
}

public static class TargetIndicators
{
    public static readonly IReadOnlyList<TargetIndicatorInfo> All =
    [
        new(TargetIndicator.ActiveOffices, TargetDirection.Higher, "offices", 0, 100_000, WholeNumber: true, Cumulative: false),
        new(TargetIndicator.AfterHoursOffices, TargetDirection.Higher, "offices", 0, 100_000, WholeNumber: true, Cumulative: false),
        new(TargetIndicator.ServicesOutsourced, TargetDirection.Higher, "requests", 0, 1_000_000_000, WholeNumber: true, Cumulative: true),
        new(TargetIndicator.SlaCompliance, TargetDirection.Higher, "share", 0, 1, WholeNumber: false, Cumulative: false),
        new(TargetIndicator.MeanSatisfaction, TargetDirection.Higher, "score1to5", 1, 5, WholeNumber: false, Cumulative: false),
        new(TargetIndicator.MedianComplaintDecisionDays, TargetDirection.Lower, "workingDays", 0, 365, WholeNumber: false, Cumulative: false),
        new(TargetIndicator.RoutineInspectionCoverage, TargetDirection.Higher, "share", 0, 1, WholeNumber: false, Cumulative: true),
        new(TargetIndicator.ReInspectionAgreement, TargetDirection.Higher, "share", 0, 1, WholeNumber: false, Cumulative: false),
    ];

    private static readonly Dictionary<TargetIndicator, TargetIndicatorInfo> ByIndicator = All.ToDictionary(i => i.Indicator);
    private static readonly Dictionary<string, TargetIndicator> ByName =
        All.ToDictionary(i => NameOf(i.Indicator), i => i.Indicator, StringComparer.OrdinalIgnoreCase);

    public static TargetIndicatorInfo Info(TargetIndicator indicator) => ByIndicator[indicator];

    public static string NameOf(TargetIndicator indicator) => JsonNamingPolicy.CamelCase.ConvertName(indicator.ToString());

    /// <summary>Names only ("slaCompliance", any case); numbers are not indicators.</summary>
    public static bool TryParse(string? name, out TargetIndicator indicator)
    {
        indicator = default;
        return name is not null && ByName.TryGetValue(name, out indicator);
    }

    public static string NameList => string.Join(", ", All.Select(i => i.Name));
}
