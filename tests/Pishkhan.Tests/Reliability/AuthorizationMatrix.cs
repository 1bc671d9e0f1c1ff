using Pishkhan.Local;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pishkhan.Auth;
using Pishkhan.Bindings;
using Pishkhan.Http;
using Pishkhan.Inspections;
using Pishkhan.OpenApi;
using Pishkhan.Sanctions;

namespace Pishkhan.Tests.Reliability;

/// <summary>Who a resource or a caller belongs to, in the test's own terms (independent of Auth/ScopePolicy).</summary>
public sealed record Scope(string Province, string? County = null, string? Office = null, string? Agency = null);

/// <summary>
/// One caller of the matrix. <see cref="Role"/> is null for the three callers without a valid key; the scope is what
/// its key was issued for. xunit runs the rows in an order of its own (by test-case id), so no row relies on another:
/// state-changing routes get a resource of their own where a first success would change the next caller's answer
/// (see <see cref="MatrixWorld.ComplaintFor"/>), and an own caller's expectation (not 401/403) holds in any state.
/// </summary>
public sealed record MatrixCaller(string Name, Role? Role, Scope? Scope)
{
    public bool Covers(Scope resource) => Role switch
    {
        Pishkhan.Auth.Role.Admin or Pishkhan.Auth.Role.Member => Scope!.Province == resource.Province,
        Pishkhan.Auth.Role.Inspector => resource.County is not null && Scope!.Province == resource.Province && Scope.County == resource.County,
        Pishkhan.Auth.Role.Agency => resource.Agency is not null && Scope!.Agency == resource.Agency,
        Pishkhan.Auth.Role.Office => resource.Office is not null && Scope!.Office == resource.Office,
        _ => false,
    };
}

/// <summary>What a route's target resource is: its scope, and whether the route answers a foreign caller with its own scope's data (a list, a policy of the caller's province) instead of refusing.</summary>
/// <param name="Target">Null: no object scope (national data such as holidays).</param>
/// <param name="ScopedToCaller">A caller outside <paramref name="Target"/> may get 2xx, but only with data of its own scope.</param>
/// <param name="Query">Query string pointing at the target (list routes).</param>
/// <param name="ForeignCheck">For a 2xx to a caller outside the target: returns why the answer is wrong, or null.</param>
/// <param name="NamedInBody">The target is named in the body: a caller outside it may also get the 400 field error an unknown reference gets
/// ("no such contract of your agency"), which tells it no more than a 404.</param>
/// <param name="Arrange">For a caller the route allows: makes a fresh resource of the target's scope in the state the route
/// needs (an open complaint, an accepted request, a confirmed sanction) and returns what to call instead of the seeded
/// resource, so the allowed cell answers 2xx whatever other rows did before it.</param>
/// <param name="ReplacesExisting">A PUT that replaces a seeded resource and requires If-Match for it (428 without): the
/// matrix sends <c>If-Match: *</c>, since it checks who may call, not preconditions (those have their own tests).</param>
public sealed record RouteSpec(Func<MatrixWorld, Scope?> Target, bool ScopedToCaller = false, string? Query = null,
    Func<JsonNode?, string?>? ForeignCheck = null, bool NamedInBody = false, Func<MatrixWorld, Task<Arrangement>>? Arrange = null,
    bool ReplacesExisting = false);

/// <summary>Route-parameter values (by name) and, where the state decides it, a body to use for one allowed row.</summary>
public sealed record Arrangement(IReadOnlyDictionary<string, string> Parameters, object? Body = null);

public enum Expectation
{
    /// <summary>401: no key, an unknown key or a revoked key on a non-public route.</summary>
    Unauthorized,
    /// <summary>403: the caller's role may not call the route.</summary>
    Forbidden,
    /// <summary>403 or 404: an allowed role, a resource outside its scope.</summary>
    Denied,
    /// <summary>403/404, or 2xx with data of the caller's own scope only.</summary>
    DeniedOrOwnData,
    /// <summary>An allowed role on its own resource: 2xx (state-changing routes arrange a fresh resource first, see <see cref="RouteSpec.Arrange"/>).</summary>
    Allowed,
    /// <summary>A public route: never 401 (a presented bad key is ignored), never 5xx.</summary>
    Public,
}

