using System.Net;
using System.Net.Sockets;
using Pishkhan.Complaints;
using Pishkhan.Storage;
using static Pishkhan.Tests.Complaints.ComplaintsHost;

namespace Pishkhan.Tests.Complaints;

public sealed class ComplaintAbuseTests
{
    [Fact]
    public async Task FilingIsRateLimitedPerClientWith429AndRetryAfter()
    {
        await using var h = await (await StartAsync(settings: new()
        {
            ["Pishkhan:Complaints:FilingsPerClient"] = "3",
            ["Pishkhan:Complaints:FilingWindow"] = "00:10:00",
        })).SeedAsync();
        for (var i = 0; i < 3; i++) await h.FileAsync("lr-o1");
        var before = await h.Host.CountEntitiesAsync();
        var refused = await h.Host.SendAsync(HttpMethod.Post, "/api/complaints", Body("lr-o1"), key: null);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        // One segment of the window (Http/ClientRateLimiter); the window sliding is ClientRateLimiterTests' (real time).
        Assert.Equal(TimeSpan.FromMinutes(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(before, await h.Host.CountEntitiesAsync());
    }

    [Fact]
    public async Task FollowUpCallsAreRateLimitedPerClient()
    {
        await using var h = await (await StartAsync(settings: new()
        {
            ["Pishkhan:Complaints:FollowUpsPerClient"] = "5",
            ["Pishkhan:Complaints:FollowUpWindow"] = "00:01:00",
        })).SeedAsync();
        var (code, _, _) = await h.FileAsync("lr-o1");
        for (var i = 0; i < 4; i++) await h.StatusAsync(code);
        // Guessing secrets counts against the same limit as reading.
        var guess = await h.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/withdrawal", new { secret = TrackingCode.NewSecret() }, key: null);
        Assert.Equal(HttpStatusCode.Forbidden, guess.StatusCode);
        var refused = await h.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}", key: null);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(6), refused.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task AnOversizedBodyIs413AndWritesNothing()
    {
        await using var h = await (await StartAsync()).SeedAsync();
        var before = await h.Host.CountEntitiesAsync();
        var response = await h.Host.SendAsync(HttpMethod.Post, "/api/complaints", Body("lr-o1", new string('ب', 40_000)), key: null);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before, await h.Host.CountEntitiesAsync());
    }

    [Fact]
    public async Task AWrongCheckCharacterIs404WithoutAskingStorage()
    {
        // Storage that cannot be reached: any read would answer 503.
        var port = FreePort();
        var unreachable = Store.DevelopmentStorage.Replace("10000", port.ToString()).Replace("10001", port.ToString()).Replace("10002", port.ToString());
        await using var h = await StartAsync(settings: new() { ["AzureWebJobsStorage"] = unreachable });
        var code = TrackingCode.New();
        var typo = code[..^1] + TrackingCode.Alphabet.First(c => c != code[^1]);

        var bad = await h.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{typo}", key: null);
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var good = await h.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}", key: null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, good.StatusCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
