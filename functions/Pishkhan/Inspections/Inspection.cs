using System.Globalization;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Sanctions;
using Pishkhan.Storage;
using Pishkhan.Text;

namespace Pishkhan.Inspections;

[JsonConverter(typeof(CamelCaseEnumConverter<InspectionType>))]
public enum InspectionType { Routine, Complaint, FollowUp, Unannounced }

[JsonConverter(typeof(CamelCaseEnumConverter<ItemResult>))]
public enum ItemResult { Pass, Fail, Na }


public static class EnumText
{
    /// <summary>The camelCase name an enum value has in JSON, also used in table columns.</summary>
    public static string Camel<T>(T value) where T : struct, Enum
    {
        var s = value.ToString();
        return char.ToLowerInvariant(s[0]) + s[1..];
    }
}

public static class InspectionStatus
{
    public const string Queued = "queued";
    public const string Processed = "processed";
}

// ---- Request and response bodies (turned into OpenAPI schemas by reflection) ----

public sealed record ItemCheck(string Code, ItemResult Result, string? Note = null);

/// <summary>Staff counted at the visit and how many held a valid training certificate.</summary>
public sealed record StaffCheck(int Present, int Trained);

/// <summary>
/// POST /api/inspections. Every item of the checklist version must be reported exactly once (pass, fail or na).
/// complaintIds/requestId only for type complaint; followUpOf only for followUp; officeOpen is required for
/// unannounced (after-hours) visits; reinspectionOf (admin only) names the drawn inspection this one re-inspects.
/// </summary>
public sealed record PostInspection(
    string OfficeCode,
    InspectionType Type,
    DateTimeOffset VisitedAt,
    IReadOnlyList<ItemCheck> Items,
    int? TemplateVersion = null,
    IReadOnlyList<string>? ComplaintIds = null,
    string? RequestId = null,
    string? FollowUpOf = null,
    string? ReinspectionOf = null,
    bool? OfficeOpen = null,
    StaffCheck? Staff = null,
    string? Summary = null);

public sealed record InspectionAccepted(string Id, string Status);

public sealed record Violation(string Code, string Text, ChecklistCategory Category, bool Critical, int Occurrence);

public sealed record CorrectiveAction(string Code, string Text, DateOnly DueDate, string DueDateJalali);

/// <summary>What processing found; set once, when the inspection is processed.</summary>
public sealed record InspectionOutcome(
    double Score,
    double RawScore,
    bool Capped,
    bool MajorViolation,
    IReadOnlyList<Violation> Violations,
    IReadOnlyList<CorrectiveAction> CorrectiveActions,
    int PriorViolationPoints,
    DateOnly? FollowUpDue = null,
    string? SanctionId = null,
    SanctionStep? SanctionStep = null);

public sealed record InspectionView(
    string Id, string OfficeCode, string Province, string CountyCode, InspectionType Type, DateTimeOffset VisitedAt, string VisitedOnJalali,
    int TemplateVersion, string Status, IReadOnlyList<ItemCheck> Items, IReadOnlyList<string> ComplaintIds, string? RequestId,
    string? FollowUpOf, string? ReinspectionOf, bool? OfficeOpen, StaffCheck? Staff, string? Summary, string PostedByRole,
    DateTimeOffset CreatedAt, DateTimeOffset? ProcessedAt, InspectionOutcome? Outcome)
{
    public static InspectionView From(InspectionEntity e) => new(
        e.Id, e.OfficeCode, e.Province, e.CountyCode, Enum.Parse<InspectionType>(e.Type, ignoreCase: true), e.VisitedAt,
        JalaliDate.FormatAscii(Tehran.DateOf(e.VisitedAt)), e.TemplateVersion, e.Status, e.Items, e.ComplaintIds, e.RequestId, e.FollowUpOf,
        e.ReinspectionOf, e.OfficeOpen, e.StaffPresent is { } p ? new StaffCheck(p, e.StaffTrained ?? 0) : null, e.Summary, e.PostedByRole,
        e.CreatedAt, e.ProcessedAt, e.Outcome);
}

/// <summary>A row of a county's or an office's list.</summary>
public sealed record InspectionSummary(string Id, string OfficeCode, string CountyCode, InspectionType Type, DateTimeOffset VisitedAt, string Status,
    double? Score, int Violations, int MajorViolations, string? ReinspectionOf)
{
    public static InspectionSummary From(InspectionEntity e) => new(e.Id, e.OfficeCode, e.CountyCode, Enum.Parse<InspectionType>(e.Type, ignoreCase: true),
        e.VisitedAt, e.Status, e.Outcome?.Score, e.Violations, e.MajorViolations, e.ReinspectionOf);
}