/// <summary>
/// The authorization matrix: every route of <see cref="LocalHost.Catalog.Http"/> × every <see cref="MatrixCaller"/>, with
/// the expected outcome derived from the route's <see cref="AccessRule"/> and the caller's scope against the route's
/// target. Concrete paths come from <see cref="Parameters"/> (by route-parameter name), bodies from the OpenAPI examples
/// in <see cref="ApiDocs"/> (adjusted to the seeded province) or <see cref="FallbackBodies"/>. A route this file does not
/// know (a new parameter name, a POST/PUT without a sample body, no <see cref="Specs"/> entry) fails the matrix.
/// </summary>
public static partial class AuthorizationMatrix
{
    public const string ProvinceA = "lorestan";
    public const string ProvinceB = "ilam";
    public const string TagA = "ma";
    public const string TagB = "mb";

    public static readonly Scope A = new(ProvinceA);
    public static readonly Scope CountyA1 = new(ProvinceA, "ma-c1");
    public static readonly Scope OfficeA1 = new(ProvinceA, "ma-c1", "ma-o1");
    public static readonly Scope AgencyA = new(ProvinceA, Agency: "ma-post");
    /// <summary>A service request: the sending agency's and the handling office's (and its county's).</summary>
    public static readonly Scope RequestA = new(ProvinceA, "ma-c1", "ma-o1", "ma-post");

    public static readonly IReadOnlyList<MatrixCaller> Callers =
    [
        new("anonymous", null, null),
        new("unknown-key", null, null),
        new("revoked-key", null, null),
        new("admin-foreign", Role.Admin, new Scope(ProvinceB)),
        new("member-foreign", Role.Member, new Scope(ProvinceB)),
        new("inspector-foreign", Role.Inspector, new Scope(ProvinceA, "ma-c2")),
        new("agency-foreign", Role.Agency, new Scope(ProvinceB, Agency: "mb-post")),
        new("office-foreign", Role.Office, new Scope(ProvinceA, "ma-c1", "ma-o2")),
        new("member-own", Role.Member, new Scope(ProvinceA)),
        new("agency-own", Role.Agency, new Scope(ProvinceA, Agency: "ma-post")),
        new("office-own", Role.Office, new Scope(ProvinceA, "ma-c1", "ma-o1")),
        new("inspector-own", Role.Inspector, new Scope(ProvinceA, "ma-c1")),
        new("admin-own", Role.Admin, new Scope(ProvinceA)),
    ];

    /// <summary>Route parameter → value for the target resource (the route decides where one name means several things, e.g. {id}).</summary>
    public static readonly IReadOnlyDictionary<string, Func<MatrixWorld, HttpBinding, string>> Parameters =
        new Dictionary<string, Func<MatrixWorld, HttpBinding, string>>
        {
            ["countyCode"] = (_, _) => "ma-c1",
            ["officeCode"] = (_, _) => "ma-o1",
            ["agencyId"] = (_, _) => "ma-post",
            ["contractId"] = (_, _) => "ma-k1",
            ["memberId"] = (_, _) => "m-chair",
            ["keyId"] = (w, _) => w.VictimKeyId,
            ["date"] = (_, _) => "1410-01-10",
            ["period"] = (_, _) => "1405-08",
            ["scope"] = (_, _) => ProvinceA,
            ["indicator"] = (_, _) => "slaCompliance",
            ["meetingId"] = (w, _) => w.MeetingId,
            ["decisionId"] = (w, _) => w.DecisionId,
            ["trackingCode"] = (w, b) => w.ComplaintFor(b.Function),
            ["version"] = (_, b) => b.Method == "GET" ? "current" : "2",
            ["requestId"] = (w, _) => w.RequestId,
            ["id"] = (w, b) => b.Route.Split('/')[0] switch
            {
                "inspections" => w.InspectionId,
                "sanctions" => w.SanctionId,
                var other => throw new InvalidOperationException($"The matrix does not know what {{id}} of '{other}/…' is: add it to AuthorizationMatrix.Parameters."),
            },
        };

