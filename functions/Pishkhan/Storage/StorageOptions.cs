namespace Pishkhan.Storage;

/// <summary>
/// Names of every table, queue and container. <see cref="NamePrefix"/> lets several environments (or
/// test fixtures) share one storage account; the deployed Functions app leaves it empty because its
/// trigger attributes name the queues literally.
/// </summary>
public sealed class StorageNames(string prefix = "")
{
    public string NamePrefix { get; } = prefix;

    public string Table(string name) => NamePrefix + name;

    public string Queue(string name) => NamePrefix.Length == 0 ? name : NamePrefix.ToLowerInvariant() + "-" + name;

    public string Container(string name) => NamePrefix.Length == 0 || name.StartsWith('$') ? name : NamePrefix.ToLowerInvariant() + "-" + name;
}

/// <summary>The tables of the app; README "Storage layout" documents keys and columns of each.</summary>
public static class Tables
{
    public const string ApiKeys = "ApiKeys";
    public const string Directory = "Directory";
    public const string Counties = "Counties";
    public const string Offices = "Offices";
    public const string Agencies = "Agencies";
    public const string Contracts = "Contracts";
    public const string Members = "Members";
    public const string RankingPolicies = "RankingPolicies";
    public const string Holidays = "Holidays";
    public const string OfficeStats = "OfficeStats";
    public const string Outbox = "Outbox";
    public const string InspectionRequests = "InspectionRequests";
    public const string Requests = "Requests";
    public const string RequestKeys = "RequestKeys";
    public const string RequestOffices = "RequestOffices";
    public const string Targets = "Targets";
    public const string Meetings = "Meetings";
    public const string Rankings = "Rankings";
    public const string Complaints = "Complaints";
    public const string ComplaintCodes = "ComplaintCodes";
    public const string ComplaintContacts = "ComplaintContacts";
    public const string ComplaintDedupe = "ComplaintDedupe";
    public const string ComplaintAccessLog = "ComplaintAccessLog";
    public const string ComplaintSweep = "ComplaintSweep";
    public const string Inspections = "Inspections";
    public const string InspectionsByCounty = "InspectionsByCounty";
    public const string InspectionTemplates = "InspectionTemplates";
    public const string InspectionPolicies = "InspectionPolicies";
    public const string InspectionFollowUps = "InspectionFollowUps";
    public const string Reinspections = "Reinspections";
    public const string Sanctions = "Sanctions";
    public const string SanctionTimers = "SanctionTimers";
    public const string OutboxFailures = "OutboxFailures";
    public const string Digests = "Digests";
    public const string SmsOptOuts = "SmsOptOuts";
    public const string RatingCodes = "RatingCodes";

    public static readonly List<string> All =
        [ApiKeys, Directory, Counties, Offices, Agencies, Contracts, Members, RankingPolicies, Holidays, OfficeStats, Outbox, InspectionRequests, Targets, Meetings, Rankings,
         Complaints, ComplaintCodes, ComplaintContacts, ComplaintDedupe, ComplaintAccessLog, ComplaintSweep,
         Inspections, InspectionsByCounty, InspectionTemplates, InspectionPolicies, InspectionFollowUps, Reinspections, Sanctions, SanctionTimers,
         OutboxFailures, Digests, SmsOptOuts, RatingCodes,
         Requests, RequestKeys, RequestOffices];
}