/// <summary>
/// The message on the "inspections" queue: the inspection's id and, for a clean inspection, the row as the POST
/// inserted it with its ETag, so that processing it reads nothing (InspectionProcessor; one with a violation is read
/// with its office's history anyway). The row is left out when the message would be larger than
/// <see cref="MaxBytesWithRow"/> (long notes); then, and for messages of before 2026-12-04, processing reads the row.
/// </summary>
public sealed record InspectionMessage(string Id, InspectionEntity? Row = null, string? RowETag = null)
{
    /// <summary>Well under the queue's 64 KiB, which counts the Base64 the queue client sends (4/3 of this).</summary>
    public const int MaxBytesWithRow = 16 * 1024;

    /// <summary>The message for a row just written: with the row when it is clean, has its ETag and fits, else the id alone.</summary>
    public static BinaryData For(InspectionEntity written)
    {
        if (written is { Violations: 0 } && written.ETag != default)
        {
            var full = BinaryData.FromObjectAsJson(new InspectionMessage(written.Id, written, written.ETag.ToString()), Json.Options);
            if (full.ToMemory().Length <= MaxBytesWithRow) return full;
        }
        return BinaryData.FromObjectAsJson(new InspectionMessage(written.Id), Json.Options);
    }
}

// ---- Keys ----

/// <summary>
/// An inspection id is "{officeCode}.{stamp}": it carries its partition, so GET /api/inspections/{id} is one
/// point read. The stamp is the visit time in inverted seconds (12 digits, newest first) and 8 hex characters
/// (random, or derived from the Idempotency-Key so that a retried POST finds the first write).
/// </summary>
public static class InspectionIds
{
    private const long MaxUnixSeconds = 253402300799; // 9999-12-31T23:59:59Z

    public static string Stamp(DateTimeOffset visitedAt, string suffix) =>
        (MaxUnixSeconds - visitedAt.ToUnixTimeSeconds()).ToString("D12", CultureInfo.InvariantCulture) + suffix;

    /// <summary>The smallest stamp a visit at or before <paramref name="at"/> can have (for range queries).</summary>
    public static string StampFloor(DateTimeOffset at) => Stamp(at, "");

    /// <summary>The visit time a stamp encodes, to the second (the inverse of <see cref="StampFloor"/>).</summary>
    public static DateTimeOffset VisitSecondOf(string stamp) =>
        DateTimeOffset.FromUnixTimeSeconds(MaxUnixSeconds - long.Parse(stamp.AsSpan(0, 12), NumberStyles.None, CultureInfo.InvariantCulture));

    public static string RandomSuffix() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public static string HashSuffix(string text) => Hash(text)[..8];

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string Of(string officeCode, string stamp) => officeCode + "." + stamp;

    public static bool TryParse(string? id, out string officeCode, out string stamp)
    {
        officeCode = stamp = "";
        if (id is null || id.Length > 70) return false;
        var dot = id.LastIndexOf('.');
        if (dot < 0) return false;
        var office = id[..dot];
        var s = id[(dot + 1)..];
        if (s.Length != 20 || !s[..12].All(char.IsAsciiDigit) || !s[12..].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')) return false;
        if (!Codes.TryNormalize(office, out var code) || code != office) return false;
        (officeCode, stamp) = (office, s);
        return true;
    }
}

/// <summary>
/// Inspections table: PK = officeCode, RK = stamp (newest visit first). One office's history is one
/// partition: the recurrence and ladder look-back is a range query on it. Rows with RK "~key~{hash}" are
/// Idempotency-Key markers (columns InspectionId, BodyHash) written in the same transaction as the
/// inspection; inspection queries read RK &lt; "~".
/// Columns: Province, CountyCode, OfficeName, OfficeEmail, Type, VisitedAt, TemplateVersion, ItemsJson, FailedCodes (",a,b,"),
/// Violations, MajorViolations (counted at POST, so the look-back needs no template), ComplaintIdsJson,
/// RequestId, FollowUpOf, ReinspectionOf, OfficeOpen, StaffPresent, StaffTrained, Summary, PostedBy (key id),
/// PostedByRole, CreatedAt, Status (queued → processed, an ETag transition), ProcessedAt, OutcomeJson.
/// </summary>
public sealed class InspectionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    // Not in the queue message's copy of the row (InspectionMessage): the ETag travels beside it, as a string.
    [JsonIgnore] public DateTimeOffset? Timestamp { get; set; }
    [JsonIgnore] public ETag ETag { get; set; }

