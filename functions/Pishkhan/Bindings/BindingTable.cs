using Pishkhan.Agencies;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Complaints;
using Pishkhan.Contracts;
using Pishkhan.Counties;
using Pishkhan.Digests;
using Pishkhan.Health;
using Pishkhan.Inspections;
using Pishkhan.Meetings;
using Pishkhan.Members;
using Pishkhan.Notifications;
using Pishkhan.Offices;
using Pishkhan.OpenApi;
using Pishkhan.RankingPolicy;
using Pishkhan.Rankings;
using Pishkhan.Sanctions;
using Pishkhan.Targets;
using Pishkhan.Ratings;
using Pishkhan.Requests;
using static Pishkhan.Auth.Role;

namespace Pishkhan.Bindings;

/// <summary>Function names: the Functions app's [Function] names and the local host's endpoint names.</summary>
public static class FunctionNames
{
    public const string GetHealth = nameof(GetHealth);
    public const string GetOpenApi = nameof(GetOpenApi);
    public const string PostKey = nameof(PostKey);
    public const string GetKey = nameof(GetKey);
    public const string DeleteKey = nameof(DeleteKey);
    public const string PutCounty = nameof(PutCounty);
    public const string GetCounty = nameof(GetCounty);
    public const string ListCounties = nameof(ListCounties);
    public const string PutOffice = nameof(PutOffice);
    public const string GetOffice = nameof(GetOffice);
    public const string ListOffices = nameof(ListOffices);
    public const string ImportOffices = nameof(ImportOffices);
    public const string PutAgency = nameof(PutAgency);
    public const string GetAgency = nameof(GetAgency);
    public const string ListAgencies = nameof(ListAgencies);
    public const string PutContract = nameof(PutContract);
    public const string GetContract = nameof(GetContract);
    public const string PutMember = nameof(PutMember);
    public const string ListMembers = nameof(ListMembers);
    public const string ListHolidays = nameof(ListHolidays);
    public const string PutHoliday = nameof(PutHoliday);
    public const string DeleteHoliday = nameof(DeleteHoliday);
    public const string PutTarget = nameof(PutTarget);
    public const string GetTargets = nameof(GetTargets);
    public const string PostMeeting = nameof(PostMeeting);
    public const string ListMeetings = nameof(ListMeetings);
    public const string GetMeeting = nameof(GetMeeting);
    public const string PostDecisionStatus = nameof(PostDecisionStatus);
    public const string PutRankingPolicy = nameof(PutRankingPolicy);
    public const string GetRankingPolicy = nameof(GetRankingPolicy);
    public const string GetRanking = nameof(GetRanking);
    public const string RecomputeRanking = nameof(RecomputeRanking);
    public const string RankProvince = nameof(RankProvince);
    public const string RankingDaily = nameof(RankingDaily);
    public const string FileComplaint = nameof(FileComplaint);
    public const string GetComplaintStatus = nameof(GetComplaintStatus);
    public const string EscalateComplaint = nameof(EscalateComplaint);
    public const string WithdrawComplaint = nameof(WithdrawComplaint);
    public const string ListComplaintCategories = nameof(ListComplaintCategories);
    public const string ListComplaints = nameof(ListComplaints);
    public const string GetComplaintCase = nameof(GetComplaintCase);
    public const string DecideComplaint = nameof(DecideComplaint);
    public const string ExtendComplaint = nameof(ExtendComplaint);
    public const string GetComplaintAccessLog = nameof(GetComplaintAccessLog);
    public const string ComplaintDeadlines = nameof(ComplaintDeadlines);
    public const string GetInspectionTemplate = nameof(GetInspectionTemplate);
    public const string PutInspectionTemplate = nameof(PutInspectionTemplate);
    public const string PostInspection = nameof(PostInspection);
    public const string GetInspection = nameof(GetInspection);
    public const string ListInspections = nameof(ListInspections);
    public const string ListInspectionRequests = nameof(ListInspectionRequests);
    public const string ListInspectionFollowUps = nameof(ListInspectionFollowUps);
    public const string GetInspectionCoverage = nameof(GetInspectionCoverage);
    public const string PostReinspectionDraw = nameof(PostReinspectionDraw);
    public const string GetReinspections = nameof(GetReinspections);
    public const string ListInspectionPoison = nameof(ListInspectionPoison);
    public const string GetInspectionPolicy = nameof(GetInspectionPolicy);
    public const string PutInspectionPolicy = nameof(PutInspectionPolicy);
    public const string ProcessInspection = nameof(ProcessInspection);
    public const string DrawReinspections = nameof(DrawReinspections);
    public const string ListSanctions = nameof(ListSanctions);
    public const string GetSanction = nameof(GetSanction);
    public const string DecideSanction = nameof(DecideSanction);
    public const string ObjectSanction = nameof(ObjectSanction);
    public const string GetSanctionPolicy = nameof(GetSanctionPolicy);
    public const string PutSanctionPolicy = nameof(PutSanctionPolicy);
    public const string SweepSanctions = nameof(SweepSanctions);
    public const string SendNotification = nameof(SendNotification);
    public const string WeeklyDigest = nameof(WeeklyDigest);
    public const string SendDigests = nameof(SendDigests);
    public const string GetUnsubscribe = nameof(GetUnsubscribe);
    public const string PostUnsubscribe = nameof(PostUnsubscribe);
    public const string RotateWebhookSecret = nameof(RotateWebhookSecret);
    public const string PostRequest = nameof(PostRequest);
    public const string GetRequest = nameof(GetRequest);
    public const string ListRequests = nameof(ListRequests);
    public const string PostRequestEvent = nameof(PostRequestEvent);
    public const string PostRating = nameof(PostRating);
    public const string SendRequestCallback = nameof(SendRequestCallback);
    public const string SlaSweep = nameof(SlaSweep);
}

