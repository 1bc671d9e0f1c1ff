using System.Net;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.HttpInput;

/// <summary>
/// A field given twice — also in another case, since names match ignoring case — is a 400 with a field error
/// and nothing is written: "last wins" would let a validator in front of the API see another value than the server.
/// </summary>
public sealed class StrictJsonTests(HostFixture fixture) : IClassFixture<HostFixture>, IAsyncLifetime
{
    private TestHost Host => fixture.Host;

    public async Task InitializeAsync()
    {
        if ((await Host.SendAsync(HttpMethod.Get, "/api/counties/sj-c1", key: null)).StatusCode == HttpStatusCode.NotFound)
            await Host.SeedProvinceAsync("hamadan", "sj");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("PUT", "/api/offices/sj-o1", """{"name":"دفتر","countyCode":"sj-c1","openingHours":{"regular":"08:00-14:00"},"status":"active","Status":"revoked"}""", "status")]
    [InlineData("PUT", "/api/offices/sj-o1", """{"name":"دفتر","countyCode":"sj-c1","openingHours":{"regular":"08:00-14:00"},"status":"active","status":"revoked"}""", "status")]
    [InlineData("PUT", "/api/offices/sj-o1", """{"name":"دفتر","countyCode":"sj-c1","openingHours":{"regular":"08:00-14:00","REGULAR":"00:00-23:59"}}""", "openingHours.regular")]
    [InlineData("POST", "/api/keys", """{"role":"office","scope":"sj-o1","role":"admin"}""", "role")]
    [InlineData("POST", "/api/keys", """{"role":"office","scope":"sj-o1","Role":"admin","label":"x"}""", "role")]
    public async Task ADuplicateFieldIsA400AndWritesNothing(string method, string path, string body, string field)
    {
        var before = await Host.CountEntitiesAsync();
        var response = await Host.SendRawAsync(new HttpMethod(method), path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} → {(int)response.StatusCode}: {text}");
        var errors = (await Host.ReadJsonAsync(response))["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), text);
        Assert.Equal(before, await Host.CountEntitiesAsync());
        Assert.Equal("active", (await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices/sj-o1")))["status"]!.GetValue<string>());
    }
}
