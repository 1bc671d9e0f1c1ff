using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Bindings;
using Pishkhan.Http;
using Pishkhan.Storage;

namespace Pishkhan.Notifications;

/// <summary>The kinds of notification; each has one Persian template (Notifications/Templates).</summary>
public static class NotificationKinds
{
    public const string ComplaintReceived = "complaintReceived";
    public const string ComplaintDecided = "complaintDecided";
    public const string ComplaintExtended = "complaintExtended";
    public const string RequestCompleted = "requestCompleted";
    public const string InspectionResult = "inspectionResult";
    public const string SanctionProposed = "sanctionProposed";
    public const string SanctionConfirmed = "sanctionConfirmed";
    public const string Digest = "digest";
    public const string RankingPublished = "rankingPublished";

    public static readonly string[] All =
        [ComplaintReceived, ComplaintDecided, ComplaintExtended, RequestCompleted, InspectionResult, SanctionProposed, SanctionConfirmed, Digest, RankingPublished];

    /// <summary>How the digest names a kind.</summary>
    public static string PersianName(string kind) => kind switch
    {
        ComplaintReceived => "رسید شکایت",
        ComplaintDecided => "نتیجه شکایت",
        ComplaintExtended => "تمدید مهلت شکایت",
        RequestCompleted => "انجام درخواست و امتیاز",
        InspectionResult => "نتیجه بازرسی",
        SanctionProposed => "پیشنهاد برخورد",
        SanctionConfirmed => "تصمیم برخورد",
        Digest => "گزارش هفتگی",
        RankingPublished => "انتشار رتبه‌بندی",
        _ => kind,
    };
}

/// <summary>
/// A notification to send. <see cref="Cause"/> names the event that causes it (e.g.
/// "complaint-received:ABCD-2345-X"), and the outbox id is derived from cause + recipient, so one event
/// never yields two notifications to one person however often it is processed.
/// <see cref="Data"/> holds the template's fields (user text unescaped; templates escape it).
/// A request yields one row per channel: an email row when <see cref="ToEmail"/> is given, and an SMS
/// row when <see cref="ToMobile"/> is a mobile number and the kind has an SMS text (<see cref="Templates.SmsTexts.Kinds"/>).
/// </summary>
public sealed record NotificationRequest(string Cause, string Kind, string Province, string? ToEmail, string? ToMobile, string? ToName,
    IReadOnlyDictionary<string, string> Data);

/// <summary>How a row is delivered. Rows written before SMS existed have no Channel: they are email.</summary>
public static class OutboxChannel
{
    public const string Email = "email";
    public const string Sms = "sms";
}

/// <summary>
/// pending → sending (claimed under the ETag, with a lease) → sent | failed | skipped. A "sending" row
/// whose lease has expired is claimed again (the sender crashed, or the provider's answer was lost).
/// </summary>
public static class OutboxStatus
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    /// <summary>Nothing to send it to (an email row without an address), or the number opted out of SMS.</summary>
    public const string Skipped = "skipped";
}

