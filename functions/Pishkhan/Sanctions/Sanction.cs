using Pishkhan.Http;
using System.Runtime.Serialization;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Inspections;

namespace Pishkhan.Sanctions;

/// <summary>
/// proposed → (admin) confirmed → (objection window passes) effective → (term ends) ended;
/// proposed → (admin) overturned; confirmed → (office objects within the window) objected → (admin) effective | overturned.
/// </summary>
public static class SanctionStatus
{
    public const string Proposed = "proposed";
    public const string Confirmed = "confirmed";
    public const string Objected = "objected";
    public const string Effective = "effective";
    public const string Ended = "ended";
    public const string Overturned = "overturned";
}

[JsonConverter(typeof(CamelCaseEnumConverter<SanctionDecisionKind>))]
public enum SanctionDecisionKind { Confirm, Overturn }

/// <summary>POST /api/sanctions/{id}/decision (admin).</summary>
public sealed record SanctionDecision(SanctionDecisionKind Decision, string Reason);

/// <summary>POST /api/sanctions/{id}/objection (the office, within the objection window).</summary>
public sealed record SanctionObjection(string Reason);

public sealed record SanctionView(
    string Id, string OfficeCode, string Province, string CountyCode, string? InspectionId, SanctionStep Step, string StepFa,
    ViolationSeverity Severity, int PriorPoints, string Status, string Reason, long? FineRials, int? SuspensionDays,
    DateTimeOffset ProposedAt, DateTimeOffset? DecidedAt, string? DecisionReason, DateTimeOffset? EffectiveAt, string? ObjectionDeadlineJalali,
    DateTimeOffset? EndsAt, DateTimeOffset? ObjectedAt, string? ObjectionReason, DateTimeOffset? FinalDecisionAt, string? FinalDecisionReason)
{
    /// <summary>The status as of <paramref name="now"/>: a confirmed sanction past its window reads as effective even before the sweep runs.</summary>
    public static SanctionView From(SanctionEntity e, DateTimeOffset now) => new(
        e.Id, e.OfficeCode, e.Province, e.CountyCode, e.InspectionId, e.StepValue, SanctionLadder.PersianName(e.StepValue),
        Enum.Parse<ViolationSeverity>(e.Severity, ignoreCase: true), e.PriorPoints, e.StatusAt(now), e.Reason, e.FineRials, e.SuspensionDays,
        e.ProposedAt, e.DecidedAt, e.DecisionReason, e.EffectiveAt,
        e.EffectiveAt is { } at && e.Status is SanctionStatus.Confirmed or SanctionStatus.Objected ? JalaliDate.FormatAscii(Tehran.DateOf(at).AddDays(-1)) : null,
        e.EndsAt, e.ObjectedAt, e.ObjectionReason, e.FinalDecisionAt, e.FinalDecisionReason);
}

/// <summary>
/// Sanctions table: PK = officeCode, RK = the cause's key — for an inspection, the inspection's stamp, so the
/// sanction id equals the inspection id and a redelivered inspection finds its proposal (insert → 409).
/// Other causes (e.g. upheld complaints) must use another RK namespace (e.g. "c-{complaintId}").
/// Columns: Province, CountyCode, InspectionId, Step, Severity, PriorPoints, Reason, FineRials, SuspensionDays,
/// RecordMonths, Status, ProposedAt, DecidedAt, DecidedBy, DecisionReason, EffectiveAt (end of the objection
/// window), EndsAt, ObjectedAt, ObjectionReason, FinalDecisionAt, FinalDecisionReason, EndedAt.
/// An office's sanctions are one partition: GET /api/sanctions?officeCode= and the ActiveSanctions recount.
/// </summary>
public sealed class SanctionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string OfficeCode => PartitionKey;
    [IgnoreDataMember] public string Id => PartitionKey + "." + RowKey;
    public string Province { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public string? InspectionId { get; set; }
    public string Step { get; set; } = "";
    public string Severity { get; set; } = "";
    public int PriorPoints { get; set; }
    public string Reason { get; set; } = "";
    public long? FineRials { get; set; }
    public int? SuspensionDays { get; set; }
    public int RecordMonths { get; set; }
    public string Status { get; set; } = SanctionStatus.Proposed;
    public DateTimeOffset ProposedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionReason { get; set; }
    public DateTimeOffset? EffectiveAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
    public DateTimeOffset? ObjectedAt { get; set; }
    public string? ObjectionReason { get; set; }
    public DateTimeOffset? FinalDecisionAt { get; set; }
    public string? FinalDecisionReason { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>
    /// A fresh id for each caller's transition written (a decision, an objection): after a 412 it tells this write,
    /// stored but its answer lost, from a rival that built the same row at the same instant.
    /// </summary>
    public string? WriteId { get; set; }

    [IgnoreDataMember] public SanctionStep StepValue => Enum.Parse<SanctionStep>(Step, ignoreCase: true);

    public string StatusAt(DateTimeOffset now) => Status switch
    {
        SanctionStatus.Confirmed when EffectiveAt <= now => EndsAt <= now ? SanctionStatus.Ended : SanctionStatus.Effective,
        SanctionStatus.Effective when EndsAt <= now => SanctionStatus.Ended,
        _ => Status,
    };

    /// <summary>In force at <paramref name="now"/>: counted in the office's ActiveSanctions.</summary>
    public bool IsActiveAt(DateTimeOffset now) => StatusAt(now) == SanctionStatus.Effective;

    public static bool TryParseId(string? id, out string officeCode, out string rowKey)
    {
        officeCode = rowKey = "";
        if (id is null || id.Length > 100) return false;
        var dot = id.LastIndexOf('.');
        if (dot <= 0 || dot == id.Length - 1) return false;
        var office = id[..dot];
        var rk = id[(dot + 1)..];
        if (!Text.Codes.TryNormalize(office, out var code) || code != office) return false;
        if (!rk.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
        (officeCode, rowKey) = (office, rk);
        return true;
    }
}

/// <summary>
/// SanctionTimers table: PK = "due", RK = "{dueAt UTC ticks, 19 digits}.{kind}.{sanctionId}"; columns SanctionId, Kind
/// ("effect": the objection window ends; "end": the term ends). The sweep reads the rows due (RK &lt; now) —
/// a small partition, since rows are deleted once applied. A row is written before the transition it
/// schedules, so a crash in between leaves a row the sweep finds has nothing to do.
/// </summary>
public sealed class SanctionTimerEntity : ITableEntity
{
    public const string Partition = "due";
    public const string EffectKind = "effect";
    public const string EndKind = "end";

    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string SanctionId { get; set; } = "";
    public string Kind { get; set; } = "";

    public static SanctionTimerEntity For(DateTimeOffset dueAt, string kind, string sanctionId) => new()
    {
        RowKey = $"{dueAt.UtcTicks:D19}.{kind}.{sanctionId}", SanctionId = sanctionId, Kind = kind,
    };
}