/// <summary>Route templates, relative to the "api" prefix (host.json extensions.http.routePrefix).</summary>
public static class Routes
{
    public const string Health = "health";
    public const string OpenApi = "openapi.json";
    public const string Keys = "keys";
    public const string Key = "keys/{keyId}";
    public const string County = "counties/{countyCode}";
    public const string Counties = "counties";
    public const string Office = "offices/{officeCode}";
    public const string Offices = "offices";
    public const string OfficesImport = "offices:import";
    public const string Agency = "agencies/{agencyId}";
    public const string Agencies = "agencies";
    public const string Contract = "contracts/{contractId}";
    public const string Member = "members/{memberId}";
    public const string Members = "members";
    public const string Holidays = "holidays";
    public const string Holiday = "holidays/{date}";
    public const string Target = "targets/{scope}/{period}/{indicator}";
    public const string Targets = "targets/{scope}/{period}";
    public const string Meetings = "meetings";
    public const string Meeting = "meetings/{meetingId}";
    public const string DecisionStatus = "meetings/{meetingId}/decisions/{decisionId}/status";
    public const string RankingPolicy = "ranking-policy";
    public const string Ranking = "rankings/{period}";
    public const string RankingRecompute = "rankings/{period}:recompute";
    public const string Complaints = "complaints";
    public const string Complaint = "complaints/{trackingCode}";
    public const string ComplaintEscalation = "complaints/{trackingCode}/escalation";
    public const string ComplaintWithdrawal = "complaints/{trackingCode}/withdrawal";
    public const string ComplaintCase = "complaints/{trackingCode}/case";
    public const string ComplaintDecision = "complaints/{trackingCode}/decision";
    public const string ComplaintExtension = "complaints/{trackingCode}/extension";
    public const string ComplaintAccessLog = "complaints/{trackingCode}/access-log";
    public const string ComplaintCategories = "complaint-categories";
    public const string InspectionTemplate = "inspection-templates/{version}";
    public const string Inspections = "inspections";
    public const string Inspection = "inspections/{id}";
    public const string InspectionRequests = "inspection-requests";
    public const string InspectionFollowUps = "inspection-followups";
    public const string InspectionCoverage = "inspection-coverage/{countyCode}";
    public const string ReinspectionDraw = "reinspection-draws/{period}";
    public const string Reinspections = "reinspections/{period}";
    public const string InspectionPoison = "poison/inspections";
    public const string InspectionPolicy = "inspection-policy";
    public const string Sanctions = "sanctions";
    public const string Sanction = "sanctions/{id}";
    public const string SanctionDecision = "sanctions/{id}/decision";
    public const string SanctionObjection = "sanctions/{id}/objection";
    public const string SanctionPolicy = "sanction-policy";
    public const string DigestsSend = "digests:send";
    public const string Unsubscribe = "unsubscribe";
    public const string AgencyWebhookSecret = "agencies/{agencyId}/webhook-secret";
    public const string Requests = "requests";
    public const string Request = "requests/{requestId}";
    public const string RequestEvents = "requests/{requestId}/events";
    public const string Ratings = "ratings";
}

