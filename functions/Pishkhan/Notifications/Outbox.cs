using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
}

/// <summary>
/// A notification to send. <see cref="Cause"/> names the event that causes it (e.g.
/// "complaint-received:ABCD-2345-X"), and the outbox id is derived from cause + recipient, so one event
/// never yields two notifications to one person however often it is processed.
/// <see cref="Data"/> holds the template's fields (user text unescaped; templates escape it).
/// </summary>
public sealed record NotificationRequest(string Cause, string Kind, string Province, string? ToEmail, string? ToMobile, string? ToName,
    IReadOnlyDictionary<string, string> Data);

public static class OutboxStatus
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

/// <summary>
/// Outbox table: PK = notification id (hash of cause + recipient), RK = "". Columns: Kind, Province,
/// ToEmail, ToMobile, ToName, DataJson, Status, Attempts, ProviderMessageId, Error, CreatedAt, SentAt.
/// </summary>
public sealed class OutboxEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Id => PartitionKey;
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

    [IgnoreDataMember]
    public IReadOnlyDictionary<string, string> Data => JsonSerializer.Deserialize<Dictionary<string, string>>(DataJson, Json.Stored)!;
}

/// <summary>The message on the "notifications" queue: just the outbox id.</summary>
public sealed record NotificationMessage(string Id);

public sealed class Outbox(Store store, TimeProvider clock)
{
    public TableClient Table { get; } = store.Table(Tables.Outbox);

    public static string IdFor(string cause, string? toEmail, string? toMobile) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{cause}\n{toEmail}\n{toMobile}")))[..32];

    /// <summary>
    /// Records the notification (insert-if-absent) and queues its id. Safe to call again for the same
    /// cause: the entity is not duplicated, and a second queue message is harmless because the sender
    /// skips notifications already sent.
    /// </summary>
    public async Task<string> EnqueueAsync(NotificationRequest request, CancellationToken cancellationToken = default)
    {
        var id = IdFor(request.Cause, request.ToEmail, request.ToMobile);
        var entity = new OutboxEntity
        {
            PartitionKey = id, Cause = request.Cause, Kind = request.Kind, Province = request.Province, ToEmail = request.ToEmail,
            ToMobile = request.ToMobile, ToName = request.ToName, DataJson = JsonSerializer.Serialize(request.Data, Json.Stored),
            CreatedAt = clock.GetUtcNow(),
        };
        var added = await Table.TryAddAsync(entity, cancellationToken);
        if (!added && (await Table.GetOrNullAsync<OutboxEntity>(id, "", cancellationToken))?.Status != OutboxStatus.Pending) return id;
        await store.Queue(QueueNames.Notifications).SendMessageAsync(
            BinaryData.FromObjectAsJson(new NotificationMessage(id), Json.Stored), cancellationToken: cancellationToken);
        return id;
    }
}
