using System.Net;
using Azure.Data.Tables;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Auth;

public sealed class AuthorizationTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task MissingKeyIs401WithProblemDetails()
    {
        var response = await Host.SendAsync(HttpMethod.Get, "/api/offices?province=lorestan", key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task UnknownKeyIs401()
    {
        var response = await Host.SendAsync(HttpMethod.Get, "/api/offices?province=lorestan", key: "pk_0123456789abcdef_notarealsecret");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RevokedKeyIs401()
    {
        var key = await Host.IssueKeyAsync("admin", "ilam");
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Get, "/api/members", key: key)).StatusCode);
        var keyId = key.Split('_')[1];
        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, $"/api/keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.SendAsync(HttpMethod.Get, "/api/members", key: key)).StatusCode);
    }

    [Fact]
    public async Task StoresOnlyTheHashOfAnIssuedKey()
    {
        var key = await Host.IssueKeyAsync("member", "qom");
        var keyId = key.Split('_')[1];
        // "pk_{keyId}_{secret}": the secret is all after the second '_' (base64url: it may hold '_' itself, and a piece
        // of it — even an empty one — would be found in any column).
        var secret = key[(key.IndexOf('_', 3) + 1)..];
        Assert.Equal(43, secret.Length);
        var entity = (await Host.Table(Tables.ApiKeys).GetEntityAsync<TableEntity>(keyId, "key")).Value;
        Assert.DoesNotContain(((IDictionary<string, object>)entity).Values, v => v is string s && s.Contains(secret, StringComparison.Ordinal));
        Assert.Equal(64, ((string)entity["Hash"]).Length);
    }

    [Fact]
    public async Task AgencyKeyCannotWriteReferenceData()
    {
        await Host.SeedProvinceAsync("zanjan", "zn");
        var agencyKey = await Host.IssueKeyAsync("agency", "zn-post");
        var put = await Host.SendAsync(HttpMethod.Put, "/api/counties/zn-c9", new { name = "ابهر", province = "zanjan" }, agencyKey);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        var office = await Host.SendAsync(HttpMethod.Put, "/api/offices/zn-o9", new { name = "x", countyCode = "zn-c1", openingHours = new { regular = "08:00-14:00" } }, agencyKey);
        Assert.Equal(HttpStatusCode.Forbidden, office.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/counties/zn-c9", key: null)).StatusCode);
    }

    [Fact]
    public async Task AdminOfOneProvinceCannotTouchAnother()
    {
        await Host.SeedProvinceAsync("yazd", "yz");
        var fars = await Host.IssueKeyAsync("admin", "fars");
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Put, "/api/counties/yz-c7", new { name = "میبد", province = "yazd" }, fars)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Put, "/api/offices/yz-o1",
            new { name = "ربوده", countyCode = "yz-c1", openingHours = new { regular = "08:00-14:00" } }, fars)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/offices/yz-o1", key: fars)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Post, "/api/keys", new { role = "office", scope = "yz-o1" }, fars)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/contracts/yz-k1", key: fars)).StatusCode);
        // The office kept its name: nothing was written by the refused call.
        var office = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices/yz-o1"));
        Assert.Equal("دفتر پیشخوان 1", office["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task AdminKeyOfAProvinceWorksInsideIt()
    {
        await Host.SeedProvinceAsync("semnan", "sm");
        var admin = await Host.IssueKeyAsync("admin", "semnan");
        await Host.PutOkAsync("/api/offices/sm-o7", new { name = "دفتر ۷", countyCode = "sm-c2", openingHours = new { regular = "08:00-14:00" } }, admin);
        var list = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices", key: admin));
        Assert.Equal(4, list["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task InspectorSeesOnlyTheOfficesOfItsCounty()
    {
        await Host.SeedProvinceAsync("golestan", "gl");
        var inspector = await Host.IssueKeyAsync("inspector", "gl-c2");
        var list = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices?countyCode=gl-c1", key: inspector));
        Assert.Equal(["gl-o3"], list["items"]!.AsArray().Select(o => o!["officeCode"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/offices/gl-o1", key: inspector)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Get, "/api/offices/gl-o3", key: inspector)).StatusCode);
    }

    [Fact]
    public async Task OfficeKeySeesItsOwnOfficeAndNoOther()
    {
        await Host.SeedProvinceAsync("bushehr", "bu");
        var office = await Host.IssueKeyAsync("office", "bu-o2");
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Get, "/api/offices/bu-o2", key: office)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/offices/bu-o1", key: office)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Get, "/api/offices", key: office)).StatusCode);
    }

    [Fact]
    public async Task MemberKeyCannotIssueKeys()
    {
        var member = await Host.IssueKeyAsync("member", "kerman");
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Post, "/api/keys", new { role = "member", scope = "kerman" }, member)).StatusCode);
    }

    [Fact]
    public async Task AdminCannotRevokeAKeyOfAnotherProvince()
    {
        var tehranKey = await Host.IssueKeyAsync("member", "tehran");
        var qazvin = await Host.IssueKeyAsync("admin", "qazvin");
        var keyId = tehranKey.Split('_')[1];
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Delete, $"/api/keys/{keyId}", key: qazvin)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Get, "/api/offices?province=tehran", key: tehranKey)).StatusCode);
    }
}
