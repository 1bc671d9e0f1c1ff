using System.Net;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

public sealed class RequestVisibilityTests(RequestsHostFixture fixture) : IClassFixture<RequestsHostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task OnlyTheSendingAgencySeesTheCitizensContactInFull()
    {
        var kit = await RequestsKit.SeedAsync(Host, "lorestan", "vi1");
        var id = (await kit.CreateAsync()).Str("id");
        var agencyView = await kit.GetAsync(id);
        Assert.Equal("0013542419", agencyView["citizen"]!.Str("nationalId"));
        Assert.Equal("09121234567", agencyView["citizen"]!.Str("mobile"));
        Assert.False(agencyView["citizenMasked"]!.GetValue<bool>());

        foreach (var key in new[] { kit.OfficeKeyFor(id), TestHost.BootstrapKey, await Host.IssueKeyAsync("admin", "lorestan") })
        {
            var view = await kit.GetAsync(id, key);
            var text = view.ToJsonString();
            Assert.True(view["citizenMasked"]!.GetValue<bool>());
            Assert.Equal("******2419", view["citizen"]!.Str("nationalId"));
            Assert.Equal("0912***4567", view["citizen"]!.Str("mobile"));
            Assert.Equal("c***@example.ir", view["citizen"]!.Str("email"));
            Assert.DoesNotContain("0013542419", text);
            Assert.DoesNotContain("09121234567", text);
        }
    }

    [Fact]
    public async Task OthersGet404()
    {
        var kit = await RequestsKit.SeedAsync(Host, "ilam", "vi2");
        var other = await RequestsKit.SeedAsync(Host, "ilam", "vi3");
        var id = (await kit.CreateAsync(kit.Body(officeCode: "vi2-o1"))).Str("id");
        foreach (var key in new[] { other.AgencyKey, kit.OfficeKeys["vi2-o2"], await Host.IssueKeyAsync("admin", "fars") })
            Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, $"/api/requests/{id}", key: key)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Get, $"/api/requests/{id}", key: await Host.IssueKeyAsync("member", "ilam"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/requests/not-an-id", key: kit.AgencyKey)).StatusCode);
    }

    [Fact]
    public async Task AnOfficeListsItsOwnRequestsNewestFirstAndFiltersByStatus()
    {
        var kit = await RequestsKit.SeedAsync(Host, "qazvin", "vi4");
        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add((await kit.CreateAsync(kit.Body(officeCode: "vi4-o1", externalRef: $"e{i}")))["id"]!.GetValue<string>());
        await kit.CreateAsync(kit.Body(officeCode: "vi4-o2"));
        await kit.EventOkAsync(ids[1], "accepted", kit.OfficeKeys["vi4-o1"]);

        var list = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/requests", key: kit.OfficeKeys["vi4-o1"]));
        Assert.Equal(Enumerable.Reverse(ids), list["items"]!.AsArray().Select(x => x!.Str("id")));
        var accepted = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/requests?status=accepted", key: kit.OfficeKeys["vi4-o1"]));
        Assert.Equal([ids[1]], accepted["items"]!.AsArray().Select(x => x!.Str("id")));
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Get, "/api/requests?officeCode=vi4-o2", key: kit.OfficeKeys["vi4-o1"])).StatusCode);

        var admin = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/requests?officeCode=vi4-o1&pageSize=3"));
        Assert.Equal(3, admin["items"]!.AsArray().Count);
        Assert.True(admin["items"]![0]!["citizenMasked"]!.GetValue<bool>());
        var next = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get,
            $"/api/requests?officeCode=vi4-o1&pageSize=3&continuationToken={admin.Str("continuationToken")}"));
        Assert.Equal([ids[0]], next["items"]!.AsArray().Select(x => x!.Str("id")));
    }

    [Fact]
    public async Task AnAgencysListMergesItsCountiesNewestFirstAcrossPages()
    {
        var kit = await RequestsKit.SeedAsync(Host, "golestan", "vi5");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add((await kit.CreateAsync(kit.Body(countyCode: i % 2 == 0 ? kit.County1 : kit.County2, externalRef: $"m{i}")))["id"]!.GetValue<string>());
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get,
                "/api/requests?pageSize=2" + (token is null ? "" : $"&continuationToken={token}"), key: kit.AgencyKey));
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 2);
            seen.AddRange(items.Select(x => x!.Str("id")));
            Assert.All(items, x => Assert.False(x!["citizenMasked"]!.GetValue<bool>()));
            token = page["continuationToken"]?.GetValue<string>();
        } while (token is not null);
        Assert.Equal(Enumerable.Reverse(ids), seen);

        var byAdmin = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, $"/api/requests?agencyId={kit.Agency}&pageSize=50"));
        Assert.Equal(5, byAdmin["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task AnAdminListNamesAnOfficeOrAnAgencyOfItsProvince()
    {
        var kit = await RequestsKit.SeedAsync(Host, "kurdistan", "vi6");
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.SendAsync(HttpMethod.Get, "/api/requests")).StatusCode);
        var fars = await Host.IssueKeyAsync("admin", "fars");
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/requests?officeCode=vi6-o1", key: fars)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, $"/api/requests?agencyId={kit.Agency}", key: fars)).StatusCode);
    }
}
