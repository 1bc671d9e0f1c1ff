using System.Globalization;
using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Http;

namespace Pishkhan.Complaints;

public static class ComplaintStatus
{
    /// <summary>Stage 1: with the county team (acknowledged at filing).</summary>
    public const string UnderReview = "underReview";
    /// <summary>Stage 1 decided; the complainant may escalate until the escalation deadline.</summary>
    public const string Decided = "decided";
    /// <summary>Stage 2: with the province.</summary>
    public const string Escalated = "escalated";
    /// <summary>Stage 2 decided (or the escalation withdrawn): final.</summary>
    public const string Closed = "closed";
    /// <summary>Withdrawn during stage 1.</summary>
    public const string Withdrawn = "withdrawn";

    public static readonly string[] All = [UnderReview, Decided, Escalated, Closed, Withdrawn];

    public static string Fa(string status) => status switch
    {
        UnderReview => "در حال رسیدگی",
        Decided => "رسیدگی شد",
        Escalated => "در حال رسیدگی در مرحله دوم",
        Closed => "مختومه",
        Withdrawn => "مسترد شد",
        _ => status,
    };
}

public static class ComplaintOutcome
{
    public const string Upheld = "upheld";
    public const string PartlyUpheld = "partlyUpheld";
    public const string Dismissed = "dismissed";
    public const string Withdrawn = "withdrawn";

    public static readonly string[] All = [Upheld, PartlyUpheld, Dismissed, Withdrawn];

    /// <summary>Partly upheld counts as upheld everywhere (stats, ranking, escalation rule).</summary>
    public static bool IsUpheld(string? outcome) => outcome is Upheld or PartlyUpheld;

    public static string Fa(string outcome) => outcome switch
    {
        Upheld => "وارد دانسته شد",
        PartlyUpheld => "بخشی از شکایت وارد دانسته شد",
        Dismissed => "وارد دانسته نشد",
        Withdrawn => "مسترد شد",
        _ => outcome,
    };
}

public static class ComplaintEvents
{
    public const string Filed = "filed";
    public const string Acknowledged = "acknowledged";
    public const string Extended = "extended";
    public const string Decided = "decided";
    public const string Escalated = "escalated";
    public const string Withdrawn = "withdrawn";
    public const string Overdue = "overdue";
}

/// <summary>
/// One entry of a complaint's timeline. <see cref="Version"/> is the complaint version that added it
/// (side effects are run for entries newer than the last version whose effects completed).
/// <see cref="By"/> and <see cref="Reason"/> are internal: the public timeline leaves them out.
/// </summary>
public sealed record ComplaintEvent(string Type, DateTimeOffset At, int Stage, int Version, string? DueDate = null, string? Outcome = null,
    string? By = null, string? Reason = null);

