using System.Globalization;
using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Storage;

namespace Pishkhan.Inspections;

public static class FollowUpStatus
{
    public const string Open = "open";
    public const string Done = "done";
}

/// <summary>
/// InspectionFollowUps table: PK = countyCode, RK = "{dueDate yyyyMMdd}.{officeCode}.{source stamp}" — a county
/// team's agenda in due order; the key derives from the inspection that scheduled it, so scheduling twice
/// is one row. Columns: OfficeCode, Province, SourceInspectionId, DueDate ("yyyy-MM-dd", Tehran),
/// Status (open → done), DoneByInspectionId, CreatedAt.
/// </summary>
public sealed class FollowUpEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string CountyCode => PartitionKey;
    public string OfficeCode { get; set; } = "";
    public string Province { get; set; } = "";
    public string SourceInspectionId { get; set; } = "";
    public string DueDate { get; set; } = "";
    public string Status { get; set; } = FollowUpStatus.Open;
    public string? DoneByInspectionId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public static string RowKeyFor(DateOnly due, string officeCode, string sourceStamp) =>
        $"{due.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.{officeCode}.{sourceStamp}";
}

public sealed record FollowUpView(string CountyCode, string OfficeCode, string SourceInspectionId, DateOnly DueDate, string DueDateJalali, string Status,
    string? DoneByInspectionId)
{
    public static FollowUpView From(FollowUpEntity e)
    {
        var due = DateOnly.ParseExact(e.DueDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new(e.CountyCode, e.OfficeCode, e.SourceInspectionId, due, JalaliDate.FormatAscii(due), e.Status, e.DoneByInspectionId);
    }
}

public sealed record InspectionRequestView(string Id, string CountyCode, string Province, string OfficeCode, string Kind, string Reason,
    IReadOnlyList<string> ComplaintIds, string Status, string? InspectionId, DateTimeOffset CreatedAt)
{
    public static InspectionRequestView From(InspectionRequestEntity e) => new(e.Id, e.CountyCode, e.Province, e.OfficeCode, e.Kind, e.Reason,
        JsonSerializer.Deserialize<List<string>>(e.ComplaintIdsJson, Json.Options) ?? [], e.Status, e.InspectionId, e.CreatedAt);
}

/// <summary>Follow-up visits and targeted-inspection requests: the open work of a county team.</summary>
public sealed class InspectionAgenda(Store store, TimeProvider clock)
{
    public TableClient FollowUps { get; } = store.Table(Tables.InspectionFollowUps);
    public TableClient Requests { get; } = store.Table(Tables.InspectionRequests);

    public async Task ScheduleFollowUpAsync(InspectionEntity source, DateOnly due, CancellationToken cancellationToken)
    {
        await FollowUps.TryAddAsync(new FollowUpEntity
        {
            PartitionKey = source.CountyCode, RowKey = FollowUpEntity.RowKeyFor(due, source.OfficeCode, source.RowKey), OfficeCode = source.OfficeCode,
            Province = source.Province, SourceInspectionId = source.Id, DueDate = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            CreatedAt = clock.GetUtcNow(),
        }, cancellationToken);
    }

    /// <summary>
    /// A follow-up visit closes the follow-up it names (followUpOf), or else every open follow-up of the office
    /// scheduled by an inspection visited before it.
    /// </summary>
    public async Task CloseFollowUpsAsync(InspectionEntity followUp, CancellationToken cancellationToken)
    {
        var open = await FollowUps.ListAsync<FollowUpEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {followUp.CountyCode} and OfficeCode eq {followUp.OfficeCode} and Status eq {FollowUpStatus.Open}"), cancellationToken);
        foreach (var row in open)
        {
            var matches = followUp.FollowUpOf is { } of
                ? row.SourceInspectionId == of
                : InspectionIds.TryParse(row.SourceInspectionId, out _, out var stamp) && string.CompareOrdinal(stamp, followUp.RowKey) > 0;
            if (!matches) continue;
            await FollowUps.UpdateWithRetryAsync<FollowUpEntity>(row.PartitionKey, row.RowKey, current =>
            {
                if (current is null || current.Status != FollowUpStatus.Open) return null;
                current.Status = FollowUpStatus.Done;
                current.DoneByInspectionId = followUp.Id;
                return current;
            }, cancellationToken);
        }
    }

    /// <summary>
    /// A complaint inspection closes the open requests for its office that it names: by request id, or by
    /// sharing a complaint id with the request (compared case-insensitively).
    /// </summary>
    public async Task CloseRequestsAsync(InspectionEntity inspection, CancellationToken cancellationToken)
    {
        var named = inspection.ComplaintIds.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var open = await Requests.ListAsync<InspectionRequestEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {inspection.CountyCode} and OfficeCode eq {inspection.OfficeCode} and Status eq {"open"}"), cancellationToken);
        foreach (var request in open)
        {
            var complaintIds = JsonSerializer.Deserialize<List<string>>(request.ComplaintIdsJson, Json.Options) ?? [];
            if (request.Id != inspection.RequestId && !complaintIds.Any(named.Contains)) continue;
            await Requests.UpdateWithRetryAsync<InspectionRequestEntity>(request.PartitionKey, request.RowKey, current =>
            {
                if (current is null || current.Status != "open") return null;
                current.Status = "done";
                current.InspectionId = inspection.Id;
                return current;
            }, cancellationToken);
        }
    }
}
