using Pishkhan.Agencies;
using Pishkhan.Auth;
using Pishkhan.Contracts;
using Pishkhan.Counties;
using Pishkhan.Health;
using Pishkhan.Members;
using Pishkhan.Offices;
using Pishkhan.Ratings;
using Pishkhan.Requests;
using static Pishkhan.Auth.Role;

namespace Pishkhan.Bindings;

/// <summary>Function names: the Functions app's [Function] names and the local host's endpoint names.</summary>
public static class FunctionNames
{
    public const string GetHealth = nameof(GetHealth);
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
    public const string AgencyWebhookSecret = "agencies/{agencyId}/webhook-secret";
    public const string Requests = "requests";
    public const string Request = "requests/{id}";
    public const string RequestEvents = "requests/{id}/events";
    public const string Ratings = "ratings";
}

/// <summary>Queue names (each has a "-poison" twin, created at start-up).</summary>
public static class QueueNames
{
    public const string Notifications = "notifications";
    public const string Inspections = "inspections";
    public const string RequestCallbacks = "request-callbacks";

    /// <summary>Every queue the app uses, bound or only written to; each is created with its poison twin.</summary>
    public static readonly string[] All = [Notifications, Inspections, RequestCallbacks];
}

/// <summary>Six-field NCRONTAB schedules, in UTC (Tehran is UTC+03:30 all year).</summary>
public static class Schedules
{
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
        new(FunctionNames.RotateWebhookSecret, "POST", Routes.AgencyWebhookSecret, Admin, Webhooks.RotateSecret),
        new(FunctionNames.PostRequest, "POST", Routes.Requests, AccessRule.For(Agency), IntakeApi.Post),
        new(FunctionNames.GetRequest, "GET", Routes.Request, AccessRule.For(Role.Admin, Agency, Office), RequestsApi.Get),
        new(FunctionNames.ListRequests, "GET", Routes.Requests, AccessRule.For(Role.Admin, Agency, Office), RequestsApi.List),
        new(FunctionNames.PostRequestEvent, "POST", Routes.RequestEvents, AccessRule.For(Office), RequestsApi.PostEvent),
        new(FunctionNames.PostRating, "POST", Routes.Ratings, AccessRule.Public, RatingsApi.Post),
    ];

    public static readonly IReadOnlyList<QueueBinding> Queues =
    [
        new(FunctionNames.SendRequestCallback, QueueNames.RequestCallbacks, Webhooks.Send),
    ];

    public static readonly IReadOnlyList<TimerBinding> Timers =
    [
        new(FunctionNames.SlaSweep, Schedules.SlaSweep, Requests.SlaSweep.Run),
    ];
}