/// <summary>Queue names (each has a "-poison" twin, created at start-up).</summary>
public static class QueueNames
{
    public const string Notifications = "notifications";
    public const string Inspections = "inspections";
    public const string Rankings = "rankings";
    public const string RequestCallbacks = "request-callbacks";

    /// <summary>Every queue the app uses, bound or only written to; each is created with its poison twin.</summary>
    public static readonly string[] All = [Notifications, Inspections, Rankings, RequestCallbacks];
}

/// <summary>Six-field NCRONTAB schedules, in UTC (Tehran is UTC+03:30 all year).</summary>
public static class Schedules
{
    /// <summary>Daily at 21:00 UTC = 00:30 Tehran: the first half hour of a new Jalali month is already past.</summary>
    public const string RankingDaily = "0 0 21 * * *";
    /// <summary>Hourly at minute 15: flags overdue complaints, finishes interrupted side effects.</summary>
    public const string ComplaintDeadlines = "0 15 * * * *";
    /// <summary>Every five minutes: confirmed sanctions whose objection window has passed take effect; terms end.</summary>
    public const string SweepSanctions = "0 */5 * * * *";
    /// <summary>Daily at 21:30 UTC (01:00 Tehran): draws the closed month's re-inspections.</summary>
    public const string DrawReinspections = "0 30 21 * * *";
    /// <summary>Saturday 07:00 Tehran = 03:30 UTC (the week starts on Saturday).</summary>
    public const string WeeklyDigest = "0 30 3 * * 6";
    /// <summary>Hourly at minute 5: marks overdue open service requests breached.</summary>
    public const string SlaSweep = "0 5 * * * *";
}

public static class BindingTable
{
    private static readonly AccessRule Admin = AccessRule.For(Role.Admin);
    private static readonly AccessRule Staff = AccessRule.For(Role.Admin, Member, Inspector);