/// <summary>
/// Complaints table: PK = officeCode, RK = "{inverted filing ticks}-{trackingCode}" (newest first within an
/// office). One row per complaint with its whole state; no personal data (contacts are in
/// ComplaintContacts). Office-level queries (open count, upheld in the last 90 days, the office's list) are
/// one partition; province and county lists filter the province's offices' partitions; the hourly sweep reads
/// its own index (<see cref="ComplaintSweepEntity"/>), never a filter of this table. Dates are Tehran calendar dates "yyyy-MM-dd"
/// (Gregorian, so they compare as strings in filters).
/// </summary>
public sealed class ComplaintEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string OfficeCode => PartitionKey;
    public string TrackingCode { get; set; } = "";
    public string Province { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public string Category { get; set; } = "";
    public string Description { get; set; } = "";
    public string? IncidentDate { get; set; }
    public string? RequestId { get; set; }
    public bool Anonymous { get; set; }
    /// <summary>An email or mobile was given, so notifications go out.</summary>
    public bool Contactable { get; set; }
    public string SecretHash { get; set; } = "";

    public string Status { get; set; } = ComplaintStatus.UnderReview;
    public int Stage { get; set; } = 1;
    public bool IsOpen { get; set; } = true;
    /// <summary>Set by the deadline timer when an open stage passed its due date; cleared by an extension.</summary>
    public bool Overdue { get; set; }
    public DateTimeOffset FiledAt { get; set; }
    public string FiledDate { get; set; } = "";
    /// <summary>The due date of the open stage; null when nothing is open.</summary>
    public string? DueDate { get; set; }

    public string Stage1DueDate { get; set; } = "";
    public int Stage1Extensions { get; set; }
    public string? Stage1Outcome { get; set; }
    public string? Stage1Reasons { get; set; }
    public string? Stage1Remedy { get; set; }
    public string? Stage1Note { get; set; }
    public string? Stage1DecidedBy { get; set; }
    /// <summary>The stage-1 decider's person (Handler.Person); null on complaints decided before it was recorded.</summary>
    public string? Stage1DecidedPerson { get; set; }
    public DateTimeOffset? Stage1DecidedAt { get; set; }
    /// <summary>The Jalali period of the stage-1 decision: where decided/upheld counts go, also when stage 2 changes the outcome.</summary>
    public string? DecisionPeriod { get; set; }

    public string? EscalationDeadline { get; set; }
    public DateTimeOffset? EscalatedAt { get; set; }
    public string? EscalationReason { get; set; }
    public string? EscalatedBy { get; set; }
    public string? Stage2DueDate { get; set; }
    public int Stage2Extensions { get; set; }
    public string? Stage2Outcome { get; set; }
    public string? Stage2Reasons { get; set; }
    public string? Stage2Remedy { get; set; }
    public string? Stage2Note { get; set; }
    public string? Stage2DecidedBy { get; set; }
    public DateTimeOffset? Stage2DecidedAt { get; set; }

    public DateTimeOffset? WithdrawnAt { get; set; }
    public string? WithdrawalReason { get; set; }

    /// <summary>The outcome in force counts as upheld (stage 2 overrides stage 1 unless it was withdrawn).</summary>
    public bool Upheld { get; set; }
    public DateTimeOffset? UpheldAt { get; set; }

    public string TimelineJson { get; set; } = "[]";
    public int Version { get; set; }
    public int EffectsDoneVersion { get; set; }

    /// <summary>
    /// A fresh id for each transition written (<see cref="ComplaintStore.ChangeAsync"/>): after a 412 it tells this
    /// write, stored but its answer lost, from a rival that built the same row (same version, timeline and instant).
    /// </summary>
    public string? WriteId { get; set; }
    public bool EffectsPending { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember]
    public List<ComplaintEvent> Timeline => JsonSerializer.Deserialize<List<ComplaintEvent>>(TimelineJson, Json.Options) ?? [];

    /// <summary>The outcome in force: stage 2's unless there was none or the escalation was withdrawn.</summary>
    [IgnoreDataMember]
    public string? Outcome => Stage2Outcome is { } s2 && s2 != ComplaintOutcome.Withdrawn ? s2 : Stage1Outcome;

    public void AddEvent(ComplaintEvent e)
    {
        var timeline = Timeline;
        timeline.Add(e);
        TimelineJson = JsonSerializer.Serialize(timeline, Json.Options);
    }

    public static string RowKeyFor(DateTimeOffset filedAt, string trackingCode) =>
        (DateTimeOffset.MaxValue.UtcTicks - filedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + trackingCode;
}

/// <summary>
/// ComplaintSweep table: what the hourly sweep reads, so it never filters the Complaints table. One partition
/// (<see cref="Partition"/>), two kinds of row, each pointing at its complaint (OfficeCode, ComplaintKey):
/// "due|{DueDate}|{trackingCode}" for an open stage not yet flagged overdue, and
/// "pending|{UpdatedAt ticks:D19}|{trackingCode}" for a change whose effects may not have run. A row is written
/// (upserted, one batch) before the complaint change it describes, so a complaint never needs the sweep without
/// a row saying so; a row can outlive its reason (a decision, an extension, a finished effect), and the sweep
/// then reads the complaint, finds nothing to do and deletes the row under its ETag. Rows sort by date/time, so
/// the sweep reads only what is due: PartitionKey eq 'sweep' and RowKey in ["due|", "due|{today}").
/// </summary>
public sealed class ComplaintSweepEntity : ITableEntity
{
    public const string Partition = "sweep";
    public const string DuePrefix = "due|";
    public const string PendingPrefix = "pending|";

    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string OfficeCode { get; set; } = "";
    public string ComplaintKey { get; set; } = "";

    public static string DueKey(string dueDate, string trackingCode) => DuePrefix + dueDate + "|" + trackingCode;

    public static string PendingKey(DateTimeOffset updatedAt, string trackingCode) => PendingPrefix + Ticks(updatedAt) + "|" + trackingCode;

    public static string Ticks(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The rows a complaint in this state needs: pending effects, and an open stage that may fall due.</summary>
    public static List<ComplaintSweepEntity> For(ComplaintEntity e)
    {
        var rows = new List<ComplaintSweepEntity>(2);
        if (e.EffectsPending) rows.Add(new() { RowKey = PendingKey(e.UpdatedAt, e.TrackingCode), OfficeCode = e.OfficeCode, ComplaintKey = e.RowKey });
        if (e.IsOpen && !e.Overdue && e.DueDate is { } due) rows.Add(new() { RowKey = DueKey(due, e.TrackingCode), OfficeCode = e.OfficeCode, ComplaintKey = e.RowKey });
        return rows;
    }
}

/// <summary>ComplaintCodes table: PK = trackingCode, RK = "". Where a complaint lives (one point read per public call).</summary>
public sealed class ComplaintCodeEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string TrackingCode => PartitionKey;
    public string OfficeCode { get; set; } = "";
    public string ComplaintKey { get; set; } = "";
    public string Province { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// ComplaintContacts table: PK = trackingCode, RK = "contact". The only place personal data lives; every
/// read goes through <see cref="ComplaintStore.ReadContactAsync"/>, which writes the access log first.
/// </summary>
public sealed class ComplaintContactEntity : ITableEntity
{
    public const string Key = "contact";
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Key;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string? Name { get; set; }
    public string? Mobile { get; set; }
    public string? Email { get; set; }
    public string? NationalId { get; set; }
}

/// <summary>
/// ComplaintDedupe table: PK = SHA-256 of (contact, office, normalised text), RK = "". The first filing
/// inserts it; a repeat within the duplicate window finds it and gets the first tracking code.
/// </summary>
public sealed class ComplaintDedupeEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string TrackingCode { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>ComplaintAccessLog table: PK = trackingCode, RK = "{inverted ticks}-{random}" (newest first). Who read personal data.</summary>
public sealed class ComplaintAccessEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>The API key id, or "system" for the app itself (sending a notification).</summary>
    public string KeyId { get; set; } = "";
    public string Role { get; set; } = "";
    public string Purpose { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

public static class AccessPurpose
{
    public const string CaseView = "caseView";
    public const string Notification = "notification";
}
