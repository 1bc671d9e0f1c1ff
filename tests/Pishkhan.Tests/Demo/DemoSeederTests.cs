using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Pishkhan.Local;
using Pishkhan.Local.Demo;
using Pishkhan.Notifications;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Inspections;

namespace Pishkhan.Tests.Demo;

/// <summary>
/// The demo seeds in a private host with its own clock (DemoRunner): a public host running at the same time keeps the
/// real clock, and a demo that fails is reported while the public host serves.
/// </summary>
public sealed class DemoSeederTests
{
    [Fact]
    public async Task SeedsInAPrivateHostWhileThePublicHostKeepsTheRealClock()
    {
        var pickup = Directory.CreateTempSubdirectory("pishkhan-demo-outbox-").FullName;
        var azurite = await Azurite.SharedAsync();
        var prefix = TestHost.NewPrefix();
        var settings = TestHost.Settings(azurite, prefix, new()
        {
            ["Pishkhan:UnsubscribeSigningKey"] = "demo-test-unsubscribe-signing-key-0123456789",
            ["Pishkhan:Complaints:FilingsPerClient"] = "100000",
            ["Pishkhan:Outbox:PickupDirectory"] = pickup,
        });
        // A host serving callers meanwhile (its own store): an inspection dated yesterday must stay "in the past" for it.
        await using var serving = await TestHost.StartAsync();
        await serving.SeedProvinceAsync("ilam", "dm");

        var seeding = DemoRunner.SeedPrivatelyAsync(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));
        var calls = 0;
        while (!seeding.IsCompleted)
        {
            var visitedAt = DateTimeOffset.UtcNow.AddDays(-1);
            var posted = await serving.SendAsync(HttpMethod.Post, "/api/inspections", InspectionTestKit.Body("dm-o1", visitedAt: visitedAt));
            Assert.True(posted.StatusCode == HttpStatusCode.Accepted, $"while the demo seeds: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
            Assert.InRange(serving.Services.GetRequiredService<TimeProvider>().GetUtcNow() - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(5));
            calls++;
            await Task.WhenAny(seeding, Task.Delay(1000));
        }
        var outcome = await seeding;
        Assert.Null(outcome.Error);
        var result = outcome.Result!;
        Assert.True(calls >= 5, $"only {calls} calls while the demo seeded");
        Assert.True(result.Seeded);
        var counts = string.Join(", ", result.Counts!.Select(c => $"{c.Key}={c.Value}"));
        Assert.True(result.Counts!["completed"] > 500, counts);
        Assert.Equal(2, result.ReportUrls.Count);

        // The public host, started on the seeded store afterwards as ./run.sh does, serves the demo's data on the real clock.
        await using var host = await StartOnAsync(settings);
        Assert.InRange(host.Services.GetRequiredService<TimeProvider>().GetUtcNow() - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(5));
        using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()) };
        foreach (var province in new[] { "lorestan", "east-azerbaijan" })
        {
            var ranking = await Json(await http.GetAsync($"/api/rankings/{result.Period}?scope={province}"));
            var rows = ranking["rows"]!.AsArray();
            Assert.True(rows.Any(r => r!["status"]!.GetValue<string>() == "ranked"),
                string.Join(" ", rows.Take(5).Select(r => $"{r!["officeCode"]}:{r["status"]}:{r["requestsCompleted"]}")) + " " + result.Period);
        }
        var digests = 0;
        var store = host.Services.GetRequiredService<Store>();
        await foreach (var _ in store.Table(Tables.Outbox).QueryAsync<OutboxEntity>(TableClient.CreateQueryFilter($"Kind eq {NotificationKinds.Digest}"))) digests++;
        Assert.True(digests >= 1, "No digest was queued.");
        Assert.NotEmpty(Directory.GetFiles(pickup, "*.eml"));

        // A second run finds data and seeds nothing.
        var again = await DemoRunner.SeedPrivatelyAsync(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));
        Assert.False(again.Result!.Seeded);
    }

    [Fact]
    public async Task ADemoThatFailsIsReportedAndThePublicHostServesAnyway()
    {
        // Storage that cannot be reached: the demo cannot even look whether the store is empty.
        var port = FreePort();
        var unreachable = Store.DevelopmentStorage.Replace("10000", $"{port}").Replace("10001", $"{port}").Replace("10002", $"{port}");
        var settings = TestHost.Settings(await Azurite.SharedAsync(), TestHost.NewPrefix(), new() { ["AzureWebJobsStorage"] = unreachable });

        var (app, demo) = await LocalProgram.StartAsync(["--demo", "--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));
        await using (app)
        {
            Assert.NotNull(demo);
            Assert.Null(demo.Result);
            Assert.NotNull(demo.Error);
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var health = await http.GetAsync("/api/health");
            Assert.Contains(health.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/no-such-route")).StatusCode);
            await app.StopAsync();
        }
    }

    private static async Task<WebApplication> StartOnAsync(Dictionary<string, string?> settings)
    {
        var (app, demo) = await LocalProgram.StartAsync(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));
        Assert.Null(demo);
        return app;
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> Json(HttpResponseMessage response) =>
        System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
