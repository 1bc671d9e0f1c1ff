using System.Globalization;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Pishkhan.Http;

namespace Pishkhan.Requests;

// Requests table, PK = countyCode: each county's partition is a small aggregate store. Routing chooses
// among the county's offices, so the chosen office's open-work counter, the request, its SLA index entry,
// the statistics delta and the outgoing messages of one change are ONE entity-group transaction, and
// concurrent intakes of a county share a transaction (see README "Storage"). Row kinds by key prefix:
//   r_{office}_{suffix}                   the request (authoritative)          RequestRow
//   d_{dueTicks:D19}_{office}_{suffix}    open, not yet breached, by dueAt     DueRow
//   ~office_{office}                      the office's open-work counter       LedgerRow
//   ~delta_{office}_{period}              counts not yet in OfficeStats        DeltaRow
//   ~sealed_{office}_{period}_{guid}      a delta being applied to OfficeStats DeltaRow
//   ~outbox_{office}_{suffix}_{what}      a notification / callback to send    OutboxRow
//   a_{agency}_{invTicks:D19}_{office}_{suffix}  the agency's index, newest first  AgencyIndexRow
// '~' sorts after every letter, so "RowKey ge '~'" reads only the bookkeeping rows.

public static class RequestStatus
{
    public const string Submitted = "submitted";
    public const string Accepted = "accepted";
    public const string Completed = "completed";
    public const string Rejected = "rejected";
    public static readonly string[] All = [Submitted, Accepted, Completed, Rejected];

    public static bool IsOpen(string status) => status is Submitted or Accepted;
}

/// <summary>Request ids are "{countyCode}_{officeCode}_{suffix}": the partition and row are found from the id alone.</summary>
public static class RequestIds
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz"; // ascending in ASCII, so ids sort like their numbers
    private const long MaxMillis = 1L << 50;                               // year ~37,600
    public const int SuffixLength = 16;

    /// <summary>Newest first inside an office's range: 10 characters of inverted milliseconds, then 6 random.</summary>
    public static string NewSuffix(DateTimeOffset now)
    {
        var inverted = MaxMillis - 1 - now.ToUnixTimeMilliseconds();
        Span<char> s = stackalloc char[SuffixLength];
        for (var i = 9; i >= 0; i--) { s[i] = Alphabet[(int)(inverted & 31)]; inverted >>= 5; }
        Span<byte> random = stackalloc byte[6];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < 6; i++) s[10 + i] = Alphabet[random[i] & 31];
        return new string(s);
    }

    public static string Id(string countyCode, string officeCode, string suffix) => $"{countyCode}_{officeCode}_{suffix}";

    public static bool TryParse(string? id, out RequestKey key)
    {
        key = default;
        if (id is null || id.Length > 100) return false;
        var parts = id.Split('_');
        if (parts.Length != 3 || parts[2].Length != SuffixLength || !parts[2].All(c => Alphabet.Contains(c))) return false;
        if (!Text.Codes.TryNormalize(parts[0], out var county) || county != parts[0]) return false;
        if (!Text.Codes.TryNormalize(parts[1], out var office) || office != parts[1]) return false;
        key = new RequestKey(county, office, parts[2]);
        return true;
    }

    public static string RequestRowKey(string officeCode, string suffix) => $"r_{officeCode}_{suffix}";
    public static string OfficeRangeStart(string officeCode) => $"r_{officeCode}_";
    public static string OfficeRangeEnd(string officeCode) => $"r_{officeCode}`";   // '`' follows '_'
    public static string DueRowKey(DateTimeOffset dueAt, string officeCode, string suffix) => $"d_{dueAt.UtcTicks:D19}_{officeCode}_{suffix}";
    /// <summary>Due rows strictly before <paramref name="now"/> sort below this key.</summary>
    public static string DueUpperBound(DateTimeOffset now) => $"d_{now.UtcTicks:D19}";
    public static string LedgerRowKey(string officeCode) => "~office_" + officeCode;
    public static string DeltaRowKey(string officeCode, string period) => $"~delta_{officeCode}_{period}";
    public static string SealedRowKey(string officeCode, string period) => $"~sealed_{officeCode}_{period}_{Guid.NewGuid():N}";
    public static string OutboxRowKey(string officeCode, string suffix, string what, string kind) => $"~outbox_{officeCode}_{suffix}_{what}-{kind}";
    public const string SealedPrefix = "~sealed_";
    public const string DeltaPrefix = "~delta_";
    public const string OutboxPrefix = "~outbox_";
}

/// <summary>Where a request lives: partition (county) and row (office + suffix).</summary>
public readonly record struct RequestKey(string CountyCode, string OfficeCode, string Suffix)
{
    public string RowKey => RequestIds.RequestRowKey(OfficeCode, Suffix);
    public string Id => RequestIds.Id(CountyCode, OfficeCode, Suffix);
}

/// <summary>One entry of the immutable status history: what happened, when, and who did it.</summary>
public sealed record StatusChange(string What, DateTimeOffset At, string ByRole, string? BySubject, string? Note, DateTimeOffset RecordedAt);

