using Pishkhan.Local;
using System.Net;
using System.Text.Json.Nodes;
using Pishkhan.Bindings;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Inspections;
using static Pishkhan.Tests.Reliability.AuthorizationMatrix;

namespace Pishkhan.Tests.Reliability;

/// <summary>
/// Two provinces seeded through the API: "lorestan" (tag ma: counties ma-c1, ma-c2; offices ma-o1, ma-o2 in ma-c1 and
/// ma-o3 in ma-c2; agency ma-post with contract ma-k1; members; complaints, an inspection with a proposed sanction and a
/// meeting, all about ma-o1) and "ilam" (tag mb, the same shape), plus a key for every matrix caller.
/// </summary>
public sealed class MatrixWorld
{
    private static readonly string[] ComplainantData = ["شاکی‌نشانگر", "09127654321", "pii-marker@example.ir", "0499370899"];
    private static readonly string[] CitizenData = ["09351112233", "req-pii@example.ir", "0084575948"];
    /// <summary>The ilam request's citizen: its own agency sees it in full, so it is not among the markers above.</summary>
    private static readonly string[] OtherCitizenData = ["09131112233", "other-citizen@example.ir", "0013542419"];

    /// <summary>Personal data of the seeded complainants and citizens, with who may see it in full (static fields initialise in order: keep these below the arrays).</summary>
    public static readonly (string Value, Func<string, MatrixCaller, bool> MaySee)[] PersonalData =
    [
        .. ComplainantData.Select(v => (v, (Func<string, MatrixCaller, bool>)((function, _) => function == "GetComplaintCase"))),
        .. CitizenData.Select(v => (v, (Func<string, MatrixCaller, bool>)((_, caller) => caller.Name == "agency-own"))),
    ];


    public required TestHost Host { get; init; }
    public Dictionary<string, string?> Keys { get; } = new();
    public string VictimKeyId { get; private set; } = "";
    public string MeetingId { get; private set; } = "";
    public string DecisionId { get; private set; } = "";
    public string InspectionId { get; private set; } = "";
    public string SanctionId => InspectionId;
    public string RequestId { get; private set; } = "";
    private readonly Dictionary<string, string> _complaints = new();
    private string _mainComplaint = "";

    /// <summary>
    /// Identifiers of seeded data with the scope they belong to: a 2xx answer to a caller whose scope does not cover
    /// one of them (and whose request did not name it) is a leak.
    /// </summary>
    public List<Marker> Markers { get; } = [];

    /// <summary>A seeded identifier, visible to callers covering <paramref name="Scope"/> and to those <paramref name="Also"/> admits.</summary>
    public sealed record Marker(string Value, Scope Scope, Func<MatrixCaller, bool>? Also = null)
    {
        public bool VisibleTo(MatrixCaller caller) => caller.Covers(Scope) || Also?.Invoke(caller) == true;
    }

    /// <summary>An agency sees the codes of the offices its requests go to (any of its province's).</summary>
    private static Func<MatrixCaller, bool> AgencyOfProvince(string province) => c => c.Role == Pishkhan.Auth.Role.Agency && c.Scope!.Province == province;

    /// <summary>An office sees the agency and contract ids of the requests it handles (any agency of its province).</summary>
    private static Func<MatrixCaller, bool> OfficeOfProvince(string province) => c => c.Role == Pishkhan.Auth.Role.Office && c.Scope!.Province == province;

    public string ComplaintFor(string function) => _complaints.GetValueOrDefault(function, _mainComplaint);