    [IgnoreDataMember, JsonIgnore] public string OfficeCode => PartitionKey;
    [IgnoreDataMember, JsonIgnore] public string Id => InspectionIds.Of(PartitionKey, RowKey);
    public string Province { get; set; } = "";
    public string CountyCode { get; set; } = "";
    // The office's name and (business) email when the inspection was posted: processing notifies without a lookup.
    public string OfficeName { get; set; } = "";
    public string? OfficeEmail { get; set; }
    public string Type { get; set; } = "";
    public DateTimeOffset VisitedAt { get; set; }
    public int TemplateVersion { get; set; }
    public string ItemsJson { get; set; } = "[]";
    public string FailedCodes { get; set; } = ",";
    public int Violations { get; set; }
    public int MajorViolations { get; set; }
    public string ComplaintIdsJson { get; set; } = "[]";
    public string? RequestId { get; set; }
    public string? FollowUpOf { get; set; }
    public string? ReinspectionOf { get; set; }
    public bool? OfficeOpen { get; set; }
    public int? StaffPresent { get; set; }
    public int? StaffTrained { get; set; }
    public string? Summary { get; set; }
    public string PostedBy { get; set; } = "";
    public string PostedByRole { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string? BodyHash { get; set; }
    public string Status { get; set; } = InspectionStatus.Queued;
    public DateTimeOffset? ProcessedAt { get; set; }
    public string? OutcomeJson { get; set; }

    [IgnoreDataMember, JsonIgnore] public InspectionType Kind => Enum.Parse<InspectionType>(Type, ignoreCase: true);
    [IgnoreDataMember, JsonIgnore] public IReadOnlyList<ItemCheck> Items => JsonSerializer.Deserialize<List<ItemCheck>>(ItemsJson, Json.Options)!;
    [IgnoreDataMember, JsonIgnore] public IReadOnlyList<string> ComplaintIds => JsonSerializer.Deserialize<List<string>>(ComplaintIdsJson, Json.Options)!;
    [IgnoreDataMember, JsonIgnore] public InspectionOutcome? Outcome => OutcomeJson is null ? null : JsonSerializer.Deserialize<InspectionOutcome>(OutcomeJson, Json.Options);
    public bool Failed(string code) => FailedCodes.Contains("," + code + ",", StringComparison.Ordinal);
}

/// <summary>An Idempotency-Key marker in the office's partition.</summary>
public sealed class InspectionKeyMarker : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string InspectionId { get; set; } = "";
    public string BodyHash { get; set; } = "";
}

/// <summary>
/// InspectionsByCounty table: PK = countyCode, RK = "{stamp}.{officeCode}" (newest first across the county).
/// An immutable pointer written at POST: columns OfficeCode, Province, Type, VisitedAt, PostedByRole,
/// ReinspectionOf. Serves the county list and the monthly re-inspection draw (a range of stamps is a
/// range of visit times); the status and score are read from the inspection itself.
/// </summary>
public sealed class CountyInspectionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string CountyCode => PartitionKey;
    public string OfficeCode { get; set; } = "";
    public string Province { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTimeOffset VisitedAt { get; set; }
    public string PostedByRole { get; set; } = "";
    public string? ReinspectionOf { get; set; }

    [IgnoreDataMember] public string InspectionId => InspectionIds.Of(OfficeCode, RowKey[..RowKey.IndexOf('.')]);
}

public sealed class InspectionStore(Store store)
{
    public TableClient Table { get; } = store.Table(Tables.Inspections);
    public TableClient ByCounty { get; } = store.Table(Tables.InspectionsByCounty);

    public async Task<InspectionEntity?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        InspectionIds.TryParse(id, out var office, out var stamp) ? await Table.GetOrNullAsync<InspectionEntity>(office, stamp, cancellationToken) : null;

    /// <summary>
    /// The longest look-back a policy allows (recurrenceMonths and the sanction ladder's lookbackMonths are
    /// validated to at most 60): <see cref="FindWithHistoryAsync"/> reads that far back.
    /// </summary>
    public const int MaxHistoryMonths = 60;

    /// <summary>
    /// An inspection and, in the same round trip, the rows of its office visited in the <see cref="MaxHistoryMonths"/>
    /// months up to its visit (newest first; the inspection itself among them, with its ETag): one range
    /// query of the office's partition, whose bounds the id gives (the stamp is the visit time). Null when
    /// there is no such inspection.
    /// </summary>
    public async Task<(InspectionEntity Inspection, List<InspectionEntity> History)?> FindWithHistoryAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!InspectionIds.TryParse(id, out var office, out var stamp)) return null;
        var visited = InspectionIds.VisitSecondOf(stamp);
        var rows = await ListOfficeAsync(office, visited.AddMonths(-MaxHistoryMonths), visited, cancellationToken);
        return rows.Find(r => r.RowKey == stamp) is { } self ? (self, rows) : null;
    }

    /// <summary>An office's inspections visited in [from, to], newest first (a range of the partition).</summary>
    public Task<List<InspectionEntity>> ListOfficeAsync(string officeCode, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        Table.ListAsync<InspectionEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {officeCode} and RowKey ge {InspectionIds.StampFloor(to)} and RowKey lt {InspectionIds.StampFloor(from) + "~"}"), cancellationToken);

    /// <summary>A county's inspection pointers visited in [from, to).</summary>
    public Task<List<CountyInspectionEntity>> ListCountyAsync(string countyCode, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        ByCounty.ListAsync<CountyInspectionEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {countyCode} and RowKey gt {InspectionIds.StampFloor(to) + "~"} and RowKey lt {InspectionIds.StampFloor(from) + "~"}"), cancellationToken);
}
