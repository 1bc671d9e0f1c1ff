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
    /// <summary>Personal data of the seeded complainants: must never appear outside the complaint case view.</summary>
    public static readonly string[] PersonalData = ["شاکی‌نشانگر", "09127654321", "pii-marker@example.ir", "0499370899"];

    public required TestHost Host { get; init; }
    public Dictionary<string, string?> Keys { get; } = new();
    public string VictimKeyId { get; private set; } = "";
    public string MeetingId { get; private set; } = "";
    public string DecisionId { get; private set; } = "";
    public string InspectionId { get; private set; } = "";
    public string SanctionId => InspectionId;
    public string? RequestId { get; set; }
    private readonly Dictionary<string, string> _complaints = new();
    private string _mainComplaint = "";

    /// <summary>
    /// Identifiers of seeded data with the scope they belong to: a 2xx answer to a caller whose scope does not cover
    /// one of them (and whose request did not name it) is a leak.
    /// </summary>
    public List<(string Marker, Scope Scope)> Markers { get; } = [];

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
        world.Markers.Add((world.VictimKeyId, A));

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
        foreach (var function in new[] { FunctionNames.EscalateComplaint, FunctionNames.WithdrawComplaint, FunctionNames.DecideComplaint, FunctionNames.ExtendComplaint, "" })
        {
            var code = await world.FileComplaintAsync("ma-o1");
            if (function.Length == 0) world._mainComplaint = code;
            else world._complaints[function] = code;
            world.Markers.Add((code, OfficeA1));
        }
        world.Markers.Add((await world.FileComplaintAsync("mb-o1"), new Scope(ProvinceB, "mb-c1", "mb-o1")));
        // The case view logs its reads: one read so the access log has a row.
        Assert.True((await host.SendAsync(HttpMethod.Get, $"/api/complaints/{world._mainComplaint}/case")).IsSuccessStatusCode);

        // A failed critical item: processed from the queue into a proposed sanction with the inspection's id.
        world.InspectionId = await InspectionTestKit.PostAsync(host, InspectionTestKit.Body("ma-o1", items: InspectionTestKit.Items(("licence-valid", "fail"))));
        await InspectionTestKit.WaitProcessedAsync(host, world.InspectionId);
        Assert.True((await host.SendAsync(HttpMethod.Get, $"/api/sanctions/{world.SanctionId}")).IsSuccessStatusCode, "no sanction was proposed");
        var foreignInspection = await InspectionTestKit.PostAsync(host, InspectionTestKit.Body("mb-o1"));
        world.Markers.Add((foreignInspection, new Scope(ProvinceB, "mb-c1", "mb-o1")));

        var posted = await host.SendAsync(HttpMethod.Post, "/api/meetings", JsonNode.Parse(BodyFor(
            BindingTable.Http.Single(b => b.Function == FunctionNames.PostMeeting), world)!.Text));
        var meeting = await host.ReadJsonAsync(posted);
        Assert.True(posted.StatusCode == HttpStatusCode.Created, $"POST /api/meetings → {(int)posted.StatusCode}: {meeting.ToJsonString()}");
        world.MeetingId = meeting["id"]!.GetValue<string>();
        world.DecisionId = meeting["decisions"]![0]!["id"]!.GetValue<string>();
        world.Markers.Add((world.MeetingId, A));

        await host.PutOkAsync($"/api/targets/{ProvinceA}/1405-08/slaCompliance", new { planned = 0.9 });
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
            ($"{tag}-o1", new Scope(p, $"{tag}-c1", $"{tag}-o1")),
            ($"{tag}-o2", new Scope(p, $"{tag}-c1", $"{tag}-o2")),
            ($"{tag}-o3", new Scope(p, $"{tag}-c2", $"{tag}-o3")),
            ($"{tag}-post", new Scope(p, Agency: $"{tag}-post")),
            ($"{tag}-k1", new Scope(p, Agency: $"{tag}-post")),
            ($"chair.{tag}@example.ir", new Scope(p)),
        ]);
    }

    private async Task<string> FileComplaintAsync(string office)
    {
        var response = await Host.SendAsync(HttpMethod.Post, "/api/complaints", new
        {
            officeCode = office, category = "overcharging",
            description = "دفتر پیشخوان برای خدمت ساده وجه اضافه دریافت کرد. " + Guid.NewGuid().ToString("N"),
            complainant = new { name = PersonalData[0], mobile = PersonalData[1], email = PersonalData[2], nationalId = PersonalData[3] },
        }, key: null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/complaints → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["trackingCode"]!.GetValue<string>();
    }
}
