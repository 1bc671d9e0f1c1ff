using System.Globalization;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Http;

namespace Pishkhan.Requests;

// Requests table, PK = officeCode: each office's partition is a small aggregate store, so a status change,
// the office's open-work counter, the request's SLA index row, the statistics delta and the outgoing
// messages of one change are ONE entity-group transaction (see README "Storage"). Row kinds by key prefix:
//   r_{suffix}                     the request (authoritative)           RequestRow
//   d_{dueTicks:D19}_{suffix}      open and not yet breached, by dueAt   DueRow
//   ~office                        the office's open-work counter        LedgerRow
//   ~delta_{period}                counts not yet in OfficeStats         DeltaRow
//   ~sealed_{period}_{guid}        a delta being applied to OfficeStats  DeltaRow
//   ~outbox_{suffix}_{what}-{kind} a notification / callback to send     OutboxRow
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

/// <summary>Request ids are "{officeCode}_{suffix}": the partition and row are found from the id alone.</summary>
public static class RequestIds
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz"; // ascending in ASCII, so ids sort like their numbers
    private const long MaxMillis = 1L << 50;                               // year ~37,600
    public const int SuffixLength = 16;

    /// <summary>
    /// Newest first inside an office's partition: 10 characters of inverted milliseconds, then 6 random. With a
    /// <paramref name="claimShard"/> (0–15, the shard of the intake's idempotency claim in RequestKeys), the first
    /// random character's low 4 bits are that shard, so the agency can find a request whose office write has not
    /// landed yet from its id alone (<see cref="ClaimShardOf"/>); 26 random bits remain.
    /// </summary>
    public static string NewSuffix(DateTimeOffset now, int? claimShard = null)
    {
        var inverted = MaxMillis - 1 - now.ToUnixTimeMilliseconds();
        Span<char> s = stackalloc char[SuffixLength];
        for (var i = 9; i >= 0; i--) { s[i] = Alphabet[(int)(inverted & 31)]; inverted >>= 5; }
        Span<byte> random = stackalloc byte[6];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < 6; i++) s[10 + i] = Alphabet[random[i] & 31];
        if (claimShard is { } shard) s[10] = Alphabet[(random[0] & 16) | (shard & 15)];
        return new string(s);
    }

    /// <summary>The claim shard <see cref="NewSuffix"/> put in a suffix (meaningless for ids made without one).</summary>
    public static int ClaimShardOf(string suffix) => Alphabet.IndexOf(suffix[10], StringComparison.Ordinal) & 15;

    /// <summary>The millisecond <see cref="NewSuffix"/> was given (the request's createdAt, to the millisecond).</summary>
    public static DateTimeOffset CreatedMillisecondOf(string suffix)
    {
        long inverted = 0;
        for (var i = 0; i < 10; i++) inverted = (inverted << 5) | (long)Alphabet.IndexOf(suffix[i], StringComparison.Ordinal);
        return DateTimeOffset.FromUnixTimeMilliseconds(MaxMillis - 1 - inverted);
    }

    public static string Id(string officeCode, string suffix) => $"{officeCode}_{suffix}";

    public static bool TryParse(string? id, out RequestKey key)
    {
        key = default;
        if (id is null || id.Length > 60) return false;
        var parts = id.Split('_');
        if (parts.Length != 2 || parts[1].Length != SuffixLength || !parts[1].All(c => Alphabet.Contains(c))) return false;
        if (!Text.Codes.TryNormalize(parts[0], out var office) || office != parts[0]) return false;
        key = new RequestKey(office, parts[1]);
        return true;
    }

    public static string RequestRowKey(string suffix) => "r_" + suffix;
    public const string RequestPrefix = "r_";
    public const string RequestPrefixEnd = "r`";   // '`' follows '_'
    public static string DueRowKey(DateTimeOffset dueAt, string suffix) => $"d_{dueAt.UtcTicks:D19}_{suffix}";
    /// <summary>Due rows strictly before <paramref name="now"/> sort below this key.</summary>
    public static string DueUpperBound(DateTimeOffset now) => $"d_{now.UtcTicks:D19}";
    public const string LedgerRowKey = "~office";
    public static string DeltaRowKey(string period) => "~delta_" + period;
    public static string SealedRowKey(string period) => $"~sealed_{period}_{Guid.NewGuid():N}";
    public static string OutboxRowKey(string suffix, string what, string kind) => $"~outbox_{suffix}_{what}-{kind}";
    public const string SealedPrefix = "~sealed_";
    public const string DeltaPrefix = "~delta_";
    public const string OutboxPrefix = "~outbox_";
}

/// <summary>Where a request lives: partition (office) and row.</summary>
public readonly record struct RequestKey(string OfficeCode, string Suffix)
{
    public string RowKey => RequestIds.RequestRowKey(Suffix);
    public string Id => RequestIds.Id(OfficeCode, Suffix);
}

/// <summary>
/// One entry of the immutable status history: what happened, when (the time that counts), who did it, when the
/// server recorded it, and the time the office reported when it was too far from the server's to be used.
/// </summary>
public sealed record StatusChange(string What, DateTimeOffset At, string ByRole, string? BySubject, string? Note, DateTimeOffset RecordedAt,
    DateTimeOffset? ReportedAt = null);

