using System.Diagnostics;
using System.Net;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Health;

public sealed class HealthTests
{
    [Fact]
    public async Task HealthIsOkWhileStorageAnswers()
    {
        await using var host = await TestHost.StartAsync();
        var response = await host.SendAsync(HttpMethod.Get, "/api/health", key: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await host.ReadJsonAsync(response))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task StorageOutageIs503WithRetryAfterWithinSecondsAndRecovers()
    {
        await using var azurite = await Azurite.StartNewAsync(inMemory: false);
        await using var host = await TestHost.StartAsync(azurite);
        await host.PutOkAsync("/api/counties/ho-c1", new { name = "بروجرد", province = "lorestan" });

        await azurite.StopAsync();
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, "/api/health", null),
                     (HttpMethod.Get, "/api/counties/ho-c1", null),
                     (HttpMethod.Put, "/api/counties/ho-c2", new { name = "دورود", province = "lorestan" }),
                 })
        {
            var watch = Stopwatch.StartNew();
            var response = await host.SendAsync(method, path, body);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"{method} {path} took {watch.Elapsed}");
        }

        await azurite.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/api/health", key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/api/counties/ho-c1", key: null)).StatusCode);
    }
}
