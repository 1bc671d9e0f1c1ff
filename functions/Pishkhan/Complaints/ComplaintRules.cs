using System.Globalization;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Problems;

namespace Pishkhan.Complaints;

/// <summary>A validated complaint, ready to be filed.</summary>
public sealed record NewComplaint(string OfficeCode, string Province, string CountyCode, string Category, string Description,
    DateOnly? IncidentDate, string? RequestId, ComplaintContact? Contact);

/// <summary>The complainant's contact, normalised (mobile 09…, email domain lower-case, national ID digits). Null when anonymous.</summary>
public sealed record ComplaintContact(string? Name, string? Mobile, string? Email, string? NationalId);

/// <summary>
/// Who handles a case. Id names the key (the key's subject when it has one, else the key id) and is what the
/// views show; Person is what "a different person" compares: the subject, else the key at the root of the
/// chain of issuers (<see cref="Caller.PersonId"/>), so a key the stage-1 decider issued, or one issued by such
/// a key, is the same person. A root key's Person equals its Id, as decisions stored before persons recorded.
/// </summary>
public sealed record Handler(string Id, Role Role, string Person)
{
    public static Handler From(Caller caller) => caller.Subject is { } s
        ? new($"{caller.Role}:{s}".ToLowerInvariant(), caller.Role, $"{caller.Role}:{s}".ToLowerInvariant())
        : new("key:" + caller.KeyId, caller.Role, "key:" + caller.PersonId);

    public static readonly string Complainant = "complainant";
}