public sealed class RequestRow : IRow
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string OfficeCode => PartitionKey;
    public string CountyCode { get; set; } = "";
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
    /// <summary>
    /// The id of the last event or rating call that wrote this row: a retry that meets its own write (its answer
    /// lost) knows it by this id, where two identical calls at the same server instant would look alike.
    /// </summary>
    public string? LastWriteId { get; set; }

    [IgnoreDataMember] public string Suffix => RowKey[^RequestIds.SuffixLength..];
    [IgnoreDataMember] public RequestKey Key => new(OfficeCode, Suffix);

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
    public string RowKey { get; set; } = RequestIds.LedgerRowKey;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public int Open { get; set; }
    public string Province { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public IRow Copy() => (IRow)MemberwiseClone();
}

/// <summary>Counts for OfficeStats that happened in one Jalali period and are not yet applied there.</summary>
public sealed class DeltaRow : IRow
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string Province { get; set; } = "";
    public string CountyCode { get; set; } = "";
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

// RequestKeys table, PK = "{agencyId}~{first hex digit of the key hash}" (16 shards): the idempotency claims
// and the agency's own index, written together. Sharded because one ever-growing partition per agency
// makes every insert slower (Azurite scans a partition on insert) and caps a busy agency at one
// partition's throughput in Azure; the agency's list merges the 16 shards by row key.
//   k_{sha256(Idempotency-Key)}            the claim: body hash, the request as first accepted   ClaimRow
//   t_{invertedTicks:D19}_{requestId}      newest-first list of the agency's requests (and its claim) AgencyIndexRow
// and in the partition "{agencyId}~landed" (not a shard, so no list reads it):
//   through                                the sweep has checked every intake created before this  LandingWatermarkRow

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

    /// <summary>The request as first accepted.</summary>
    public RequestDraft Draft() => JsonSerializer.Deserialize<RequestDraft>(DraftJson, Json.Stored)!;

    private const string Shards = "0123456789abcdef";

    /// <summary>The shard (0–15) of a claim: the first hex digit of the key's hash.</summary>
    public static int ShardOf(string claimKey) => Shards.IndexOf(claimKey[2], StringComparison.Ordinal);

    /// <summary>The partition of a claim: the agency and the first hex digit of the key's hash.</summary>
    public static string PartitionFor(string agencyId, string claimKey) => PartitionFor(agencyId, ShardOf(claimKey));

    public static string PartitionFor(string agencyId, int shard) => $"{agencyId}~{Shards[shard]}";

    public static IEnumerable<string> AllPartitions(string agencyId) => Shards.Select(c => $"{agencyId}~{c}");
}

public sealed class AgencyIndexRow : IRow
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public string RequestId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>
    /// The row key of the intake's claim (same partition), so a request not yet in its office can be written from the
    /// claim (Requests/README "Intake"). Empty on rows written before the intake answered ahead of its office write.
    /// </summary>
    public string ClaimKey { get; set; } = "";
    public IRow Copy() => (IRow)MemberwiseClone();

    /// <summary>Newest first, and equally in every shard, so the agency's list merges shards by row key.</summary>
    public static string KeyFor(DateTimeOffset createdAt, string requestId) =>
        string.Create(CultureInfo.InvariantCulture, $"t_{Inverted(createdAt):D19}_{requestId}");
    public const string Prefix = "t_";
    public const string PrefixEnd = "t`";

    /// <summary>
    /// The rows of requests created in [<paramref name="from"/>, <paramref name="to"/>): a row-key range, as the index
    /// is newest first. The bounds are tick-exact, so a range of one millisecond finds a request from its id alone.
    /// </summary>
    public static string CreatedBetween(DateTimeOffset from, DateTimeOffset to) => TableClient.CreateQueryFilter(
        $"RowKey gt {string.Create(CultureInfo.InvariantCulture, $"t_{Inverted(to):D19}`")} and RowKey lt {string.Create(CultureInfo.InvariantCulture, $"t_{Inverted(from):D19}`")}");

    private static long Inverted(DateTimeOffset time) => DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks;
}

/// <summary>
/// Per agency: every intake created before <see cref="Through"/> was found in its office or written there by the
/// hourly sweep (RequestBook.LandLeftoversAsync), so the next sweep reads the agency's index from here on only.
/// </summary>
public sealed class LandingWatermarkRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Key;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
    public DateTimeOffset Through { get; set; }

    public const string Key = "through";
    public static string PartitionFor(string agencyId) => agencyId + "~landed";
}

/// <summary>Everything needed to write the request row; kept in the claim so a retry can finish the intake.</summary>
public sealed record RequestDraft(string RequestId, string AgencyId, string ContractId, string ServiceCode, string ServiceName, int SlaHours,
    string ExternalRef, string Province, string CountyCode, string OfficeCode, DateTimeOffset CreatedAt, DateTimeOffset DueAt,
    string? NationalId, string? Mobile, string? Email, string CreatedByKeyId);
