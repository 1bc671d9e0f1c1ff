using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Pishkhan.Local.Demo;
using Pishkhan.Notifications;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Demo;

public sealed class DemoSeederTests
{
    [Fact]
    public async Task SeedsAnEmptyStoreThroughTheApiAndPublishesARankingAndDigests()
    {
        var pickup = Directory.CreateTempSubdirectory("pishkhan-demo-outbox-").FullName;
        await using var host = await TestHost.StartAsync(settings: new()
        {
            ["Pishkhan:UnsubscribeSigningKey"] = "demo-test-unsubscribe-signing-key-0123456789",
            ["Pishkhan:Complaints:FilingsPerClient"] = "100000",
            ["Pishkhan:Outbox:PickupDirectory"] = pickup,
        });
        using var http = new HttpClient { BaseAddress = host.Http.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", TestHost.BootstrapKey);
        var seeder = new DemoSeeder(http, host.Services, host.Services.GetRequiredService<DemoClock>(), host.Services.GetRequiredService<ILogger<DemoSeeder>>());

        var result = await seeder.RunAsync();

        Assert.True(result.Seeded);
        var counts = string.Join(", ", result.Counts!.Select(c => $"{c.Key}={c.Value}"));
        Assert.True(result.Counts!["completed"] > 500, counts);
        Assert.Equal(2, result.ReportUrls.Count);
        foreach (var province in new[] { "lorestan", "east-azerbaijan" })
        {
            var ranking = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, $"/api/rankings/{result.Period}?scope={province}", key: null));
            var rows = ranking["rows"]!.AsArray();
            Assert.True(rows.Any(r => r!["status"]!.GetValue<string>() == "ranked"),
                string.Join(" ", rows.Take(5).Select(r => $"{r!["officeCode"]}:{r["status"]}:{r["requestsCompleted"]}")) + " " + result.Period);
        }
        var digests = 0;
        await foreach (var _ in host.Store.Table(Pishkhan.Storage.Tables.Outbox).QueryAsync<OutboxEntity>(TableClient.CreateQueryFilter($"Kind eq {NotificationKinds.Digest}"))) digests++;
        Assert.True(digests >= 1, "No digest was queued.");
        Assert.NotEmpty(Directory.GetFiles(pickup, "*.eml"));

        // A second run finds data and seeds nothing.
        var again = await seeder.RunAsync();
        Assert.False(again.Seeded);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/api/health", key: null)).StatusCode);
    }
}