    public static readonly IReadOnlyList<HttpBinding> Http =
    [
        new(FunctionNames.GetHealth, "GET", Routes.Health, AccessRule.Public, HealthApi.Get),
        new(FunctionNames.GetOpenApi, "GET", Routes.OpenApi, AccessRule.Public, OpenApiDocument.Get),
        new(FunctionNames.PostKey, "POST", Routes.Keys, Admin, KeysApi.Post),
        new(FunctionNames.GetKey, "GET", Routes.Key, Admin, KeysApi.Get),
        new(FunctionNames.DeleteKey, "DELETE", Routes.Key, Admin, KeysApi.Delete),
        new(FunctionNames.PutCounty, "PUT", Routes.County, Admin, CountiesApi.Put),
        new(FunctionNames.GetCounty, "GET", Routes.County, AccessRule.Public, CountiesApi.Get),
        new(FunctionNames.ListCounties, "GET", Routes.Counties, AccessRule.Public, CountiesApi.List),
        new(FunctionNames.PutOffice, "PUT", Routes.Office, Admin, OfficesApi.Put),
        new(FunctionNames.GetOffice, "GET", Routes.Office, AccessRule.For(Role.Admin, Member, Inspector, Office), OfficesApi.Get),
        new(FunctionNames.ListOffices, "GET", Routes.Offices, Staff, OfficesApi.List),
        new(FunctionNames.ImportOffices, "POST", Routes.OfficesImport, Admin, OfficeImport.Post),
        new(FunctionNames.PutAgency, "PUT", Routes.Agency, Admin, AgenciesApi.Put),
        new(FunctionNames.GetAgency, "GET", Routes.Agency, AccessRule.For(Role.Admin, Member, Agency), AgenciesApi.Get),
        new(FunctionNames.ListAgencies, "GET", Routes.Agencies, AccessRule.For(Role.Admin, Member), AgenciesApi.List),
        new(FunctionNames.PutContract, "PUT", Routes.Contract, Admin, ContractsApi.Put),
        new(FunctionNames.GetContract, "GET", Routes.Contract, AccessRule.For(Role.Admin, Member, Agency), ContractsApi.Get),
        new(FunctionNames.PutMember, "PUT", Routes.Member, Admin, MembersApi.Put),
        new(FunctionNames.ListMembers, "GET", Routes.Members, Admin, MembersApi.List),
        new(FunctionNames.ListHolidays, "GET", Routes.Holidays, AccessRule.Public, HolidaysApi.List),
        new(FunctionNames.PutHoliday, "PUT", Routes.Holiday, Admin, HolidaysApi.Put),
        new(FunctionNames.DeleteHoliday, "DELETE", Routes.Holiday, Admin, HolidaysApi.Delete),
        new(FunctionNames.PutTarget, "PUT", Routes.Target, Admin, TargetsApi.Put),
        new(FunctionNames.GetTargets, "GET", Routes.Targets, Staff, TargetsApi.Get),
        new(FunctionNames.PostMeeting, "POST", Routes.Meetings, Admin, MeetingsApi.Post),
        new(FunctionNames.ListMeetings, "GET", Routes.Meetings, Staff, MeetingsApi.List),
        new(FunctionNames.GetMeeting, "GET", Routes.Meeting, Staff, MeetingsApi.Get),
        new(FunctionNames.PostDecisionStatus, "POST", Routes.DecisionStatus, Admin, MeetingsApi.PostStatus),
        new(FunctionNames.PutRankingPolicy, "PUT", Routes.RankingPolicy, Admin, RankingPolicyApi.Put),
        new(FunctionNames.GetRankingPolicy, "GET", Routes.RankingPolicy, AccessRule.Public, RankingPolicyApi.Get),
        new(FunctionNames.GetRanking, "GET", Routes.Ranking, AccessRule.Public, RankingsApi.Get),
        new(FunctionNames.RecomputeRanking, "POST", Routes.RankingRecompute, Admin, RankingsApi.Recompute),
        new(FunctionNames.FileComplaint, "POST", Routes.Complaints, AccessRule.Public, ComplaintsApi.File),
        new(FunctionNames.GetComplaintStatus, "GET", Routes.Complaint, AccessRule.Public, ComplaintsApi.Get),
        new(FunctionNames.EscalateComplaint, "POST", Routes.ComplaintEscalation, AccessRule.Public, ComplaintsApi.Escalate),
        new(FunctionNames.WithdrawComplaint, "POST", Routes.ComplaintWithdrawal, AccessRule.Public, ComplaintsApi.Withdraw),
        new(FunctionNames.ListComplaintCategories, "GET", Routes.ComplaintCategories, AccessRule.Public, ComplaintsApi.ListCategories),
        new(FunctionNames.ListComplaints, "GET", Routes.Complaints, AccessRule.For(Role.Admin, Inspector, Office), ComplaintsApi.List),
        new(FunctionNames.GetComplaintCase, "GET", Routes.ComplaintCase, AccessRule.For(Role.Admin, Inspector), ComplaintsApi.GetCase),
        new(FunctionNames.DecideComplaint, "POST", Routes.ComplaintDecision, AccessRule.For(Role.Admin, Inspector), ComplaintsApi.Decide),
        new(FunctionNames.ExtendComplaint, "POST", Routes.ComplaintExtension, AccessRule.For(Role.Admin, Inspector), ComplaintsApi.Extend),
        new(FunctionNames.GetComplaintAccessLog, "GET", Routes.ComplaintAccessLog, Admin, ComplaintsApi.AccessLog),
        new(FunctionNames.GetInspectionTemplate, "GET", Routes.InspectionTemplate, AccessRule.For(Role.Admin, Member, Inspector, Office), ChecklistApi.Get),
        new(FunctionNames.PutInspectionTemplate, "PUT", Routes.InspectionTemplate, Admin, ChecklistApi.Put),
        new(FunctionNames.PostInspection, "POST", Routes.Inspections, AccessRule.For(Role.Admin, Inspector), InspectionsApi.Post),
        new(FunctionNames.GetInspection, "GET", Routes.Inspection, AccessRule.For(Role.Admin, Member, Inspector, Office), InspectionsApi.Get),
        new(FunctionNames.ListInspections, "GET", Routes.Inspections, AccessRule.For(Role.Admin, Member, Inspector, Office), InspectionsApi.List),
        new(FunctionNames.ListInspectionRequests, "GET", Routes.InspectionRequests, AccessRule.For(Role.Admin, Inspector), InspectionsApi.ListRequests),
        new(FunctionNames.ListInspectionFollowUps, "GET", Routes.InspectionFollowUps, AccessRule.For(Role.Admin, Inspector), InspectionsApi.ListFollowUps),
        new(FunctionNames.GetInspectionCoverage, "GET", Routes.InspectionCoverage, Staff, InspectionsApi.Coverage),
        new(FunctionNames.PostReinspectionDraw, "POST", Routes.ReinspectionDraw, Admin, ReinspectionsApi.Draw),
        new(FunctionNames.GetReinspections, "GET", Routes.Reinspections, AccessRule.For(Role.Admin, Member), ReinspectionsApi.Report),
        new(FunctionNames.ListInspectionPoison, "GET", Routes.InspectionPoison, Admin, ReinspectionsApi.Poison),
        new(FunctionNames.GetInspectionPolicy, "GET", Routes.InspectionPolicy, AccessRule.Public, PolicyApi.GetInspection),
        new(FunctionNames.PutInspectionPolicy, "PUT", Routes.InspectionPolicy, Admin, PolicyApi.PutInspection),
        new(FunctionNames.ListSanctions, "GET", Routes.Sanctions, AccessRule.For(Role.Admin, Member, Inspector, Office), SanctionsApi.List),
        new(FunctionNames.GetSanction, "GET", Routes.Sanction, AccessRule.For(Role.Admin, Member, Inspector, Office), SanctionsApi.Get),
        new(FunctionNames.DecideSanction, "POST", Routes.SanctionDecision, Admin, SanctionsApi.Decide),
        new(FunctionNames.ObjectSanction, "POST", Routes.SanctionObjection, AccessRule.For(Office), SanctionsApi.Object),
        new(FunctionNames.GetSanctionPolicy, "GET", Routes.SanctionPolicy, AccessRule.Public, PolicyApi.GetSanction),
        new(FunctionNames.PutSanctionPolicy, "PUT", Routes.SanctionPolicy, Admin, PolicyApi.PutSanction),
        new(FunctionNames.SendDigests, "POST", Routes.DigestsSend, Admin, DigestJob.Send),
        new(FunctionNames.GetUnsubscribe, "GET", Routes.Unsubscribe, AccessRule.Public, UnsubscribeApi.Get),
        new(FunctionNames.PostUnsubscribe, "POST", Routes.Unsubscribe, AccessRule.Public, UnsubscribeApi.Post),
        new(FunctionNames.RotateWebhookSecret, "POST", Routes.AgencyWebhookSecret, Admin, Webhooks.RotateSecret),
        new(FunctionNames.PostRequest, "POST", Routes.Requests, AccessRule.For(Agency), IntakeApi.Post),
        new(FunctionNames.GetRequest, "GET", Routes.Request, AccessRule.For(Role.Admin, Agency, Office), RequestsApi.Get),
        new(FunctionNames.ListRequests, "GET", Routes.Requests, AccessRule.For(Role.Admin, Agency, Office), RequestsApi.List),
        new(FunctionNames.PostRequestEvent, "POST", Routes.RequestEvents, AccessRule.For(Office), RequestsApi.PostEvent),
        new(FunctionNames.PostRating, "POST", Routes.Ratings, AccessRule.Public, RatingsApi.Post),
    ];