/// <summary>
/// The complaint process as pure state changes on <see cref="ComplaintEntity"/>. Each transition checks its
/// rule (409 for the wrong state, 403 for the wrong person), changes the state, appends a timeline entry
/// and bumps the version; storage and side effects are the caller's.
/// </summary>
public static class ComplaintRules
{
    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly ParseDate(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static ComplaintEntity Open(NewComplaint c, string trackingCode, string secretHash, DateTimeOffset now, ComplaintPolicy policy, WorkingCalendar calendar)
    {
        var filed = Tehran.DateOf(now);
        var due = Format(calendar.AddWorkingDays(filed, policy.Stage1WorkingDays));
        var e = new ComplaintEntity
        {
            PartitionKey = c.OfficeCode, RowKey = ComplaintEntity.RowKeyFor(now, trackingCode), TrackingCode = trackingCode,
            Province = c.Province, CountyCode = c.CountyCode, Category = c.Category, Description = c.Description,
            IncidentDate = c.IncidentDate is { } d ? Format(d) : null, RequestId = c.RequestId,
            Anonymous = c.Contact is null, Contactable = c.Contact is { Email: not null } or { Mobile: not null }, SecretHash = secretHash,
            FiledAt = now, FiledDate = Format(filed), Stage1DueDate = due, DueDate = due, Version = 1, EffectsPending = true, UpdatedAt = now,
        };
        e.AddEvent(new ComplaintEvent(ComplaintEvents.Filed, now, 1, 1));
        // Acknowledged at once: the citizen gets the tracking code and the stage-1 deadline with the 201.
        e.AddEvent(new ComplaintEvent(ComplaintEvents.Acknowledged, now, 1, 1, DueDate: due));
        return e;
    }

    public static void Decide(ComplaintEntity e, string outcome, string reasons, string? remedy, string? note, Handler by, DateTimeOffset now,
        ComplaintPolicy policy, WorkingCalendar calendar)
    {
        if (!e.IsOpen) throw Problem.Conflict($"The complaint is {e.Status}; there is no open stage to decide.");
        var today = Tehran.DateOf(now);
        if (e.Stage == 1)
        {
            e.Stage1Outcome = outcome;
            e.Stage1Reasons = reasons;
            e.Stage1Remedy = remedy;
            e.Stage1Note = note;
            e.Stage1DecidedBy = by.Id;
            e.Stage1DecidedPerson = by.Person;
            e.Stage1DecidedAt = now;
            if (outcome == ComplaintOutcome.Withdrawn)
            {
                e.Status = ComplaintStatus.Withdrawn;
                e.WithdrawnAt = now;
            }
            else
            {
                e.Status = ComplaintStatus.Decided;
                e.DecisionPeriod = JalaliPeriod.Of(today).ToString();
                e.EscalationDeadline = Format(calendar.AddWorkingDays(today, policy.EscalationWindowWorkingDays));
                SetUpheld(e, ComplaintOutcome.IsUpheld(outcome), now);
            }
        }
        else
        {
            if (by.Role != Role.Admin) throw Problem.Forbidden("Stage 2 is decided at the province (an admin key).");
            if (by.Id == e.Stage1DecidedBy || by.Person == (e.Stage1DecidedPerson ?? e.Stage1DecidedBy)) throw Problem.Forbidden("Stage 2 must be decided by a different person than stage 1.");
            e.Stage2Outcome = outcome;
            e.Stage2Reasons = reasons;
            e.Stage2Remedy = remedy;
            e.Stage2Note = note;
            e.Stage2DecidedBy = by.Id;
            e.Stage2DecidedAt = now;
            e.Status = ComplaintStatus.Closed;
            // Withdrawing the escalation leaves the stage-1 decision in force.
            if (outcome != ComplaintOutcome.Withdrawn) SetUpheld(e, ComplaintOutcome.IsUpheld(outcome), now);
            else e.WithdrawnAt = now;
        }
        Close(e);
        Touch(e, now, new ComplaintEvent(ComplaintEvents.Decided, now, e.Stage, e.Version + 1, Outcome: outcome, By: by.Id));
    }

    public static bool CanEscalate(ComplaintEntity e, DateOnly today) =>
        e.Status == ComplaintStatus.Decided && e.EscalationDeadline is { } until && today <= ParseDate(until);

    public static void Escalate(ComplaintEntity e, string reason, string by, DateTimeOffset now, ComplaintPolicy policy, WorkingCalendar calendar)
    {
        var today = Tehran.DateOf(now);
        if (e.Status != ComplaintStatus.Decided)
            throw Problem.Conflict($"Only a complaint decided at stage 1 can be escalated; this one is {e.Status}.");
        if (!CanEscalate(e, today))
            throw Problem.Conflict($"The escalation window closed on {e.EscalationDeadline} ({policy.EscalationWindowWorkingDays} working days after the decision).");
        var due = Format(calendar.AddWorkingDays(today, policy.Stage2WorkingDays));
        e.Status = ComplaintStatus.Escalated;
        e.Stage = 2;
        e.IsOpen = true;
        e.Overdue = false;
        e.EscalatedAt = now;
        e.EscalationReason = reason;
        e.EscalatedBy = by;
        e.Stage2DueDate = due;
        e.DueDate = due;
        Touch(e, now, new ComplaintEvent(ComplaintEvents.Escalated, now, 2, e.Version + 1, DueDate: due, By: by));
    }

    public static void Extend(ComplaintEntity e, DateOnly newDue, string reason, Handler by, DateTimeOffset now, ComplaintPolicy policy, WorkingCalendar calendar)
    {
        if (!e.IsOpen) throw Problem.Conflict($"The complaint is {e.Status}; only an open stage can be extended.");
        if (e.Stage == 2 && by.Role != Role.Admin) throw Problem.Forbidden("Stage 2 deadlines are extended at the province (an admin key).");
        var extensions = e.Stage == 1 ? e.Stage1Extensions : e.Stage2Extensions;
        if (extensions >= policy.MaxExtensionsPerStage)
            throw Problem.Conflict($"A stage may be extended at most {policy.MaxExtensionsPerStage} times.");
        var current = ParseDate(e.DueDate!);
        var latest = calendar.AddWorkingDays(current, policy.MaxExtensionWorkingDays);
        var errors = new FieldErrors();
        if (newDue <= current) errors.Add("newDueDate", $"Must be after the current due date {e.DueDate}.");
        else if (newDue < Tehran.DateOf(now)) errors.Add("newDueDate", "Must not be in the past.");
        else if (newDue > latest) errors.Add("newDueDate", $"One extension may add at most {policy.MaxExtensionWorkingDays} working days (until {Format(latest)}).");
        else if (!calendar.IsWorkingDay(newDue)) errors.Add("newDueDate", "Must be a working day (not a Friday or holiday).");
        errors.ThrowIfAny();

        var due = Format(newDue);
        if (e.Stage == 1) { e.Stage1DueDate = due; e.Stage1Extensions++; }
        else { e.Stage2DueDate = due; e.Stage2Extensions++; }
        e.DueDate = due;
        e.Overdue = false;
        Touch(e, now, new ComplaintEvent(ComplaintEvents.Extended, now, e.Stage, e.Version + 1, DueDate: due, By: by.Id, Reason: reason));
    }

    /// <summary>The complainant (or an admin on their behalf) withdraws the open stage.</summary>
    public static void Withdraw(ComplaintEntity e, string? reason, string by, DateTimeOffset now)
    {
        if (!e.IsOpen) throw Problem.Conflict($"The complaint is {e.Status}; only an open complaint can be withdrawn.");
        e.WithdrawnAt = now;
        e.WithdrawalReason = reason;
        if (e.Stage == 1)
        {
            e.Stage1Outcome = ComplaintOutcome.Withdrawn;
            e.Status = ComplaintStatus.Withdrawn;
        }
        else
        {
            // Withdrawing the escalation leaves the stage-1 decision in force.
            e.Stage2Outcome = ComplaintOutcome.Withdrawn;
            e.Status = ComplaintStatus.Closed;
        }
        Close(e);
        Touch(e, now, new ComplaintEvent(ComplaintEvents.Withdrawn, now, e.Stage, e.Version + 1, By: by));
    }

    /// <summary>True (and the complaint flagged) when its open stage is past its due date in Tehran.</summary>
    public static bool MarkOverdue(ComplaintEntity e, DateTimeOffset now)
    {
        if (e.Overdue || !IsOverdue(e, Tehran.DateOf(now))) return false;
        e.Overdue = true;
        Touch(e, now, new ComplaintEvent(ComplaintEvents.Overdue, now, e.Stage, e.Version + 1, DueDate: e.DueDate));
        return true;
    }

    /// <summary>A deadline is the end of its day: overdue from the next day on.</summary>
    public static bool IsOverdue(ComplaintEntity e, DateOnly today) => e.IsOpen && e.DueDate is { } due && today > ParseDate(due);

    /// <summary>Working days from filing (exclusive) to the stage-1 decision (inclusive).</summary>
    public static int DecisionWorkingDays(ComplaintEntity e, WorkingCalendar calendar) =>
        e.Stage1DecidedAt is { } at ? calendar.WorkingDaysBetween(ParseDate(e.FiledDate), Tehran.DateOf(at)) : 0;

    private static void SetUpheld(ComplaintEntity e, bool upheld, DateTimeOffset now)
    {
        if (upheld && !e.Upheld) e.UpheldAt = now;
        if (!upheld) e.UpheldAt = null;
        e.Upheld = upheld;
    }

    private static void Close(ComplaintEntity e)
    {
        e.IsOpen = false;
        e.DueDate = null;
        e.Overdue = false;
    }

    private static void Touch(ComplaintEntity e, DateTimeOffset now, ComplaintEvent entry)
    {
        e.Version++;
        e.EffectsPending = true;
        e.UpdatedAt = now;
        e.AddEvent(entry);
    }
}
