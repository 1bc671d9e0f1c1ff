using Microsoft.Extensions.Configuration;

namespace Pishkhan.Complaints;

/// <summary>
/// The complaint rules that the working group may tune (settings "Pishkhan:Complaints:*", README
/// "Complaints"). Deadlines are in working days of the working calendar (Fridays, official holidays and
/// the holidays in the "Pishkhan:Holidays" setting are not working days).
/// </summary>
public sealed record ComplaintPolicy
{
    /// <summary>Stage 1 (county team) must decide within this many working days of filing.</summary>
    public int Stage1WorkingDays { get; init; } = 10;
    /// <summary>The complainant may escalate until this many working days after the stage-1 decision.</summary>
    public int EscalationWindowWorkingDays { get; init; } = 10;
    /// <summary>Stage 2 (province) must decide within this many working days of the escalation.</summary>
    public int Stage2WorkingDays { get; init; } = 20;
    /// <summary>One extension moves a deadline by at most this many working days.</summary>
    public int MaxExtensionWorkingDays { get; init; } = 10;
    public int MaxExtensionsPerStage { get; init; } = 2;
    /// <summary>This many upheld complaints against one office within <see cref="UpheldWindowDays"/> raise a targeted inspection.</summary>
    public int UpheldThreshold { get; init; } = 3;
    public int UpheldWindowDays { get; init; } = 90;
    /// <summary>One upheld complaint in any of these categories raises a targeted inspection.</summary>
    public IReadOnlyList<string> CriticalCategories { get; init; } = [ComplaintCategories.Overcharging, ComplaintCategories.PrivacyBreach];
    /// <summary>Filings per client (IP address) per <see cref="FilingWindow"/>, per instance.</summary>
    public int FilingsPerClient { get; init; } = 10;
    public TimeSpan FilingWindow { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Public follow-up calls (status, escalation, withdrawal) per client per <see cref="FollowUpWindow"/>.</summary>
    public int FollowUpsPerClient { get; init; } = 60;
    public TimeSpan FollowUpWindow { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>The same contact, office and text within this window is the same complaint.</summary>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromHours(24);
    /// <summary>4,000 characters of Persian escaped as \uXXXX take 24 KB; the rest of the body fits in 8 KB.</summary>
    public long MaxBodyBytes { get; init; } = 32 * 1024;

    public bool IsCritical(string category) => CriticalCategories.Contains(category, StringComparer.Ordinal);

    public static readonly string[] SettingKeys =
    [
        "Pishkhan__Complaints__Stage1WorkingDays",
        "Pishkhan__Complaints__EscalationWindowWorkingDays",
        "Pishkhan__Complaints__Stage2WorkingDays",
        "Pishkhan__Complaints__MaxExtensionWorkingDays",
        "Pishkhan__Complaints__MaxExtensionsPerStage",
        "Pishkhan__Complaints__UpheldThreshold",
        "Pishkhan__Complaints__UpheldWindowDays",
        "Pishkhan__Complaints__CriticalCategories",
        "Pishkhan__Complaints__FilingsPerClient",
        "Pishkhan__Complaints__FilingWindow",
        "Pishkhan__Complaints__FollowUpsPerClient",
        "Pishkhan__Complaints__FollowUpWindow",
        "Pishkhan__Complaints__DuplicateWindow",
        "Pishkhan__Complaints__MaxBodyBytes",
    ];

    public static ComplaintPolicy From(IConfigurationSection section)
    {
        var d = new ComplaintPolicy();
        var policy = new ComplaintPolicy
        {
            Stage1WorkingDays = section.GetValue(nameof(Stage1WorkingDays), d.Stage1WorkingDays),
            EscalationWindowWorkingDays = section.GetValue(nameof(EscalationWindowWorkingDays), d.EscalationWindowWorkingDays),
            Stage2WorkingDays = section.GetValue(nameof(Stage2WorkingDays), d.Stage2WorkingDays),
            MaxExtensionWorkingDays = section.GetValue(nameof(MaxExtensionWorkingDays), d.MaxExtensionWorkingDays),
            MaxExtensionsPerStage = section.GetValue(nameof(MaxExtensionsPerStage), d.MaxExtensionsPerStage),
            UpheldThreshold = section.GetValue(nameof(UpheldThreshold), d.UpheldThreshold),
            UpheldWindowDays = section.GetValue(nameof(UpheldWindowDays), d.UpheldWindowDays),
            CriticalCategories = section[nameof(CriticalCategories)] is { } list
                ? list.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries)
                : d.CriticalCategories,
            FilingsPerClient = section.GetValue(nameof(FilingsPerClient), d.FilingsPerClient),
            FilingWindow = section.GetValue(nameof(FilingWindow), d.FilingWindow),
            FollowUpsPerClient = section.GetValue(nameof(FollowUpsPerClient), d.FollowUpsPerClient),
            FollowUpWindow = section.GetValue(nameof(FollowUpWindow), d.FollowUpWindow),
            DuplicateWindow = section.GetValue(nameof(DuplicateWindow), d.DuplicateWindow),
            MaxBodyBytes = section.GetValue(nameof(MaxBodyBytes), d.MaxBodyBytes),
        };
        policy.Validate();
        return policy;
    }

    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value < 1) throw new InvalidOperationException($"Pishkhan:Complaints:{name} must be at least 1.");
        }
        Positive(Stage1WorkingDays, nameof(Stage1WorkingDays));
        Positive(EscalationWindowWorkingDays, nameof(EscalationWindowWorkingDays));
        Positive(Stage2WorkingDays, nameof(Stage2WorkingDays));
        Positive(MaxExtensionWorkingDays, nameof(MaxExtensionWorkingDays));
        Positive(UpheldThreshold, nameof(UpheldThreshold));
        Positive(UpheldWindowDays, nameof(UpheldWindowDays));
        Positive(FilingsPerClient, nameof(FilingsPerClient));
        Positive(FollowUpsPerClient, nameof(FollowUpsPerClient));
        if (MaxExtensionsPerStage < 0) throw new InvalidOperationException("Pishkhan:Complaints:MaxExtensionsPerStage must be 0 or more.");
        if (FilingWindow <= TimeSpan.Zero || FollowUpWindow <= TimeSpan.Zero || DuplicateWindow <= TimeSpan.Zero)
            throw new InvalidOperationException("Pishkhan:Complaints: windows must be positive time spans (hh:mm:ss).");
        if (MaxBodyBytes < 4096) throw new InvalidOperationException("Pishkhan:Complaints:MaxBodyBytes must be at least 4096.");
        foreach (var c in CriticalCategories)
            if (!ComplaintCategories.TryGet(c, out _))
                throw new InvalidOperationException($"Pishkhan:Complaints:CriticalCategories: unknown category '{c}' (one of {ComplaintCategories.Codes}).");
    }
}