    public static readonly IReadOnlyList<QueueBinding> Queues =
    [
        new(FunctionNames.RankProvince, QueueNames.Rankings, RankingJob.HandleAsync),
        new(FunctionNames.ProcessInspection, QueueNames.Inspections, InspectionProcessor.Handle),
        new(FunctionNames.SendNotification, QueueNames.Notifications, NotificationSender.Handle),
        new(FunctionNames.SendRequestCallback, QueueNames.RequestCallbacks, Webhooks.Send),
    ];

    public static readonly IReadOnlyList<TimerBinding> Timers =
    [
        new(FunctionNames.RankingDaily, Schedules.RankingDaily, RankingTimer.RunAsync),
        new(FunctionNames.ComplaintDeadlines, Schedules.ComplaintDeadlines, ComplaintDeadlineSweep.RunAsync),
        new(FunctionNames.SweepSanctions, Schedules.SweepSanctions, SanctionsApi.Sweep),
        new(FunctionNames.DrawReinspections, Schedules.DrawReinspections, ReinspectionsApi.DrawClosedMonth),
        new(FunctionNames.WeeklyDigest, Schedules.WeeklyDigest, DigestJob.Timer),
        new(FunctionNames.SlaSweep, Schedules.SlaSweep, Requests.SlaSweep.Run),
    ];
}
