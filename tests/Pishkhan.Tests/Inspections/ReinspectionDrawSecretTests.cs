using System.Net;
using System.Text.Json.Nodes;
using Pishkhan.Calendar;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Inspections;

/// <summary>
/// The re-inspection draw is keyed by a secret setting, not by anything a county team can read: the published
/// policy names no seed, and without the secret (outside Development) the draw refuses to run.
/// </summary>
public sealed class ReinspectionDrawSecretTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static IEnumerable<string> Names(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => Names(p.Value!).Prepend(p.Key)),
        JsonArray a => a.SelectMany(e => e is null ? [] : Names(e)),
        _ => [],
    };

    [Fact]
    public async Task ThePublishedInspectionPolicyAndItsPutAnswerNameNoSeed()
    {
        var host = fixture.Host;
        var published = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, "/api/inspection-policy?province=ilam", key: null));
        var saved = await host.PutOkAsync("/api/inspection-policy?province=ilam", new { reinspectionShare = 0.2 });

        foreach (var answer in new[] { published, saved })
        {
            Assert.Contains("reinspectionShare", Names(answer));
            Assert.DoesNotContain(Names(answer), n => n.Contains("seed", StringComparison.OrdinalIgnoreCase) || n.Contains("secret", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("pishkhan", answer.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WithoutTheSecretOutsideDevelopmentTheDrawIsA503ProblemAndDrawsNothing()
    {
        await using var host = await TestHost.StartAsync(settings: new() { ["Pishkhan:ReinspectionDrawSecret"] = "" });
        await host.PutOkAsync("/api/counties/ds-c1", new { name = "ایلام", province = "ilam" });
        var period = JalaliPeriod.Containing(DateTimeOffset.UtcNow).Previous();

        var response = await host.SendAsync(HttpMethod.Post, $"/api/reinspection-draws/{period}?province=ilam");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Pishkhan__ReinspectionDrawSecret", (await host.ReadJsonAsync(response))["detail"]!.GetValue<string>());
        var report = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, $"/api/reinspections/{period}?province=ilam"));
        Assert.All(report["counties"]!.AsArray(), c => Assert.Equal(0, c!["drawn"]!.GetValue<int>()));
    }
}