    public static async Task<MatrixWorld> SeedAsync(TestHost host)
    {
        var world = new MatrixWorld { Host = host };
        await world.SeedProvinceAsync(ProvinceA, TagA);
        await world.SeedProvinceAsync(ProvinceB, TagB);

        var revoked = await host.IssueKeyAsync("admin", ProvinceA);
        Assert.Equal(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, $"/api/keys/{revoked.Split('_')[1]}")).StatusCode);
        var victim = await host.IssueKeyAsync("member", ProvinceA);
        world.VictimKeyId = victim.Split('_')[1];
        world.Markers.Add(new Marker(world.VictimKeyId, A));

        foreach (var caller in Callers)
        {
            world.Keys[caller.Name] = caller.Name switch
            {
                "anonymous" => null,
                "unknown-key" => "pk_0123456789abcdef_" + Guid.NewGuid().ToString("N"),
                "revoked-key" => revoked,
                _ => await host.IssueKeyAsync(caller.Role!.Value.ToString().ToLowerInvariant(),
                    caller.Scope!.Office ?? caller.Scope.Agency ?? caller.Scope.County ?? caller.Scope.Province),
            };
        }

        // One complaint per state-changing route, so one route's own callers do not decide another's case.
        foreach (var function in new[] { "EscalateComplaint", "WithdrawComplaint", "DecideComplaint", "ExtendComplaint", "" })
        {
            var code = await world.FileComplaintAsync("ma-o1");
            if (function.Length == 0) world._mainComplaint = code;
            else world._complaints[function] = code;
            world.Markers.Add(new Marker(code, OfficeA1));
        }
        world.Markers.Add(new Marker(await world.FileComplaintAsync("mb-o1"), new Scope(ProvinceB, "mb-c1", "mb-o1")));
        // The case view logs its reads: one read so the access log has a row.
        Assert.True((await host.SendAsync(HttpMethod.Get, $"/api/complaints/{world._mainComplaint}/case")).IsSuccessStatusCode);

        // A failed critical item: processed from the queue into a proposed sanction with the inspection's id.
        world.InspectionId = await InspectionTestKit.PostAsync(host, InspectionTestKit.Body("ma-o1", items: InspectionTestKit.Items(("licence-valid", "fail"))));
        await InspectionTestKit.WaitProcessedAsync(host, world.InspectionId);
        Assert.True((await host.SendAsync(HttpMethod.Get, $"/api/sanctions/{world.SanctionId}")).IsSuccessStatusCode, "no sanction was proposed");
        var foreignInspection = await InspectionTestKit.PostAsync(host, InspectionTestKit.Body("mb-o1"));
        world.Markers.Add(new Marker(foreignInspection, new Scope(ProvinceB, "mb-c1", "mb-o1")));

        var posted = await host.SendAsync(HttpMethod.Post, "/api/meetings", JsonNode.Parse(BodyFor(
            LocalHost.Catalog.Http.Single(b => b.Function == "PostMeeting"), world)!.Text));
        var meeting = await host.ReadJsonAsync(posted);
        Assert.True(posted.StatusCode == HttpStatusCode.Created, $"POST /api/meetings → {(int)posted.StatusCode}: {meeting.ToJsonString()}");
        world.MeetingId = meeting["id"]!.GetValue<string>();
        world.DecisionId = meeting["decisions"]![0]!["id"]!.GetValue<string>();
        world.Markers.Add(new Marker(world.MeetingId, A));

        await host.PutOkAsync($"/api/targets/{ProvinceA}/1405-08/slaCompliance", new { planned = 0.9 });

        // A service request of ma-post handled by ma-o1 (and one in ilam), with a citizen's contact.
        world.RequestId = await world.PostRequestAsync(world.Keys["agency-own"]!, "ma-k1", "ma-o1");
        world.Markers.Add(new Marker(await world.PostRequestAsync(world.Keys["agency-foreign"]!, "mb-k1", "mb-o1", OtherCitizenData), new Scope(ProvinceB, "mb-c1", "mb-o1", "mb-post")));
        return world;
    }

    private async Task SeedProvinceAsync(string province, string tag)
    {
        await Host.SeedProvinceAsync(province, tag);
        await Host.PutOkAsync($"/api/members/{(tag == TagA ? "m-chair" : "mb-chair")}", new { name = "رئیس کارگروه", email = $"chair.{tag}@example.ir", role = "chair", province });
        await Host.PutOkAsync($"/api/members/{(tag == TagA ? "m-secretary" : "mb-secretary")}", new { name = "دبیر کارگروه", email = $"secretary.{tag}@example.ir", role = "secretary", province });
        // The OpenAPI meeting example names m-khorramabad, rewritten like every "khorramabad" to m-ma-c1.
        await Host.PutOkAsync($"/api/members/{(tag == TagA ? "m-ma-c1" : "mb-lead")}",
            new { name = "مسئول شهرستان", email = $"lead.{tag}@example.ir", role = "countyLead", province, countyCode = $"{tag}-c1" });
        var p = province;
        Markers.AddRange(
        [
            new($"{tag}-o1", new Scope(p, $"{tag}-c1", $"{tag}-o1"), AgencyOfProvince(p)),
            new($"{tag}-o2", new Scope(p, $"{tag}-c1", $"{tag}-o2"), AgencyOfProvince(p)),
            new($"{tag}-o3", new Scope(p, $"{tag}-c2", $"{tag}-o3"), AgencyOfProvince(p)),
            new($"{tag}-post", new Scope(p, Agency: $"{tag}-post"), OfficeOfProvince(p)),
            new($"{tag}-k1", new Scope(p, Agency: $"{tag}-post"), OfficeOfProvince(p)),
            new($"chair.{tag}@example.ir", new Scope(p)),
        ]);
    }

    private async Task<string> PostRequestAsync(string agencyKey, string contract, string office, string[]? citizen = null)
    {
        citizen ??= CitizenData;
        using var request = Host.Request(HttpMethod.Post, "/api/requests", agencyKey, new
        {
            contractId = contract, serviceCode = "parcel", officeCode = office, externalRef = "matrix-" + Guid.NewGuid().ToString("N")[..12],
            citizen = new { mobile = citizen[0], email = citizen[1], nationalId = citizen[2] },
        });
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await Host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/requests → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }

    /// <summary>A complaint about ma-o1 filed now, its stage 1 open (for a decision).</summary>
    public async Task<Arrangement> OpenComplaintAsync()
    {
        var code = await FileComplaintAsync("ma-o1");
        Markers.Add(new Marker(code, OfficeA1));
        return new Arrangement(new Dictionary<string, string> { ["trackingCode"] = code });
    }

    /// <summary>An open complaint and a new due date the extension rules accept: the next working day after its due date.</summary>
    public async Task<Arrangement> ComplaintToExtendAsync()
    {
        var filed = await FileComplaintJsonAsync("ma-o1");
        var code = filed["trackingCode"]!.GetValue<string>();
        Markers.Add(new Marker(code, OfficeA1));
        var due = DateOnly.Parse(filed["stage1Due"]!["date"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var calendar = await Host.Services.GetRequiredService<Pishkhan.Calendar.HolidayStore>().GetCalendarAsync(ProvinceA);
        var next = due.AddDays(1);
        while (!calendar.IsWorkingDay(next)) next = next.AddDays(1);
        return new Arrangement(new Dictionary<string, string> { ["trackingCode"] = code },
            new { newDueDate = next.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), reason = "استعلام از اداره پست استان در جریان است." });
    }

    /// <summary>A request of ma-post that ma-o1 has accepted (for its completion).</summary>
    public async Task<Arrangement> AcceptedRequestAsync()
    {
        var id = await PostRequestAsync(Keys["agency-own"]!, "ma-k1", "ma-o1");
        Markers.Add(new Marker(id, RequestA));
        var accepted = await Host.SendAsync(HttpMethod.Post, $"/api/requests/{id}/events", new { type = "accepted" }, Keys["office-own"]);
        Assert.True(accepted.IsSuccessStatusCode, $"accepting {id} → {(int)accepted.StatusCode}");
        return new Arrangement(new Dictionary<string, string> { ["requestId"] = id });
    }

    /// <summary>A sanction proposed for ma-o1 (an inspection with a failed critical item, processed from the queue).</summary>
    public async Task<Arrangement> ProposedSanctionAsync()
    {
        var id = await InspectionTestKit.PostAsync(Host, InspectionTestKit.Body("ma-o1", items: InspectionTestKit.Items(("licence-valid", "fail"))));
        await InspectionTestKit.WaitProcessedAsync(Host, id);
        Assert.True((await Host.SendAsync(HttpMethod.Get, $"/api/sanctions/{id}")).IsSuccessStatusCode, "no sanction was proposed");
        Markers.Add(new Marker(id, OfficeA1));
        return new Arrangement(new Dictionary<string, string> { ["id"] = id });
    }

    /// <summary>A sanction confirmed by an admin, its objection window open (for the office's objection).</summary>
    public async Task<Arrangement> ConfirmedSanctionAsync()
    {
        var arranged = await ProposedSanctionAsync();
        var confirmed = await Host.SendAsync(HttpMethod.Post, $"/api/sanctions/{arranged.Parameters["id"]}/decision",
            new { decision = "confirm", reason = "عدم صدور رسید در گزارش بازرسی مستند است." });
        Assert.True(confirmed.IsSuccessStatusCode, $"confirming → {(int)confirmed.StatusCode}: {await confirmed.Content.ReadAsStringAsync()}");
        return arranged;
    }

    private async Task<string> FileComplaintAsync(string office) => (await FileComplaintJsonAsync(office))["trackingCode"]!.GetValue<string>();

    private async Task<JsonNode> FileComplaintJsonAsync(string office)
    {
        var response = await Host.SendAsync(HttpMethod.Post, "/api/complaints", new
        {
            officeCode = office, category = "overcharging",
            description = "دفتر پیشخوان برای خدمت ساده وجه اضافه دریافت کرد. " + Guid.NewGuid().ToString("N"),
            complainant = new { name = ComplainantData[0], mobile = ComplainantData[1], email = ComplainantData[2], nationalId = ComplainantData[3] },
        }, key: null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/complaints → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }
}
