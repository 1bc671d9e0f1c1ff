using System.Text;
using System.Text.Json.Nodes;
using Pishkhan.Inspections;
using Pishkhan.Tests.Infrastructure;
using static Pishkhan.Tests.Inspections.InspectionTestKit;

namespace Pishkhan.Tests.Inspections;

/// <summary>A seeded host shared by the bad-input cases: a province, an inspector, an office key and a proposed sanction.</summary>
public sealed class BadInputFixture : IAsyncLifetime
{
    public TestHost Host { get; private set; } = null!;
    public string InspectorKey { get; private set; } = "";
    public string OfficeKey { get; private set; } = "";
    public string SanctionId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // No listener and no timers: nothing writes in the background while a case counts entities.
        Host = await TestHost.StartAsync(queues: [], timers: []);
        await Host.SeedProvinceAsync("sistan-baluchestan", "bi");
        InspectorKey = await Host.IssueKeyAsync("inspector", "bi-c1");
        OfficeKey = await Host.IssueKeyAsync("office", "bi-o1");
        SanctionId = await PostAsync(Host, Body("bi-o1", items: Items(("licence-valid", "fail"))), InspectorKey);
        await Host.Services.GetRequiredService<InspectionProcessor>().ProcessAsync(BinaryData.FromObjectAsJson(new InspectionMessage(SanctionId), Pishkhan.Http.Json.Options));
        await Host.SendAsync(HttpMethod.Post, $"/api/sanctions/{SanctionId}/decision", new { decision = "confirm", reason = "تأیید شد" });
        // Processing leaves the inspection's counts for a flush a second later: do it now, so it writes nothing during a case.
        await Host.Services.GetRequiredService<InspectionStats>().FlushNowAsync("bi-o1");
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Every route of the capability refuses bad input with a 4xx problem and writes nothing: malformed JSON,
/// wrong types, unknown fields, overlong text, OData quote injection, Arabic ي/ك in codes, Persian digits
/// where a number is expected, CR/LF, NUL and lone surrogates.
/// </summary>
public sealed class InspectionBadInputTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    private const string Injection = "a' or PartitionKey ne '";

    private sealed record Case(string Method, string Path, string? Body, string Key = "admin", string ContentType = "application/json");

