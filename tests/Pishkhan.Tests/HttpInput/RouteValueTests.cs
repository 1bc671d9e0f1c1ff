using System.Net;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.HttpInput;

/// <summary>
/// A path is decoded once, by the server. A '%' left in a route value (an encoded slash, a double-encoded NUL)
/// or a control character is a 400 problem, never a 500 from a second decode.
/// </summary>
public sealed class RouteValueTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestHost Host => fixture.Host;

    [Theory]
    [InlineData("/api/offices/x%2500")]
    [InlineData("/api/offices/x%252F..")]
    [InlineData("/api/offices/x%2F..")]
    [InlineData("/api/counties/a%2500b")]
    [InlineData("/api/keys/0123456789abcde%2500")]
    [InlineData("/api/complaints/ABCD-%2500")]
    [InlineData("/api/complaints/ABCD-EFGH-%2500JK/case")]
    [InlineData("/api/rankings/1405-0%2500?scope=lorestan")]
    [InlineData("/api/requests/x%2500_0000000000000000")]
    [InlineData("/api/holidays/1405-09-1%2500")]
    public async Task AnEncodedNulOrSlashInARouteValueIsA400Problem(string path)
    {
        foreach (var key in new[] { null, TestHost.BootstrapKey })
        {
            var response = await Host.SendAsync(HttpMethod.Get, path, key: key);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{path} → {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            if (key is not null) Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, body);
            Assert.DoesNotContain("   at ", body);
        }
    }

    [Fact]
    public async Task ARawEncodedNulIsRefusedByTheServerBeforeAnyHandler()
    {
        var response = await Host.SendAsync(HttpMethod.Get, "/api/offices/x%00", key: null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
