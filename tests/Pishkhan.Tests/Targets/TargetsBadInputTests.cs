using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Targets;

/// <summary>Bad input to the target routes: 4xx problem details, and not one entity written.</summary>
public sealed class TargetsBadInputTests(HostFixture fixture) : IClassFixture<HostFixture>, IAsyncLifetime
{
    private TestHost Host => fixture.Host;

    public async Task InitializeAsync()
    {
        if ((await Host.SendAsync(HttpMethod.Get, "/api/counties/tb-c1", key: null)).StatusCode == System.Net.HttpStatusCode.NotFound)
            await Host.PutOkAsync("/api/counties/tb-c1", new { name = "همدان", province = "hamadan" });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly string Injection = Uri.EscapeDataString("a' or PartitionKey ne '");

    public static TheoryData<string, string, string, string, int> Cases()
    {
        var data = new TheoryData<string, string, string, string, int>();
        void Add(string method, string path, string body, int status, string contentType = "application/json") => data.Add(method, path, body, contentType, status);
        const string sla = "/api/targets/hamadan/1405-09/slaCompliance";
        const string valid = """{"planned":0.9,"note":"یادداشت"}""";

        Add("PUT", sla, "{", 400);
        Add("PUT", sla, "[]", 400);
        Add("PUT", sla, "null", 400);
        Add("PUT", sla, "", 400);
        Add("PUT", sla, """{"planned":0.9,"extra":1}""", 400);          // unknown field
        Add("PUT", sla, """{"planned":"0.9"}""", 400);                  // number as string
        Add("PUT", sla, """{"planned":null}""", 400);
        Add("PUT", sla, """{"note":"x"}""", 400);                       // planned missing
        Add("PUT", sla, """{"planned":true}""", 400);
        Add("PUT", sla, """{"planned":1e400}""", 400);                  // overflows to infinity
        Add("PUT", sla, valid + " // comment", 400);
        Add("PUT", sla, """{"planned":0.9,}""", 400);
        Add("PUT", sla, valid, 415, "text/plain");
        Add("PUT", sla, "{\"note\":\"" + new string('x', 1_100_000) + "\"}", 413);
        Add("PUT", sla, new string('[', 40) + new string(']', 40), 400);
        // Plans outside the indicator's unit.
        Add("PUT", sla, """{"planned":90}""", 400);                     // a percentage, not a share
        Add("PUT", sla, """{"planned":-0.1}""", 400);
        Add("PUT", "/api/targets/hamadan/1405-09/meanSatisfaction", """{"planned":0}""", 400);
        Add("PUT", "/api/targets/hamadan/1405-09/meanSatisfaction", """{"planned":5.5}""", 400);
        Add("PUT", "/api/targets/hamadan/1405-09/activeOffices", """{"planned":2.5}""", 400);
        Add("PUT", "/api/targets/tb-c1/1405-09/servicesOutsourced", """{"planned":-1}""", 400);
        Add("PUT", "/api/targets/hamadan/1405-09/medianComplaintDecisionDays", """{"planned":366}""", 400);
        // Notes: overlong, control characters, lone surrogate, bidi override, line breaks.
        Add("PUT", sla, "{\"planned\":0.9,\"note\":\"" + new string('ب', 501) + "\"}", 400);
        Add("PUT", sla, """{"planned":0.9,"note":"nul\u0000"}""", 400);
        Add("PUT", sla, """{"planned":0.9,"note":"\ud800"}""", 400);
        Add("PUT", sla, """{"planned":0.9,"note":"\u202Eevil"}""", 400);
        Add("PUT", sla, """{"planned":0.9,"note":"line\r\nbreak"}""", 400);
        // Route values: scope, period, indicator.
        Add("PUT", $"/api/targets/{Injection}/1405-09/slaCompliance", valid, 400);
        Add("PUT", "/api/targets/%D9%8A%D9%83/1405-09/slaCompliance", valid, 400);   // Arabic ي ك
        Add("PUT", "/api/targets/a%20b/1405-09/slaCompliance", valid, 400);
        Add("PUT", "/api/targets/atlantis/1405-09/slaCompliance", valid, 404);
        Add("PUT", "/api/targets/hamadan/1405-13/slaCompliance", valid, 400);
        Add("PUT", "/api/targets/hamadan/1405-9/slaCompliance", valid, 400);
        Add("PUT", "/api/targets/hamadan/2026-09/slaCompliance", valid, 400);
        Add("PUT", $"/api/targets/hamadan/{Injection}/slaCompliance", valid, 400);
        Add("PUT", "/api/targets/hamadan/1405-09/1", valid, 400);
        Add("PUT", "/api/targets/hamadan/1405-09/percent", valid, 400);
        Add("PUT", $"/api/targets/hamadan/1405-09/{Injection}", valid, 400);
        Add("PUT", "/api/targets/hamadan/1405-09/sla%0D%0ACompliance", valid, 400);
        Add("GET", "/api/targets/hamadan/1405-00", "", 400);
        Add("GET", "/api/targets/hamadan/%DB%B1%DB%B4%DB%B0%DB%B5", "", 400);           // Persian digits, no month
        Add("GET", $"/api/targets/{Injection}/1405-09", "", 400);
        Add("GET", $"/api/targets/hamadan/{Injection}", "", 400);
        Add("GET", "/api/targets/atlantis/1405-09", "", 404);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AnswersBadInputWithProblemDetailsAndWritesNothing(string method, string path, string body, string contentType, int status) =>
        Host.AssertRefusedAndNothingWrittenAsync(method, path, body, contentType, status);

    [Fact]
    public async Task EveryBadFieldIsNamed()
    {
        var response = await Host.SendRawAsync(HttpMethod.Put, "/api/targets/hamadan/1405-13/nothing", """{"planned":2,"note":"\u0000"}""");
        var errors = (await Host.ReadJsonAsync(response))["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Equal(["indicator", "note", "period"], errors.Order());
    }
}