    private static JsonObject Valid()
    {
        var node = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Body("bi-o1", visitedAt: DateTimeOffset.UtcNow.AddHours(-1))))!.AsObject();
        return node;
    }

    private static string With(Action<JsonObject> change)
    {
        var node = Valid();
        change(node);
        return node.ToJsonString();
    }

    private static JsonObject Item0(JsonObject body) => body["items"]![0]!.AsObject();

    private static string TemplateBody(Action<JsonObject>? change = null)
    {
        var node = new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["code"] = "tariff", ["text"] = "تعرفه نصب است", ["category"] = "tariffsAndReceipts", ["weight"] = 3, ["critical"] = false }),
        };
        change?.Invoke(node);
        return node.ToJsonString();
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // POST /api/inspections
        ["post: malformed json"] = new("POST", "/api/inspections", "{\"officeCode\":\"bi-o1\",", "inspector"),
        ["post: not an object"] = new("POST", "/api/inspections", "[1,2,3]", "inspector"),
        ["post: empty body"] = new("POST", "/api/inspections", "", "inspector"),
        ["post: text/plain"] = new("POST", "/api/inspections", With(_ => { }), "inspector", "text/plain"),
        ["post: too large"] = new("POST", "/api/inspections", With(b => b["summary"] = new string('x', 70_000)), "inspector"),
        ["post: officeCode a number"] = new("POST", "/api/inspections", With(b => b["officeCode"] = 12), "inspector"),
        ["post: items a string"] = new("POST", "/api/inspections", With(b => b["items"] = "all pass"), "inspector"),
        ["post: unknown field"] = new("POST", "/api/inspections", With(b => b["inspectorName"] = "x"), "inspector"),
        ["post: unknown field in an item"] = new("POST", "/api/inspections", With(b => Item0(b)["score"] = 3), "inspector"),
        ["post: null type"] = new("POST", "/api/inspections", With(b => b["type"] = null), "inspector"),
        ["post: type as integer"] = new("POST", "/api/inspections", With(b => b["type"] = 0), "inspector"),
        ["post: unknown type"] = new("POST", "/api/inspections", With(b => b["type"] = "weekly"), "inspector"),
        ["post: unknown result"] = new("POST", "/api/inspections", With(b => Item0(b)["result"] = "maybe"), "inspector"),
        ["post: overlong summary"] = new("POST", "/api/inspections", With(b => b["summary"] = new string('س', 1001)), "inspector"),
        ["post: overlong note"] = new("POST", "/api/inspections", With(b => Item0(b)["note"] = new string('ن', 501)), "inspector"),
        ["post: OData injection in officeCode"] = new("POST", "/api/inspections", With(b => b["officeCode"] = Injection), "inspector"),
        ["post: OData injection in complaint id"] = new("POST", "/api/inspections",
            With(b => { b["type"] = "complaint"; b["complaintIds"] = new JsonArray("x' or '1' eq '1"); }), "inspector"),
        ["post: OData injection in requestId"] = new("POST", "/api/inspections",
            With(b => { b["type"] = "complaint"; b["requestId"] = "r' or RowKey ne '"; }), "inspector"),
        ["post: Arabic letters in officeCode"] = new("POST", "/api/inspections", With(b => b["officeCode"] = "دفتري-ك"), "inspector"),
        ["post: Arabic letters in item code"] = new("POST", "/api/inspections", With(b => Item0(b)["code"] = "تعرفهي"), "inspector"),
        ["post: Persian digits as a version string"] = new("POST", "/api/inspections", With(b => b["templateVersion"] = "۲"), "inspector"),
        ["post: CR/LF inside officeCode"] = new("POST", "/api/inspections", With(b => b["officeCode"] = "bi\r\n-o1"), "inspector"),
        ["post: CR/LF in a complaint id"] = new("POST", "/api/inspections",
            With(b => { b["type"] = "complaint"; b["complaintIds"] = new JsonArray("AB\r\nCD"); }), "inspector"),
        ["post: NUL in a note"] = new("POST", "/api/inspections", With(b => Item0(b)["note"] = "a\u0000b"), "inspector"),
        ["post: lone surrogate in summary"] = new("POST", "/api/inspections", With(b => b["summary"] = "x").Replace("\"summary\":\"x\"", "\"summary\":\"\\ud800\""), "inspector"),
        ["post: bidi override in summary"] = new("POST", "/api/inspections", With(b => b["summary"] = "abc\u202Edef"), "inspector"),
        ["post: item missing"] = new("POST", "/api/inspections", With(b => b["items"]!.AsArray().RemoveAt(0)), "inspector"),
        ["post: item twice"] = new("POST", "/api/inspections", With(b => b["items"]!.AsArray().Add(Item0(b).DeepClone())), "inspector"),
        ["post: unknown item code"] = new("POST", "/api/inspections", With(b => Item0(b)["code"] = "no-such-item"), "inspector"),
        ["post: every item n/a"] = new("POST", "/api/inspections", With(b => { foreach (var i in b["items"]!.AsArray()) i!["result"] = "na"; }), "inspector"),
        ["post: no items"] = new("POST", "/api/inspections", With(b => b["items"] = new JsonArray()), "inspector"),
        ["post: visit in the future"] = new("POST", "/api/inspections", With(b => b["visitedAt"] = DateTimeOffset.UtcNow.AddDays(1)), "inspector"),
        ["post: visit too long ago"] = new("POST", "/api/inspections", With(b => b["visitedAt"] = DateTimeOffset.UtcNow.AddDays(-200)), "inspector"),
        ["post: visit as a Jalali date"] = new("POST", "/api/inspections", With(b => b["visitedAt"] = "1405-02-16"), "inspector"),
        ["post: more trained than present"] = new("POST", "/api/inspections", With(b => b["staff"] = new JsonObject { ["present"] = 2, ["trained"] = 3 }), "inspector"),
        ["post: officeOpen on a routine visit"] = new("POST", "/api/inspections", With(b => b["officeOpen"] = true), "inspector"),
        ["post: unannounced without officeOpen"] = new("POST", "/api/inspections", With(b => b["type"] = "unannounced"), "inspector"),
        ["post: followUpOf on a routine visit"] = new("POST", "/api/inspections", With(b => b["followUpOf"] = "bi-o1.000000000000abcdabcd"), "inspector"),
        ["post: followUpOf unknown"] = new("POST", "/api/inspections", With(b => { b["type"] = "followUp"; b["followUpOf"] = Injection; }), "inspector"),
        ["post: complaint without complaints"] = new("POST", "/api/inspections", With(b => b["type"] = "complaint"), "inspector"),
        ["post: unknown office"] = new("POST", "/api/inspections", With(b => b["officeCode"] = "bi-o99"), "inspector"),
        ["post: office of another county"] = new("POST", "/api/inspections", With(b => b["officeCode"] = "bi-o3"), "inspector"),
        ["post: negative template version"] = new("POST", "/api/inspections", With(b => b["templateVersion"] = -1), "inspector"),
        ["post: unknown template version"] = new("POST", "/api/inspections", With(b => b["templateVersion"] = 9), "inspector"),
        ["post: office key"] = new("POST", "/api/inspections", With(_ => { }), "office"),
        ["post: no key"] = new("POST", "/api/inspections", With(_ => { }), "none"),

        // PUT /api/inspection-templates/{version}
        ["template: malformed json"] = new("PUT", "/api/inspection-templates/2?province=sistan-baluchestan", "{\"items\":["),
        ["template: unknown field"] = new("PUT", "/api/inspection-templates/2?province=sistan-baluchestan", TemplateBody(b => b["name"] = "x")),
        ["template: weight zero"] = new("PUT", "/api/inspection-templates/2?province=sistan-baluchestan", TemplateBody(b => b["items"]![0]!["weight"] = 0)),
        ["template: weight as string"] = new("PUT", "/api/inspection-templates/2?province=sistan-baluchestan", TemplateBody(b => b["items"]![0]!["weight"] = "3")),
        ["template: unknown category"] = new("PUT", "/api/inspection-templates/2?province=sistan-baluchestan", TemplateBody(b => b["items"]![0]!["category"] = "tariffs")),
        ["template: overlong text"] = new("PUT", "/api/inspection-templates/2?province=sistan-baluchestan", TemplateBody(b => b["items"]![0]!["text"] = new string('ت', 301))),
        ["template: NUL in text"] = new("PUT", "/api/inspection-templates/2?province=sistan-baluchestan", TemplateBody(b => b["items"]![0]!["text"] = "a\u0000")),
        ["template: CR/LF in text"] = new("PUT", "/api/inspection-templates/2?province=sistan-baluchestan", TemplateBody(b => b["items"]![0]!["text"] = "a\r\nb")),
        ["template: Arabic code"] = new("PUT", "/api/inspection-templates/2?province=sistan-baluchestan", TemplateBody(b => b["items"]![0]!["code"] = "كد")),
        ["template: no items"] = new("PUT", "/api/inspection-templates/2?province=sistan-baluchestan", "{\"items\":[]}"),
        ["template: version not a number"] = new("PUT", "/api/inspection-templates/abc?province=sistan-baluchestan", TemplateBody()),
        ["template: version zero"] = new("PUT", "/api/inspection-templates/0?province=sistan-baluchestan", TemplateBody()),
        ["template: version current"] = new("PUT", "/api/inspection-templates/current?province=sistan-baluchestan", TemplateBody()),
        ["template: OData injection in province"] = new("PUT", "/api/inspection-templates/2?province=" + Uri.EscapeDataString(Injection), TemplateBody()),
        ["template: inspector key"] = new("PUT", "/api/inspection-templates/2", TemplateBody(), "inspector"),
        ["template get: version with Arabic letters"] = new("GET", "/api/inspection-templates/" + Uri.EscapeDataString("نسخهي") + "?province=sistan-baluchestan", null),

        // Policies
        ["inspection policy: cap over 100"] = new("PUT", "/api/inspection-policy?province=sistan-baluchestan", "{\"criticalFailureScoreCap\":101}"),
        ["inspection policy: share over 1"] = new("PUT", "/api/inspection-policy?province=sistan-baluchestan", "{\"reinspectionShare\":1.5}"),
        ["inspection policy: months as string"] = new("PUT", "/api/inspection-policy?province=sistan-baluchestan", "{\"routineIntervalMonths\":\"6\"}"),
        ["inspection policy: NaN"] = new("PUT", "/api/inspection-policy?province=sistan-baluchestan", "{\"reinspectionShare\":\"NaN\"}"),
        ["inspection policy: the draw seed is no longer a field"] = new("PUT", "/api/inspection-policy?province=sistan-baluchestan", "{\"drawSeed\":\"pishkhan\"}"),
        ["inspection policy: unknown field"] = new("PUT", "/api/inspection-policy?province=sistan-baluchestan", "{\"interval\":3}"),
        ["inspection policy: unknown province"] = new("GET", "/api/inspection-policy?province=" + Uri.EscapeDataString(Injection), null, "none"),
        ["sanction policy: thresholds decreasing"] = new("PUT", "/api/sanction-policy?province=sistan-baluchestan", "{\"escalationThresholds\":[3,2]}"),
        ["sanction policy: unknown step"] = new("PUT", "/api/sanction-policy?province=sistan-baluchestan", "{\"majorBaseStep\":\"exile\"}"),
        ["sanction policy: negative window"] = new("PUT", "/api/sanction-policy?province=sistan-baluchestan", "{\"objectionWindowWorkingDays\":-1}"),
        ["sanction policy: Persian digits as number"] = new("PUT", "/api/sanction-policy?province=sistan-baluchestan", "{\"suspensionDays\":\"۳۰\"}"),
        ["sanction policy: office key"] = new("PUT", "/api/sanction-policy", "{}", "office"),

        // Sanction decisions and objections
        ["decision: unknown decision"] = new("POST", "/api/sanctions/{sanction}/decision", "{\"decision\":\"maybe\",\"reason\":\"دلیل کافی\"}"),
        ["decision: empty reason"] = new("POST", "/api/sanctions/{sanction}/decision", "{\"decision\":\"overturn\",\"reason\":\"\"}"),
        ["decision: overlong reason"] = new("POST", "/api/sanctions/{sanction}/decision", "{\"decision\":\"overturn\",\"reason\":\"" + new string('د', 1001) + "\"}"),
        ["decision: NUL in reason"] = new("POST", "/api/sanctions/{sanction}/decision", "{\"decision\":\"overturn\",\"reason\":\"abcde\\u0000\"}"),
        ["decision: unknown field"] = new("POST", "/api/sanctions/{sanction}/decision", "{\"decision\":\"overturn\",\"reason\":\"دلیل کافی\",\"by\":\"me\"}"),
        ["decision: already confirmed"] = new("POST", "/api/sanctions/{sanction}/decision", "{\"decision\":\"overturn\",\"reason\":\"دلیل کافی\"}"),
        ["decision: OData injection in id"] = new("POST", "/api/sanctions/" + Uri.EscapeDataString(Injection) + "/decision", "{\"decision\":\"overturn\",\"reason\":\"دلیل کافی\"}"),
        ["decision: office key"] = new("POST", "/api/sanctions/{sanction}/decision", "{\"decision\":\"overturn\",\"reason\":\"دلیل کافی\"}", "office"),
        ["objection: lone surrogate"] = new("POST", "/api/sanctions/{sanction}/objection", "{\"reason\":\"abcde\\udc00\"}", "office"),
        ["objection: reason a number"] = new("POST", "/api/sanctions/{sanction}/objection", "{\"reason\":5}", "office"),
        ["objection: admin key"] = new("POST", "/api/sanctions/{sanction}/objection", "{\"reason\":\"اعتراض دارم\"}"),

        // Reads
        ["get: malformed inspection id"] = new("GET", "/api/inspections/" + Uri.EscapeDataString(Injection), null),
        ["get: inspection id with Arabic letters"] = new("GET", "/api/inspections/" + Uri.EscapeDataString("دفتري.000000000000abcdabcd"), null),
        ["list: OData injection in officeCode"] = new("GET", "/api/inspections?officeCode=" + Uri.EscapeDataString(Injection), null),
        ["list: neither office nor county"] = new("GET", "/api/inspections", null),
        ["list: CR/LF in countyCode"] = new("GET", "/api/inspections?countyCode=" + Uri.EscapeDataString("bi-c1\r\n"), null),
        ["list: Persian pageSize out of range"] = new("GET", "/api/inspections?countyCode=bi-c1&pageSize=" + Uri.EscapeDataString("۹۹۹"), null),
        ["list: forged continuation token"] = new("GET", "/api/inspections?countyCode=bi-c1&continuationToken=" + Uri.EscapeDataString("%%%"), null),
        ["requests: unknown status"] = new("GET", "/api/inspection-requests?countyCode=bi-c1&status=closed", null),
        ["requests: OData injection in county"] = new("GET", "/api/inspection-requests?countyCode=" + Uri.EscapeDataString(Injection), null),
        ["followups: NUL in status"] = new("GET", "/api/inspection-followups?countyCode=bi-c1&status=" + Uri.EscapeDataString("open\0"), null),
        ["coverage: Arabic county"] = new("GET", "/api/inspection-coverage/" + Uri.EscapeDataString("شهرستاني"), null),
        ["reinspections: month 13"] = new("GET", "/api/reinspections/1405-13?province=sistan-baluchestan", null),
        ["reinspections: injection in period"] = new("POST", "/api/reinspection-draws/" + Uri.EscapeDataString(Injection) + "?province=sistan-baluchestan", null),
        ["sanctions: OData injection in officeCode"] = new("GET", "/api/sanctions?officeCode=" + Uri.EscapeDataString(Injection), null),
        ["sanctions: officeCode given twice"] = new("GET", "/api/sanctions?officeCode=bi-o1&officeCode=bi-o2", null),
        ["poison: inspector key"] = new("GET", "/api/poison/inspections", null, "inspector"),
    };

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task RefusesBadInputWithAProblemAndWritesNothing(string name)
    {
        var c = Cases[name];
        var host = fixture.Host;
        var key = c.Key switch { "inspector" => fixture.InspectorKey, "office" => fixture.OfficeKey, "none" => null, _ => TestHost.BootstrapKey };
        var before = await host.CountEntitiesAsync();
        var request = host.Request(new HttpMethod(c.Method), c.Path.Replace("{sanction}", fixture.SanctionId), key);
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(c.Body));
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(c.ContentType);
        }
        var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await host.CountEntitiesAsync());
    }

    [Fact]
    public async Task TheValidBodyTheCasesStartFromIsAccepted()
    {
        // Guards the table: each case differs from an accepted request in one way only.
        var response = await fixture.Host.SendRawAsync(HttpMethod.Post, "/api/inspections", With(_ => { }), key: fixture.InspectorKey);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }
}