public sealed class RequestRow : IRow
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string CountyCode => PartitionKey;
    public string OfficeCode { get; set; } = "";
    public string RequestId { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public string ContractId { get; set; } = "";
    public string ServiceCode { get; set; } = "";
    public string ServiceName { get; set; } = "";
    public int SlaHours { get; set; }
    public string ExternalRef { get; set; } = "";
    public string Province { get; set; } = "";
    public string Status { get; set; } = RequestStatus.Submitted;
    public bool Breached { get; set; }
    /// <summary>True while the d_ row exists (open and not yet marked breached).</summary>
    public bool DueIndexed { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? NationalId { get; set; }
    public string? Mobile { get; set; }
    public string? Email { get; set; }
    public string HistoryJson { get; set; } = "[]";
    public string? RatingTokenHash { get; set; }
    public int? RatingScore { get; set; }
    public string? RatingComment { get; set; }
    public DateTimeOffset? RatedAt { get; set; }

    [IgnoreDataMember] public string Suffix => RowKey[^RequestIds.SuffixLength..];
    [IgnoreDataMember] public RequestKey Key => new(CountyCode, OfficeCode, Suffix);

    public IReadOnlyList<StatusChange> History() => JsonSerializer.Deserialize<List<StatusChange>>(HistoryJson, Json.Stored)!;

    /// <summary>Appends to the history (never rewrites it); returns the new entry's index.</summary>
    public int Append(StatusChange change)
    {
        var history = JsonSerializer.Deserialize<List<StatusChange>>(HistoryJson, Json.Stored)!;
        history.Add(change);
        HistoryJson = JsonSerializer.Serialize(history, Json.Stored);
        return history.Count - 1;
    }

    public IRow Copy() => (IRow)MemberwiseClone();
}

public sealed class DueRow : IRow
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string RequestRowKey { get; set; } = "";
    public IRow Copy() => (IRow)MemberwiseClone();
}

/// <summary>The office's open work (submitted + accepted requests), read by routing without scanning requests.</summary>
public sealed class LedgerRow : IRow
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string OfficeCode { get; set; } = "";
    public int Open { get; set; }
    public string Province { get; set; } = "";
    public IRow Copy() => (IRow)MemberwiseClone();
}

/// <summary>Counts for OfficeStats that happened in one Jalali period and are not yet applied there.</summary>
public sealed class DeltaRow : IRow
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string OfficeCode { get; set; } = "";
    public string Province { get; set; } = "";
    public string Period { get; set; } = "";
    public long Received { get; set; }
    public long Completed { get; set; }
    public long Rejected { get; set; }
    public long CompletedWithinSla { get; set; }
    public long Breached { get; set; }
    public long RatingCount { get; set; }
    public long RatingSum { get; set; }
    public string TurnaroundHistogram { get; set; } = "";

    [IgnoreDataMember]
    public bool IsEmpty => Received == 0 && Completed == 0 && Rejected == 0 && CompletedWithinSla == 0 && Breached == 0 && RatingCount == 0 && RatingSum == 0;

    public IRow Copy() => (IRow)MemberwiseClone();

    public void ApplyTo(Stats.OfficeStatsEntity s)
    {
        s.RequestsReceived += Received;
        s.RequestsCompleted += Completed;
        s.RequestsRejected += Rejected;
        s.CompletedWithinSla += CompletedWithinSla;
        s.SlaBreached += Breached;
        s.RatingCount += RatingCount;
        s.RatingSum += RatingSum;
        if (!string.IsNullOrEmpty(TurnaroundHistogram))
            s.TurnaroundHistogram = Stats.Histogram.Format(Stats.Histogram.Merge([s.TurnaroundHistogram, TurnaroundHistogram]));
    }
}

public static class OutboxKinds
{
    public const string Notification = "notification";
    public const string Callback = "callback";
}

/// <summary>A message to send once the change that caused it is committed (transactional outbox).</summary>
public sealed class OutboxRow : IRow
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string Kind { get; set; } = "";
    public string PayloadJson { get; set; } = "{}";
    public IRow Copy() => (IRow)MemberwiseClone();
}

// RequestKeys table: the idempotency claims. PK = "{agencyId}~{first two hex digits of the key hash}"
// (256 shards: one ever-growing partition per agency would make every insert slower — Azurite scans a
// partition on insert — and cap a busy agency at one partition's throughput in Azure), RK = "k_{hash}".
// A claim is one entity, inserted first: the key is part of the entity key, so of two concurrent
// retries exactly one insert succeeds.

public sealed class ClaimRow : IRow
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string BodyHash { get; set; } = "";
    public string RequestId { get; set; } = "";
    public string OfficeCode { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    /// <summary>The request as accepted (RequestDraft JSON): a retry completes an intake interrupted after the claim.</summary>
    public string DraftJson { get; set; } = "{}";
    public IRow Copy() => (IRow)MemberwiseClone();

    public static string KeyFor(string idempotencyKey) =>
        "k_" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(idempotencyKey)));

    /// <summary>The partition of a claim: the agency and the first two hex digits of the key's hash.</summary>
    public static string PartitionFor(string agencyId, string claimKey) => $"{agencyId}~{claimKey[2..4]}";
}

public sealed class AgencyIndexRow : IRow
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string RequestRowKey { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public IRow Copy() => (IRow)MemberwiseClone();

    /// <summary>In the county partition: the agency's requests sort newest first, and equally in every county, so lists merge by row key.</summary>
    public static string KeyFor(string agencyId, DateTimeOffset createdAt, string officeCode, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"a_{agencyId}_{DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks:D19}_{officeCode}_{suffix}");
    public static string Prefix(string agencyId) => $"a_{agencyId}_";
    public static string PrefixEnd(string agencyId) => $"a_{agencyId}`";
}

/// <summary>Everything needed to write the request row; kept in the claim so a retry can finish the intake.</summary>
public sealed record RequestDraft(string RequestId, string AgencyId, string ContractId, string ServiceCode, string ServiceName, int SlaHours,
    string ExternalRef, string Province, string CountyCode, string OfficeCode, DateTimeOffset CreatedAt, DateTimeOffset DueAt,
    string? NationalId, string? Mobile, string? Email, string CreatedByKeyId);
