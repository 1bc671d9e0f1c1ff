using System.Net;
using System.Text.Json.Nodes;
using Pishkhan.Inspections;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.PublicSite;

/// <summary>
/// The two API additions the working-group console needed, over HTTP: GET /api/me (who the presented key is) and
/// GET /api/sanctions without officeCode (the province's sanctions awaiting an admin's decision).
/// </summary>
public sealed class ConsoleApiTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task MeTellsAKeyWhoItIsWithItsScopeNamesAndNeverTheKey()
    {
        await Host.SeedProvinceAsync("ilam", "me");
        var issued = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Post, "/api/keys", new { role = "inspector", scope = "me-c1", label = "تیم بازرسی خرم‌آباد" }));
        var key = issued["key"]!.GetValue<string>();

        var response = await Host.SendAsync(HttpMethod.Get, "/api/me", key: key);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(key[(key.IndexOf('_', 3) + 1)..], raw, StringComparison.Ordinal); // the secret: all after the second '_'
        Assert.DoesNotContain("hash", raw, StringComparison.OrdinalIgnoreCase);
        var me = JsonNode.Parse(raw)!;
        Assert.Equal(issued["keyId"]!.GetValue<string>(), me["keyId"]!.GetValue<string>());
        Assert.Equal("inspector", me["role"]!.GetValue<string>());
        Assert.Equal("ilam", me["province"]!.GetValue<string>());
        Assert.Equal("ایلام", me["provinceName"]!.GetValue<string>());
        Assert.Equal("me-c1", me["county"]!.GetValue<string>());
        Assert.Equal("خرم‌آباد", me["countyName"]!.GetValue<string>());
        Assert.Equal("تیم بازرسی خرم‌آباد", me["label"]!.GetValue<string>());

        var member = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/me", key: await Host.IssueKeyAsync("member", "ilam")));
        Assert.Equal("member", member["role"]!.GetValue<string>());
        Assert.Null(member["county"]);
        var bootstrap = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/me"));
        Assert.Equal("admin", bootstrap["role"]!.GetValue<string>());
        Assert.Null(bootstrap["province"]);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.SendAsync(HttpMethod.Get, "/api/me", key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, "/api/keys/" + issued["keyId"]!.GetValue<string>())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.SendAsync(HttpMethod.Get, "/api/me", key: key)).StatusCode);
    }

    [Fact]
    public async Task SanctionsWithoutAnOfficeListTheCallersProvinceAwaitingADecisionPaged()
    {
        await Host.SeedProvinceAsync("zanjan", "sa");
        await Host.SeedProvinceAsync("semnan", "sb");
        var own = await ProposedAsync("sa-o1");
        var ownOtherCounty = await ProposedAsync("sa-o3");
        var foreign = await ProposedAsync("sb-o1");
        var admin = await Host.IssueKeyAsync("admin", "zanjan");

        var first = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/sanctions?status=awaiting&pageSize=1", key: admin));
        var ids = first["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();
        Assert.Single(ids);
        var token = first["continuationToken"]!.GetValue<string>();
        var second = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/sanctions?status=awaiting&pageSize=1&continuationToken=" + Uri.EscapeDataString(token), key: admin));
        ids.AddRange(second["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        Assert.Equal(new[] { own, ownOtherCounty }.Order(), ids.Order());
        Assert.All(second["items"]!.AsArray(), i => Assert.Equal("proposed", i!["status"]!.GetValue<string>()));

        // Decided ones leave the list; an inspector sees its county's only; another province's never.
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Post, $"/api/sanctions/{ownOtherCounty}/decision", new { decision = "overturn", reason = "بازرسی مجدد خلاف آن را نشان داد." }, admin)).StatusCode);
        var after = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/sanctions?status=awaiting", key: admin));
        Assert.Equal(new[] { own }, after["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        var inspector = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/sanctions", key: await Host.IssueKeyAsync("inspector", "sa-c2")));
        Assert.Equal(new[] { ownOtherCounty }, inspector["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        Assert.DoesNotContain(foreign, after.ToJsonString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, (await Host.SendAsync(HttpMethod.Get, "/api/sanctions?status=effective", key: admin)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.SendAsync(HttpMethod.Get, "/api/sanctions?status=awaiting")).StatusCode); // the bootstrap key names its province
        // Naming another province's county reads the caller's province only: nothing.
        var named = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/sanctions?countyCode=sb-c1", key: admin));
        Assert.Empty(named["items"]!.AsArray());
    }

    /// <summary>An inspection with a critical failure, processed by the queue: the id of the sanction it proposes.</summary>
    private async Task<string> ProposedAsync(string office)
    {
        var items = DefaultChecklist.Template.Items.Select(i => new { code = i.Code, result = i.Code == "licence-valid" ? "fail" : "pass" }).ToList();
        var posted = await Host.SendAsync(HttpMethod.Post, "/api/inspections", new { officeCode = office, type = "routine", visitedAt = DateTimeOffset.UtcNow.AddHours(-1), items });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var id = (await Host.ReadJsonAsync(posted))["id"]!.GetValue<string>();
        for (var i = 0; i < 150; i++)
        {
            var view = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspections/" + id));
            if (view["status"]!.GetValue<string>() == "processed") return view["outcome"]!["sanctionId"]!.GetValue<string>();
            await Task.Delay(200);
        }
        throw new TimeoutException("not processed");
    }
}