    /// <summary>Every route's target. A route missing here fails <c>MatrixKnowsEveryRoute</c>.</summary>
    public static readonly IReadOnlyDictionary<string, RouteSpec> Specs = new Dictionary<string, RouteSpec>
    {
        ["GetHealth"] = new(_ => null),
        ["GetOpenApi"] = new(_ => null),
        ["PostKey"] = new(_ => A),
        // Every valid key reads its own principal: no object scope.
        ["GetMe"] = new(_ => null),
        ["GetKey"] = new(_ => A),
        ["DeleteKey"] = new(_ => A),
        ["PutCounty"] = new(_ => A),
        ["GetCounty"] = new(_ => A),
        ["ListCounties"] = new(_ => A, Query: "province=" + ProvinceA),
        ["PutOffice"] = new(_ => A, ReplacesExisting: true),
        ["GetOffice"] = new(_ => OfficeA1),
        ["ListOffices"] = new(_ => CountyA1, ScopedToCaller: true, Query: $"province={ProvinceA}&countyCode=ma-c1"),
        // The import answers 200 with per-row errors; a foreign admin's rows must all be refused.
        ["ImportOffices"] = new(_ => A, ScopedToCaller: true,
            ForeignCheck: json => json?["applied"]?.GetValue<int>() is 0 ? null : "a foreign admin's import applied rows"),
        ["PutAgency"] = new(_ => A),
        ["GetAgency"] = new(_ => AgencyA),
        ["ListAgencies"] = new(_ => A, ScopedToCaller: true, Query: "province=" + ProvinceA),
        ["PutContract"] = new(_ => A),
        ["GetContract"] = new(_ => AgencyA),
        ["PutMember"] = new(_ => A),
        ["ListMembers"] = new(_ => A, ScopedToCaller: true, Query: "province=" + ProvinceA),
        ["ListHolidays"] = new(_ => null),
        ["PutHoliday"] = new(_ => null),
        ["DeleteHoliday"] = new(_ => null),
        ["PutTarget"] = new(_ => A),
        ["GetTargets"] = new(_ => A),
        ["PostMeeting"] = new(_ => A),
        ["ListMeetings"] = new(_ => A, Query: "scope=" + ProvinceA),
        ["GetMeeting"] = new(_ => A),
        ["PostDecisionStatus"] = new(_ => A),
        ["PutRankingPolicy"] = new(_ => A),
        ["GetRankingPolicy"] = new(_ => A, Query: "province=" + ProvinceA),
        ["GetRanking"] = new(_ => A, Query: "scope=" + ProvinceA),
        // The province is the caller's (?province= is for the bootstrap key only): a foreign admin recomputes its own.
        ["RecomputeRanking"] = new(_ => A, ScopedToCaller: true, Query: "province=" + ProvinceA),
        ["ListPublicOffices"] = new(_ => CountyA1, Query: "countyCode=ma-c1"),
        ["ListPublishedReports"] = new(_ => null),
        ["FileComplaint"] = new(_ => OfficeA1),
        ["GetComplaintStatus"] = new(_ => OfficeA1),
        ["EscalateComplaint"] = new(_ => OfficeA1),
        ["WithdrawComplaint"] = new(_ => OfficeA1),
        ["ListComplaintCategories"] = new(_ => null),
        // An office key always lists the complaints about itself (?officeCode= is ignored for it).
        ["ListComplaints"] = new(_ => OfficeA1, ScopedToCaller: true, Query: "officeCode=ma-o1"),
        ["GetComplaintCase"] = new(_ => OfficeA1),
        ["DecideComplaint"] = new(_ => OfficeA1, Arrange: w => w.OpenComplaintAsync()),
        ["ExtendComplaint"] = new(_ => OfficeA1, Arrange: w => w.ComplaintToExtendAsync()),
        ["GetComplaintAccessLog"] = new(_ => OfficeA1),
        // Checklists and policies are per province and the province is the caller's.
        ["GetInspectionTemplate"] = new(_ => A, ScopedToCaller: true, Query: "province=" + ProvinceA),
        ["PutInspectionTemplate"] = new(_ => A, ScopedToCaller: true, Query: "province=" + ProvinceA),
        ["PostInspection"] = new(_ => OfficeA1),
        ["GetInspection"] = new(_ => OfficeA1),
        ["ListInspections"] = new(_ => OfficeA1, Query: "officeCode=ma-o1"),
        ["ListInspectionRequests"] = new(_ => CountyA1, Query: "countyCode=ma-c1"),
        ["ListInspectionFollowUps"] = new(_ => CountyA1, Query: "countyCode=ma-c1"),
        ["GetInspectionCoverage"] = new(_ => CountyA1),
        ["PostReinspectionDraw"] = new(_ => A, ScopedToCaller: true, Query: "province=" + ProvinceA),
        ["GetReinspections"] = new(_ => A, ScopedToCaller: true, Query: $"province={ProvinceA}&countyCode=ma-c1"),
        ["ListInspectionPoison"] = new(_ => A, ScopedToCaller: true),
        ["GetInspectionPolicy"] = new(_ => A, Query: "province=" + ProvinceA),
        ["PutInspectionPolicy"] = new(_ => A, ScopedToCaller: true, Query: "province=" + ProvinceA),
        ["ListSanctions"] = new(_ => OfficeA1, Query: "officeCode=ma-o1"),
        ["GetSanction"] = new(_ => OfficeA1),
        ["DecideSanction"] = new(_ => OfficeA1, Arrange: w => w.ProposedSanctionAsync()),
        ["ObjectSanction"] = new(_ => OfficeA1, Arrange: w => w.ConfirmedSanctionAsync()),
        ["GetSanctionPolicy"] = new(_ => A, Query: "province=" + ProvinceA),
        ["PutSanctionPolicy"] = new(_ => A, ScopedToCaller: true, Query: "province=" + ProvinceA),
        ["SendDigests"] = new(_ => A),
        ["RotateWebhookSecret"] = new(_ => A),
        ["PostRequest"] = new(_ => AgencyA, NamedInBody: true),
        ["GetRequest"] = new(_ => RequestA),
        // An agency or office key lists its own requests whatever the query says (an office naming another office is 403).
        ["ListRequests"] = new(_ => RequestA, ScopedToCaller: true, Query: "officeCode=ma-o1"),
        ["PostRequestEvent"] = new(_ => RequestA, Arrange: w => w.AcceptedRequestAsync()),
        ["PostRating"] = new(_ => null),
        // A forged token: the routes are public, the signature is what protects a member's setting.
        ["GetUnsubscribe"] = new(_ => null, Query: $"t={ProvinceA}.m-chair.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ["PostUnsubscribe"] = new(_ => null, Query: $"t={ProvinceA}.m-chair.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    };

    /// <summary>Sample bodies for POST/PUT routes whose OpenAPI entry has no example; null = the route takes no body.</summary>
    public static readonly IReadOnlyDictionary<string, Func<MatrixWorld, object?>> FallbackBodies = new Dictionary<string, Func<MatrixWorld, object?>>
    {
        ["PutInspectionTemplate"] = _ => new PutChecklistTemplate(DefaultChecklist.Template.Items),
        ["PostInspection"] = _ => new PostInspection("ma-o1", InspectionType.Routine, DateTimeOffset.UtcNow.AddHours(-2),
            DefaultChecklist.Template.Items.Select(i => new ItemCheck(i.Code, ItemResult.Pass)).ToList()),
        ["PutInspectionPolicy"] = _ => InspectionPolicy.Default,
        ["PutSanctionPolicy"] = _ => SanctionPolicy.Default,
        ["PostReinspectionDraw"] = _ => null,
        ["DecideSanction"] = _ => new SanctionDecision(SanctionDecisionKind.Confirm, "بررسی شد و تأیید می‌شود"),
        ["ObjectSanction"] = _ => new SanctionObjection("تخلف در زمان بازرسی برطرف شده بود"),
    };

    /// <summary>The OpenAPI examples use the docs' sample province; these rewrite them to the seeded one.</summary>
    private static readonly (string From, string To)[] ExampleRewrites =
    [
        ("lr-post-1405", "ma-k1"), ("lorestan-post", "ma-post"), ("kh-0012", "ma-o1"), ("khorramabad", "ma-c1"), ("borujerd", "ma-c2"),
    ];

    /// <summary>Per-route edits after the rewrite, where an example's date would be refused today (a future meeting).</summary>
    private static readonly IReadOnlyDictionary<string, Func<JsonObject, JsonObject>> ExampleEdits = new Dictionary<string, Func<JsonObject, JsonObject>>
    {
        ["PostMeeting"] = o => { o["date"] = Pishkhan.Calendar.JalaliDate.FormatAscii(Pishkhan.Calendar.Tehran.Today(TimeProvider.System).AddDays(-1)); return o; },
        ["FileComplaint"] = o => { o["description"] = "دفتر برای خدمت ساده وجه اضافه خواست. شناسه ماتریس " + Guid.NewGuid().ToString("N"); o.Remove("incidentDate"); return o; },
    };

    public sealed record Body(string Text, string MediaType);

    /// <summary>The sample body of a POST/PUT route; null for a route without body. Throws for a route the matrix does not know.</summary>
    public static Body? BodyFor(HttpBinding binding, MatrixWorld world)
    {
        if (binding.Method is not ("POST" or "PUT")) return null;
        OpenApiDocument.Docs.TryGetValue(binding.Function, out var doc);
        if (doc is { NoBody: true }) return null;
        if (doc?.BodyExample is { } example)
        {
            foreach (var (from, to) in ExampleRewrites) example = example.Replace(from, to, StringComparison.Ordinal);
            if (doc.BodyMediaType != "application/json") return new Body(example, doc.BodyMediaType);
            var json = JsonNode.Parse(example)!.AsObject();
            if (ExampleEdits.TryGetValue(binding.Function, out var edit)) json = edit(json);
            return new Body(json.ToJsonString(), "application/json");
        }
        if (FallbackBodies.TryGetValue(binding.Function, out var fallback))
            return fallback(world) is { } body ? new Body(JsonSerializer.Serialize(body, body.GetType(), Json.Options), "application/json") : null;
        throw new InvalidOperationException($"{binding.Method} {binding.Route} ({binding.Function}) has no body sample: add a BodyExample to ApiDocs or a FallbackBodies entry.");
    }

    public static bool KnowsBody(HttpBinding binding) =>
        binding.Method is not ("POST" or "PUT")
        || OpenApiDocument.Docs.TryGetValue(binding.Function, out var doc) && (doc.NoBody || doc.BodyExample is not null)
        || FallbackBodies.ContainsKey(binding.Function);

    public static IEnumerable<string> RouteParameters(string route) => RouteParameter().Matches(route).Select(m => m.Groups[1].Value);

    /// <summary>What the matrix is missing to test a route (empty when it knows it).</summary>
    public static List<string> Gaps(HttpBinding binding)
    {
        var gaps = RouteParameters(binding.Route).Where(p => !Parameters.ContainsKey(p)).Select(p => $"parameter {{{p}}}").ToList();
        if (!Specs.ContainsKey(binding.Function)) gaps.Add("a RouteSpec (target scope)");
        if (!KnowsBody(binding)) gaps.Add("a sample body");
        return gaps;
    }

    public static string PathFor(HttpBinding binding, MatrixWorld world, Arrangement? arranged = null)
    {
        string Value(string name) => arranged?.Parameters.GetValueOrDefault(name) ?? Parameters[name](world, binding);
        var path = "/api/" + RouteParameter().Replace(binding.Route, m => Uri.EscapeDataString(Value(m.Groups[1].Value)));
        return Specs[binding.Function].Query is { } query ? path + "?" + query : path;
    }

    public static Expectation Expect(HttpBinding binding, MatrixCaller caller, MatrixWorld world)
    {
        if (binding.Access.IsPublic) return Expectation.Public;
        if (caller.Role is not { } role) return Expectation.Unauthorized;
        if (!binding.Access.Roles.Contains(role)) return Expectation.Forbidden;
        var spec = Specs[binding.Function];
        if (spec.Target(world) is not { } target || caller.Covers(target)) return Expectation.Allowed;
        return spec.ScopedToCaller ? Expectation.DeniedOrOwnData : Expectation.Denied;
    }

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var binding in LocalHost.Catalog.Http)
            foreach (var caller in Callers)
                rows.Add($"{binding.Method} {binding.Route}", caller.Name);
        return rows;
    }

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex RouteParameter();
}
