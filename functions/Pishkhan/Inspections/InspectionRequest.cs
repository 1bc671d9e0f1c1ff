using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;

namespace Pishkhan.Inspections;

/// <summary>
/// A targeted-inspection request for a county team (e.g. raised by the complaints escalation rule).
/// InspectionRequests table: PK = countyCode, RK = request id (deterministic from its cause, so raising it
/// twice is one request). Columns: Province, OfficeCode, Kind ("complaint"), Reason, ComplaintIdsJson,
/// Status (open → done), InspectionId (the inspection that answered it), CreatedAt.
/// The complaints capability creates them; the inspections capability lists and closes them.
/// </summary>
public sealed class InspectionRequestEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string CountyCode => PartitionKey;
    [IgnoreDataMember] public string Id => RowKey;
    public string Province { get; set; } = "";
    public string OfficeCode { get; set; } = "";
    public string Kind { get; set; } = "complaint";
    public string Reason { get; set; } = "";
    public string ComplaintIdsJson { get; set; } = "[]";
    public string Status { get; set; } = "open";
    public string? InspectionId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
