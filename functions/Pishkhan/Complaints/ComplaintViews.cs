using Pishkhan.Calendar;

namespace Pishkhan.Complaints;

// The shapes complaints are shown in. Who sees what:
// - PublicComplaintView (anyone with the tracking code): status, deadlines and a timeline of event types
//   and dates. No office-internal text, no handler, no personal data, not even the complaint's own text.
// - OfficeComplaintView (the office complained about): category, status and dates only — no tracking code,
//   no text, no reasons, so nothing that identifies or quotes the complainant.
// - ComplaintSummary / ComplaintStaffView (admin, inspector): the case without the complainant's identity
//   and without text the complainant wrote.
// - ComplaintCaseView (admin, inspector): everything, including the complainant; every read is logged.

/// <summary>A Tehran calendar date with its Solar Hijri form for display.</summary>
public sealed record DueDate(DateOnly Date, string Jalali, string WeekdayFa)
{
    public static DueDate? From(string? date) => date is null ? null : Of(ComplaintRules.ParseDate(date));

    public static DueDate Of(DateOnly d) => new(d, JalaliDate.FormatAscii(d), JalaliDate.WeekdayFa(d));
}

public sealed record ComplaintDeadlines(DueDate Stage1, DueDate? EscalationOpenUntil, DueDate? Stage2)
{
    public static ComplaintDeadlines Of(ComplaintEntity e) =>
        new(DueDate.From(e.Stage1DueDate)!, DueDate.From(e.EscalationDeadline), DueDate.From(e.Stage2DueDate));
}

public sealed record FiledComplaint(string TrackingCode, string? Secret, bool Duplicate, string Status, DueDate Stage1Due);

public sealed record PublicTimelineEntry(string Event, DateTimeOffset At, int Stage, DueDate? DueDate, string? Outcome);

public sealed record PublicComplaintView(string TrackingCode, string Category, string CategoryFa, string CategoryEn, string Status, string StatusFa,
    int Stage, bool Overdue, string? Outcome, string? OutcomeFa, DateTimeOffset FiledAt, ComplaintDeadlines Deadlines, bool CanEscalate,
    bool CanWithdraw, IReadOnlyList<PublicTimelineEntry> Timeline)
{
    public static PublicComplaintView From(ComplaintEntity e, DateOnly today)
    {
        var category = ComplaintCategories.Get(e.Category);
        return new(e.TrackingCode, e.Category, category.Fa, category.En, e.Status, ComplaintStatus.Fa(e.Status), e.Stage,
            ComplaintRules.IsOverdue(e, today), e.Outcome, e.Outcome is { } o ? ComplaintOutcome.Fa(o) : null, e.FiledAt,
            ComplaintDeadlines.Of(e), ComplaintRules.CanEscalate(e, today), e.IsOpen,
            e.Timeline.Select(t => new PublicTimelineEntry(t.Type, t.At, t.Stage, DueDate.From(t.DueDate), t.Outcome)).ToList());
    }
}

public sealed record OfficeComplaintView(string Category, string CategoryFa, string Status, int Stage, DateOnly FiledOn, DueDate? Due,
    bool Overdue, string? Outcome, DateOnly? DecidedOn)
{
    public static OfficeComplaintView From(ComplaintEntity e, DateOnly today) =>
        new(e.Category, ComplaintCategories.Get(e.Category).Fa, e.Status, e.Stage, ComplaintRules.ParseDate(e.FiledDate), DueDate.From(e.DueDate),
            ComplaintRules.IsOverdue(e, today), e.Outcome,
            (e.Stage2DecidedAt ?? e.Stage1DecidedAt) is { } at ? Tehran.DateOf(at) : null);
}

public sealed record ComplaintSummary(string TrackingCode, string OfficeCode, string CountyCode, string Category, string Status, int Stage,
    bool Overdue, DueDate? Due, string? Outcome, bool Anonymous, DateTimeOffset FiledAt)
{
    public static ComplaintSummary From(ComplaintEntity e, DateOnly today) =>
        new(e.TrackingCode, e.OfficeCode, e.CountyCode, e.Category, e.Status, e.Stage, ComplaintRules.IsOverdue(e, today), DueDate.From(e.DueDate),
            e.Outcome, e.Anonymous, e.FiledAt);
}

public sealed record StageDecisionView(string Outcome, string Reasons, string? Remedy, string? Note, DateTimeOffset DecidedAt, string DecidedBy);

public sealed record StaffTimelineEntry(string Event, DateTimeOffset At, int Stage, DueDate? DueDate, string? Outcome, string? By, string? Reason);

public sealed record ComplaintStaffView(string TrackingCode, string OfficeCode, string Province, string CountyCode, string Category, string CategoryFa,
    string? IncidentDate, string? RequestId, bool Anonymous, string Status, int Stage, bool Overdue, string? Outcome, bool Upheld,
    DateTimeOffset FiledAt, ComplaintDeadlines Deadlines, int Stage1Extensions, int Stage2Extensions, StageDecisionView? Stage1Decision,
    DateTimeOffset? EscalatedAt, StageDecisionView? Stage2Decision, DateTimeOffset? WithdrawnAt, IReadOnlyList<StaffTimelineEntry> Timeline, int Version)
{
    public static ComplaintStaffView From(ComplaintEntity e, DateOnly today) =>
        new(e.TrackingCode, e.OfficeCode, e.Province, e.CountyCode, e.Category, ComplaintCategories.Get(e.Category).Fa, e.IncidentDate, e.RequestId,
            e.Anonymous, e.Status, e.Stage, ComplaintRules.IsOverdue(e, today), e.Outcome, e.Upheld, e.FiledAt, ComplaintDeadlines.Of(e),
            e.Stage1Extensions, e.Stage2Extensions,
            e.Stage1DecidedAt is { } d1 ? new StageDecisionView(e.Stage1Outcome!, e.Stage1Reasons ?? "", e.Stage1Remedy, e.Stage1Note, d1, e.Stage1DecidedBy!) : null,
            e.EscalatedAt,
            e.Stage2DecidedAt is { } d2 ? new StageDecisionView(e.Stage2Outcome!, e.Stage2Reasons ?? "", e.Stage2Remedy, e.Stage2Note, d2, e.Stage2DecidedBy!) : null,
            e.WithdrawnAt,
            e.Timeline.Select(t => new StaffTimelineEntry(t.Type, t.At, t.Stage, DueDate.From(t.DueDate), t.Outcome, t.By, t.Reason)).ToList(),
            e.Version);
}

public sealed record ComplainantView(string? Name, string? Mobile, string? Email, string? NationalId);

public sealed record ComplaintCaseView(ComplaintStaffView Complaint, string Description, string? EscalationReason, string? WithdrawalReason,
    ComplainantView? Complainant);

public sealed record AccessLogEntry(string KeyId, string Role, string Purpose, DateTimeOffset At);