/// <summary>
/// Outbox table: PK = notification id (hash of cause + recipient + channel), RK = "". Columns: Channel
/// (email, or sms; absent = email), Kind, Province, ToEmail, ToMobile (as given on email rows; normalised 09xxxxxxxxx on SMS rows),
/// ToName, DataJson, Status, Attempts, ProviderMessageId, Error, CreatedAt, SentAt, LeaseUntil and
/// AttemptId (the claim of the sender working on it), FailedAt.
/// </summary>
public sealed class OutboxEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    [JsonIgnore] public DateTimeOffset? Timestamp { get; set; }
    [JsonIgnore] public ETag ETag { get; set; }

    [IgnoreDataMember, JsonIgnore] public string Id => PartitionKey;
    public string? Channel { get; set; }
    [IgnoreDataMember, JsonIgnore] public bool IsSms => Channel == OutboxChannel.Sms;
    public string Cause { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Province { get; set; } = "";
    public string? ToEmail { get; set; }
    public string? ToMobile { get; set; }
    public string? ToName { get; set; }
    public string DataJson { get; set; } = "{}";
    public string Status { get; set; } = OutboxStatus.Pending;
    public int Attempts { get; set; }
    public string? ProviderMessageId { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? AttemptId { get; set; }
    public DateTimeOffset? FailedAt { get; set; }

    [IgnoreDataMember, JsonIgnore]
    public IReadOnlyDictionary<string, string> Data => JsonSerializer.Deserialize<Dictionary<string, string>>(DataJson, Json.Stored)!;
}

/// <summary>
/// The message on the "notifications" queue: the outbox id and, when it was queued right after the row was
/// inserted, the row as inserted (every column, as JSON) and the ETag the insert returned. The sender then
/// claims the row with that ETag without reading it first: the claim succeeds only if the row is still exactly
/// the one in the message (pending, never claimed), so the message's copy is the row. Any other message —
/// a re-queue, the digest's safety net, a lease wait, a message from before this format, a row too large for
/// a message — has the id only and the sender reads the row. Rows queued by concurrent producers share a message:
/// <see cref="More"/> lists the others, each in the same form (see <see cref="Outbox"/>, "Grouped messages"). Old
/// senders reject the new fields (strict JSON), so during a rolling deployment such a message is retried until a
/// new sender takes it.
/// </summary>
public sealed record NotificationMessage(
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ETag = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OutboxEntity? Row = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<NotificationMessage>? More = null)
{
    /// <summary>Every row the message names, in order: this one, then <see cref="More"/>'s.</summary>
    [JsonIgnore]
    public IReadOnlyList<NotificationMessage> Rows => More is not { Count: > 0 } more ? [this] : [this with { More = null }, .. more];
}

/// <summary>What a claim found: <see cref="Claimed"/> with the claimed row, or not, with the row as read after the 412 (null if gone).</summary>
public sealed record ClaimResult(bool Claimed, OutboxEntity? Row);

/// <summary>
/// Grouped messages: each queue message costs Azure a put and a delete (and Azurite, whose messages of every queue
/// share one collection, an index rebuild on each), so rows queued while another message is on its way to the
/// queue wait for it and then go together in the next message, up to <see cref="MaxRowsPerMessage"/> rows and
/// <see cref="MaxMessageBytes"/> in all. A row alone goes at once: grouping adds no wait, it only fills the time
/// a put takes anyway. Only messages that carry their row are grouped; delayed and id-only messages go alone.
/// </summary>
public sealed class Outbox(Store store, TimeProvider clock)
{
    public TableClient Table { get; } = store.Table(Tables.Outbox);

    /// <summary>
    /// The rows of one message are sent one after another by one delivery, so this also bounds how long a delivery
    /// holds its message (rows × a send) and keeps the provider's concurrency that of the queue's batch.
    /// </summary>
    public const int MaxRowsPerMessage = 8;

    /// <summary>The id of an email row; the same formula as before SMS, so events replayed after an upgrade find their rows.</summary>
    public static string IdFor(string cause, string? toEmail, string? toMobile) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{cause}\n{toEmail}\n{toMobile}")))[..32];

    /// <summary>The id of an SMS row: cause + normalised number, in its own domain.</summary>
    public static string SmsIdFor(string cause, string mobile) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"sms\n{cause}\n{mobile}")))[..32];

    /// <summary>
    /// Records the notification (insert-if-absent) and queues its id. Safe to call again for the same
    /// cause: the entity is not duplicated, and a second queue message is harmless because the sender
    /// skips notifications already sent.
    /// </summary>
    public Task<string> EnqueueAsync(NotificationRequest request, CancellationToken cancellationToken = default) =>
        EnqueueAsync(request, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// As <see cref="EnqueueAsync(NotificationRequest, CancellationToken)"/>, with the queue message
    /// invisible for <paramref name="delay"/>: the digest sends its rows in batches at once and leaves
    /// the message as a safety net that finds them sent. One row per channel (email and/or SMS, see
    /// <see cref="NotificationRequest"/>); returns the email row's id, or the SMS row's when there is no email.
    /// A request with neither an email nor an SMS-able number still gets its (email) row, marked skipped by the sender.
    /// </summary>
    public async Task<string> EnqueueAsync(NotificationRequest request, TimeSpan delay, CancellationToken cancellationToken = default) =>
        (await EnqueueRowAsync(request, delay, cancellationToken)).Id;

    /// <summary>
    /// As <see cref="EnqueueAsync(NotificationRequest, TimeSpan, CancellationToken)"/>, returning the first row as
    /// stored (the email row, else the SMS row) with its ETag: the row just inserted, or the one found when it
    /// existed already. Row is null only when it existed and has been deleted since. For a caller that sends the row
    /// itself (the digest), so it need not read it back.
    /// </summary>
    public async Task<(string Id, OutboxEntity? Row)> EnqueueRowAsync(NotificationRequest request, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        var sms = Templates.SmsTexts.Supports(request.Kind) && Text.MobileNumber.TryNormalize(request.ToMobile, out var mobile) ? mobile : null;
        var now = clock.GetUtcNow();
        var data = JsonSerializer.Serialize(request.Data, Json.Stored);
        (string Id, OutboxEntity? Row)? first = null;
        if (!string.IsNullOrEmpty(request.ToEmail) || sms is null)
            first = await AddAndQueueAsync(new OutboxEntity
            {
                PartitionKey = IdFor(request.Cause, request.ToEmail, request.ToMobile), Channel = OutboxChannel.Email, Cause = request.Cause,
                Kind = request.Kind, Province = request.Province, ToEmail = request.ToEmail, ToMobile = request.ToMobile, ToName = request.ToName,
                DataJson = data, CreatedAt = now,
            }, delay, cancellationToken);
        if (sms is not null)
        {
            var row = await AddAndQueueAsync(new OutboxEntity
            {
                PartitionKey = SmsIdFor(request.Cause, sms), Channel = OutboxChannel.Sms, Cause = request.Cause, Kind = request.Kind,
                Province = request.Province, ToMobile = sms, DataJson = data, CreatedAt = now,
            }, delay, cancellationToken);
            first ??= row;
        }
        return first!.Value;
    }

    /// <summary>
    /// Inserts the row and queues it: two storage calls. A new row's message carries the row and the insert's
    /// ETag (see <see cref="NotificationMessage"/>) unless it is delayed (a safety net for a row its caller sends
    /// itself, which will have changed by then) or too large for a queue message. A row that exists already is
    /// read and queued again (id only) only while it is pending.
    /// </summary>
    private async Task<(string Id, OutboxEntity? Row)> AddAndQueueAsync(OutboxEntity entity, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (await Table.TryAddAsync(entity, cancellationToken))
        {
            var message = new NotificationMessage(entity.Id);
            var withRow = message with { ETag = entity.ETag.ToString(), Row = entity };
            var bytes = delay <= TimeSpan.Zero ? JsonSerializer.SerializeToUtf8Bytes(withRow, Json.Stored).Length : int.MaxValue;
            if (bytes <= MaxMessageBytes) await SendGroupedAsync(withRow, bytes, cancellationToken);
            else await SendAsync(message, delay, cancellationToken);
            return (entity.Id, entity);
        }
        var existing = await Table.GetOrNullAsync<OutboxEntity>(entity.Id, "", cancellationToken);
        if (existing?.Status == OutboxStatus.Pending) await QueueAsync(entity.Id, delay, cancellationToken);
        return (entity.Id, existing);
    }

    /// <summary>
    /// The largest message that carries its row: a queue message holds 64 KiB once base64-encoded (48 KiB of
    /// JSON); half of that leaves room. Larger rows (long user text in the data) are queued by id and read.
    /// </summary>
    public const int MaxMessageBytes = 32 * 1024;

    /// <summary>
    /// Claims the row its message carries, without reading it (see <see cref="NotificationMessage"/>): the claim is
    /// written with the insert's ETag, so it succeeds only while the row is exactly as inserted. Null when the
    /// message carries no row (the caller then reads it); not claimed when the row has changed since (claimed by
    /// another delivery, sent, released), with the row as it is now.
    /// </summary>
    public async Task<ClaimResult?> TryClaimQueuedAsync(NotificationMessage message, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        if (message is not { ETag: { Length: > 0 } etag, Row: { } row } || row.PartitionKey != message.Id || row.RowKey.Length != 0
            || row.Status != OutboxStatus.Pending || row.Attempts != 0) return null;
        row.ETag = new ETag(etag);
        return await TryClaimAsync(row, lease, cancellationToken);
    }

    /// <summary>Queues (again) the id of a recorded notification; the sender skips it once it is sent.</summary>
    public Task QueueAsync(string id, TimeSpan delay, CancellationToken cancellationToken = default) =>
        SendAsync(new NotificationMessage(id), delay, cancellationToken);

    private Task SendAsync(NotificationMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        store.Queue(QueueNames.Notifications).SendMessageAsync(BinaryData.FromObjectAsJson(message, Json.Stored),
            visibilityTimeout: delay > TimeSpan.Zero ? delay : null, cancellationToken: cancellationToken);

    private readonly Lock _gate = new();
    private readonly Queue<GroupedRow> _waiting = new();
    private bool _sending;

    private sealed record GroupedRow(NotificationMessage Message, int Bytes, TaskCompletionSource Queued)
    {
        /// <summary>The producer's tally: the put its row waited for counts in it, as a group commit's batch does.</summary>
        public StorageCalls.Tally? Calls { get; } = StorageCalls.Active;
    }

    /// <summary>Completes when the message holding this row is on the queue (see "Grouped messages" above).</summary>
    private Task SendGroupedAsync(NotificationMessage message, int bytes, CancellationToken cancellationToken)
    {
        var row = new GroupedRow(message, bytes, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            _waiting.Enqueue(row);
            if (_sending) return row.Queued.Task.WaitAsync(cancellationToken);
            _sending = true;
        }
        _ = StorageCalls.RunDetached(SendWaitingAsync);
        return row.Queued.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends the waiting rows, a message at a time, until none is left. Never throws: each row's task gets the outcome.</summary>
    private async Task SendWaitingAsync()
    {
        while (true)
        {
            var group = new List<GroupedRow>();
            lock (_gate)
            {
                var bytes = 0;
                while (group.Count < MaxRowsPerMessage && _waiting.TryPeek(out var next) && (group.Count == 0 || bytes + next.Bytes <= MaxMessageBytes))
                {
                    group.Add(_waiting.Dequeue());
                    bytes += next.Bytes;
                }
                if (group.Count == 0)
                {
                    _sending = false;
                    return;
                }
            }
            try
            {
                StorageCalls.CountFor(group.Select(r => r.Calls));
                // Not any one caller's token: the message carries the others' rows too.
                await SendAsync(group[0].Message with { More = group.Count == 1 ? null : [.. group.Skip(1).Select(r => r.Message)] }, TimeSpan.Zero, CancellationToken.None);
                foreach (var row in group) row.Queued.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var row in group) row.Queued.TrySetException(e);
            }
        }
    }

    public Task<OutboxEntity?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Table.GetOrNullAsync<OutboxEntity>(id, "", cancellationToken);

    /// <summary>
    /// Claims a pending row (or one whose sender's lease expired) for one send attempt: an ETag-guarded
    /// write of Status = sending, a fresh AttemptId and LeaseUntil. On a 412 the row is read: another sender
    /// wrote first (not claimed; the row as it is now, null if gone, so the caller need not read it again), or
    /// this claim was stored but its answer lost to the network timeout and the client's retry met the ETag it
    /// had itself moved on (claimed): the attempt id tells them apart.
    /// </summary>
    public async Task<ClaimResult> TryClaimAsync(OutboxEntity entity, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var (status, attempts, leaseUntil, attemptId) = (entity.Status, entity.Attempts, entity.LeaseUntil, entity.AttemptId);
        entity.Status = OutboxStatus.Sending;
        entity.Attempts++;
        entity.LeaseUntil = now + lease;
        entity.AttemptId = Guid.NewGuid().ToString("N");
        var (claimed, current) = await Table.TryReplaceOwnAsync(entity, stored => stored.AttemptId == entity.AttemptId, cancellationToken);
        if (claimed) return new ClaimResult(true, entity);
        (entity.Status, entity.Attempts, entity.LeaseUntil, entity.AttemptId) = (status, attempts, leaseUntil, attemptId);
        return new ClaimResult(false, current);
    }

    /// <summary>
    /// Moves a claimed row's lease to now + <paramref name="lease"/>, under the claim's ETag, keeping its attempt (a
    /// renewal is not another attempt). False when the row is no longer this claim's (its lease ran out and another
    /// delivery claimed it): then it is theirs to send.
    /// </summary>
    public async Task<bool> TryRenewLeaseAsync(OutboxEntity claimed, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var leaseUntil = claimed.LeaseUntil;
        claimed.LeaseUntil = clock.GetUtcNow() + lease;
        // Only a claim changes the attempt id, so a row still "sending" under ours after a 412 is this renewal, stored
        // but its answer lost.
        var (renewed, _) = await Table.TryReplaceOwnAsync(claimed,
            stored => stored.AttemptId == claimed.AttemptId && stored.Status == OutboxStatus.Sending, cancellationToken);
        if (!renewed) claimed.LeaseUntil = leaseUntil;
        return renewed;
    }

    public static bool IsClaimable(OutboxEntity entity, DateTimeOffset now) =>
        entity.Status == OutboxStatus.Pending || (entity.Status == OutboxStatus.Sending && entity.LeaseUntil is { } until && until <= now);

    /// <summary>Records the provider's acceptance. Written with the claim's ETag; if the lease was lost meanwhile, written anyway (it was sent).</summary>
    public Task MarkSentAsync(OutboxEntity claimed, string? providerMessageId, CancellationToken cancellationToken = default) =>
        FinishAsync(claimed, e =>
        {
            e.Status = OutboxStatus.Sent;
            e.ProviderMessageId = providerMessageId;
            e.SentAt = clock.GetUtcNow();
            e.LeaseUntil = null;
            e.Error = null;
        }, cancellationToken);

    public Task MarkSkippedAsync(OutboxEntity claimed, string reason, CancellationToken cancellationToken = default) =>
        FinishAsync(claimed, e =>
        {
            e.Status = OutboxStatus.Skipped;
            e.Error = reason;
            e.LeaseUntil = null;
        }, cancellationToken);

    /// <summary>A permanent failure: the row says why, and an index row lets the digest list the province's failures.</summary>
    public async Task MarkFailedAsync(OutboxEntity claimed, string error, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await FinishAsync(claimed, e =>
        {
            e.Status = OutboxStatus.Failed;
            e.Error = error.Length <= 1000 ? error : error[..1000];
            e.FailedAt = now;
            e.LeaseUntil = null;
        }, cancellationToken);
        await Failures.UpsertEntityAsync(new OutboxFailureEntity
        {
            PartitionKey = claimed.Province.Length > 0 ? claimed.Province : "-", RowKey = claimed.Id, Channel = claimed.Channel, Kind = claimed.Kind, Cause = claimed.Cause,
            Error = claimed.Error ?? error, FailedAt = now,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Gives a claimed row back (the provider did not take it): the next delivery claims it at once.</summary>
    public async Task ReleaseAsync(OutboxEntity claimed, string error, CancellationToken cancellationToken = default)
    {
        claimed.Status = OutboxStatus.Pending;
        claimed.LeaseUntil = null;
        claimed.Error = error;
        if (!await Table.TryReplaceAsync(claimed, cancellationToken))
        {
            // Someone else holds it now (our lease expired): theirs to finish.
        }
    }

    private async Task FinishAsync(OutboxEntity claimed, Action<OutboxEntity> change, CancellationToken cancellationToken)
    {
        change(claimed);
        if (await Table.TryReplaceAsync(claimed, cancellationToken)) return;
        await Table.UpdateWithRetryAsync<OutboxEntity>(claimed.Id, "", current =>
        {
            if (current is null || current.Status is OutboxStatus.Sent) return null;
            change(current);
            return current;
        }, cancellationToken);
    }

    public TableClient Failures { get; } = store.Table(Tables.OutboxFailures);

    /// <summary>The province's permanent failures since <paramref name="since"/> (one partition).</summary>
    public Task<List<OutboxFailureEntity>> FailuresSinceAsync(string province, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        Failures.ListAsync<OutboxFailureEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {province} and FailedAt ge {since}"), cancellationToken);
}

/// <summary>
/// OutboxFailures table: PK = province, RK = notification id; columns Channel, Kind, Cause, Error, FailedAt.
/// An index of the Outbox (whose PK is the id) so the weekly digest reads one partition per province.
/// No recipient data is copied here.
/// </summary>
public sealed class OutboxFailureEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Province => PartitionKey;
    [IgnoreDataMember] public string NotificationId => RowKey;
    public string? Channel { get; set; }
    public string Kind { get; set; } = "";
    public string Cause { get; set; } = "";
    public string Error { get; set; } = "";
    public DateTimeOffset FailedAt { get; set; }
}
