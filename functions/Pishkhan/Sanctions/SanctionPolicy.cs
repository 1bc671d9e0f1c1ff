using Pishkhan.Http;
using System.Text.Json.Serialization;
using Pishkhan.Inspections;
using Pishkhan.Problems;

namespace Pishkhan.Sanctions;

/// <summary>The graduated steps, mildest first (تذکر، اخطار کتبی، جریمه، تعلیق موقت، ارجاع برای لغو پروانه).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<SanctionStep>))]
public enum SanctionStep
{
    Notice,
    WrittenWarning,
    Fine,
    TemporarySuspension,
    LicenceRevocationReferral,
}

[JsonConverter(typeof(CamelCaseEnumConverter<ViolationSeverity>))]
public enum ViolationSeverity { None, Minor, Major }

/// <summary>
/// The sanction ladder, per province, published with the ranking policy. Every member has a default.
/// A violating inspection starts at <see cref="MinorBaseStep"/> or <see cref="MajorBaseStep"/> and climbs
/// one step for each of <see cref="EscalationThresholds"/> that the office's earlier violation points in
/// the last <see cref="LookbackMonths"/> months reach (an earlier inspection with a major violation scores
/// <see cref="MajorViolationPoints"/>, one with only minor violations <see cref="MinorViolationPoints"/>).
/// Minor violations alone never go past <see cref="MinorCeilingStep"/>.
/// </summary>
public sealed record SanctionPolicy(
    int LookbackMonths = 12,
    int MinorViolationPoints = 1,
    int MajorViolationPoints = 2,
    IReadOnlyList<int>? EscalationThresholds = null,
    SanctionStep MinorBaseStep = SanctionStep.Notice,
    SanctionStep MajorBaseStep = SanctionStep.WrittenWarning,
    SanctionStep MinorCeilingStep = SanctionStep.Fine,
    // Working days the office may object after an admin confirms, before the sanction takes effect.
    int ObjectionWindowWorkingDays = 10,
    int SuspensionDays = 30,
    long FineRials = 50_000_000,
    // How long a notice, warning or fine stays on the office's record (counted in ActiveSanctions).
    int RecordMonths = 12)
{
    public static readonly IReadOnlyList<int> DefaultThresholds = [1, 3, 5, 7];

    public static SanctionPolicy Default { get; } = new();

    public IReadOnlyList<int> EscalationThresholds { get; init; } = EscalationThresholds ?? DefaultThresholds;

    public void Validate(FieldErrors errors)
    {
        if (LookbackMonths is < 1 or > 60) errors.Add("lookbackMonths", "From 1 to 60.");
        if (MinorViolationPoints is < 0 or > 100) errors.Add("minorViolationPoints", "From 0 to 100.");
        if (MajorViolationPoints is < 0 or > 100) errors.Add("majorViolationPoints", "From 0 to 100.");
        if (EscalationThresholds.Count > 4) errors.Add("escalationThresholds", "At most four thresholds (one per step above the first).");
        for (var i = 0; i < EscalationThresholds.Count; i++)
        {
            if (EscalationThresholds[i] is < 1 or > 1000) errors.Add($"escalationThresholds[{i}]", "From 1 to 1000.");
            else if (i > 0 && EscalationThresholds[i] <= EscalationThresholds[i - 1]) errors.Add($"escalationThresholds[{i}]", "Thresholds must increase.");
        }
        foreach (var (field, step) in new[] { ("minorBaseStep", MinorBaseStep), ("majorBaseStep", MajorBaseStep), ("minorCeilingStep", MinorCeilingStep) })
            if (!Enum.IsDefined(step)) errors.Add(field, "Unknown step.");
        if (MajorBaseStep < MinorBaseStep) errors.Add("majorBaseStep", "May not be milder than minorBaseStep.");
        if (MinorCeilingStep < MinorBaseStep) errors.Add("minorCeilingStep", "May not be milder than minorBaseStep.");
        if (ObjectionWindowWorkingDays is < 0 or > 60) errors.Add("objectionWindowWorkingDays", "From 0 to 60.");
        if (SuspensionDays is < 1 or > 365) errors.Add("suspensionDays", "From 1 to 365.");
        if (FineRials is < 0 or > 100_000_000_000) errors.Add("fineRials", "From 0 to 100,000,000,000.");
        if (RecordMonths is < 1 or > 60) errors.Add("recordMonths", "From 1 to 60.");
    }
}

/// <summary>What the ladder proposes for one violating inspection.</summary>
public sealed record SanctionProposal(SanctionStep Step, ViolationSeverity Severity, int PriorPoints, int StepsUp);

public static class SanctionLadder
{
    /// <summary>Severity of an inspection from its violation counts.</summary>
    public static ViolationSeverity SeverityOf(int violations, int majorViolations) =>
        majorViolations > 0 ? ViolationSeverity.Major : violations > 0 ? ViolationSeverity.Minor : ViolationSeverity.None;

    /// <summary>Points an earlier inspection adds to the office's record.</summary>
    public static int PointsOf(SanctionPolicy policy, ViolationSeverity severity) => severity switch
    {
        ViolationSeverity.Major => policy.MajorViolationPoints,
        ViolationSeverity.Minor => policy.MinorViolationPoints,
        _ => 0,
    };

    /// <summary>The step for an inspection of <paramref name="severity"/> given earlier points; null when nothing was violated.</summary>
    public static SanctionProposal? Propose(SanctionPolicy policy, ViolationSeverity severity, int priorPoints)
    {
        if (severity == ViolationSeverity.None) return null;
        var up = policy.EscalationThresholds.Count(t => priorPoints >= t);
        var start = severity == ViolationSeverity.Major ? policy.MajorBaseStep : policy.MinorBaseStep;
        var ceiling = severity == ViolationSeverity.Major ? SanctionStep.LicenceRevocationReferral : policy.MinorCeilingStep;
        var step = (SanctionStep)Math.Min((int)start + up, (int)ceiling);
        return new SanctionProposal(step, severity, priorPoints, up);
    }

    public static string PersianName(SanctionStep step) => step switch
    {
        SanctionStep.Notice => "تذکر",
        SanctionStep.WrittenWarning => "اخطار کتبی",
        SanctionStep.Fine => "جریمه",
        SanctionStep.TemporarySuspension => "تعلیق موقت",
        SanctionStep.LicenceRevocationReferral => "ارجاع برای لغو پروانه",
        _ => step.ToString(),
    };
}
