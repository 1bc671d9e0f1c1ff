using Pishkhan.Local;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Azure.Identity;
using OpenTelemetry.Trace;
using Pishkhan.Bindings;
using Pishkhan.Telemetry;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Telemetry;

public sealed class TelemetryTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task EachRouteCallIsOneIntakeActivityTaggedWithFunctionRouteRoleAndStatus()
    {
        using var capture = new ActivityCapture();
        var code = "tel-" + Guid.NewGuid().ToString("N")[..8];

        using var root = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, $"/api/counties/{code}", key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Put, $"/api/counties/{code}", new { name = "الشتر", province = "lorestan" })).StatusCode);
        root.Stop();

        var activities = capture.InTrace(root.TraceId, PishkhanTelemetry.Intake.Name).OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(2, activities.Count);
        var (get, put) = (activities[0], activities[1]);
        Assert.Equal("GetCounty", get.DisplayName);
        Assert.Equal("counties/{countyCode}", get.GetTagItem("http.route"));
        Assert.Equal("GET", get.GetTagItem("http.request.method"));
        Assert.Equal(404, get.GetTagItem("http.response.status_code"));
        Assert.Equal("public", get.GetTagItem("pishkhan.caller.role"));
        Assert.Equal("PutCounty", put.GetTagItem("function"));
        Assert.Equal(200, put.GetTagItem("http.response.status_code"));
        Assert.Equal("admin", put.GetTagItem("pishkhan.caller.role"));
        Assert.Equal(ActivityStatusCode.Unset, put.Status);
        // The route template is tagged, never the path with its values.
        Assert.DoesNotContain(activities.SelectMany(a => a.TagObjects), t => t.Value?.ToString()?.Contains(code) == true);
    }

    [Fact]
    public async Task RouteCallsAreCountedAndTimedByFunctionAndStatus()
    {
        using var metrics = new MetricCapture();

        await Host.SendAsync(HttpMethod.Get, "/api/counties/no-such-county-" + Guid.NewGuid().ToString("N")[..6], key: null);

        bool IsThisCall(CapturedMeasurement m) =>
            Equals(m.Tags.GetValueOrDefault("function"), "GetCounty") && Equals(m.Tags.GetValueOrDefault("http.response.status_code"), 404);
        Assert.Contains(metrics.Measurements, m => m.Instrument == "pishkhan.http.requests" && m.Value == 1 && IsThisCall(m)
            && Equals(m.Tags["http.route"], "counties/{countyCode}") && Equals(m.Tags["http.request.method"], "GET"));
        Assert.Contains(metrics.Measurements, m => m.Instrument == "pishkhan.http.request.duration" && m.Value > 0 && IsThisCall(m));
    }

    [Fact]
    public async Task QueueMessagesAreTracedAndCountedAsProcessedFailedAndPoisoned()
    {
        var function = "TelemetryProbe" + Guid.NewGuid().ToString("N")[..6];
        var queue = "probe-" + Guid.NewGuid().ToString("N")[..6];
        var attempts = new ConcurrentDictionary<string, int>();
        QueueHandler handler = (message, _) =>
        {
            var text = message.ToString();
            var attempt = attempts.AddOrUpdate(text, 1, (_, n) => n + 1);
            return text == "always-fails" || (text == "fails-once" && attempt == 1)
                ? throw new InvalidOperationException("probe failure")
                : Task.CompletedTask;
        };
        using var metrics = new MetricCapture();
        using var activities = new ActivityCapture();
        await using var host = await TestHost.StartAsync(queues: [new QueueBinding(function, queue, handler)],
            settings: new() { ["Pishkhan:Local:Queues:MaxDequeueCount"] = "2" });
        await host.Store.Queue(queue).CreateIfNotExistsAsync();
        await host.Store.Queue(queue + "-poison").CreateIfNotExistsAsync();

        await host.Store.Queue(queue).SendMessageAsync("fails-once");
        await host.Store.Queue(queue).SendMessageAsync("always-fails");

        double Count(string instrument) => metrics.Measurements
            .Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault("function"), function)).Sum(m => m.Value);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Count("pishkhan.queue.messages.processed") < 1 || Count("pishkhan.queue.messages.poisoned") < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the probe messages were not handled within 30 s");
            await Task.Delay(50);
        }

        Assert.Equal(1, Count("pishkhan.queue.messages.processed"));
        Assert.Equal(3, Count("pishkhan.queue.messages.failed"));
        Assert.Equal(1, Count("pishkhan.queue.messages.poisoned"));
        var traced = activities.Stopped.Where(a => a.Source == PishkhanTelemetry.Queues && a.DisplayName == function).ToList();
        Assert.Equal(4, traced.Count);
        Assert.All(traced, a => Assert.Equal(queue, a.GetTagItem("messaging.destination.name")));
        Assert.Equal(ActivityKind.Consumer, traced[0].Kind);
        Assert.Equal(3, traced.Count(a => a.Status == ActivityStatusCode.Error));
    }

    [Fact]
    public void ExportIsRegisteredOnlyWhenAConnectionStringIsSet()
    {
        var without = new ServiceCollection();
        var with = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/",
        }).Build();

        Assert.Null(without.AddPishkhanTelemetry(new ConfigurationBuilder().Build()));
        Assert.NotNull(with.AddPishkhanTelemetry(configuration));
        Assert.DoesNotContain(without, d => d.ServiceType == typeof(TracerProvider));
        Assert.Contains(with, d => d.ServiceType == typeof(TracerProvider));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("ClientId=2f1b7c3e-0000-4000-8000-000000000000", false)]
    [InlineData("ClientId=2f1b7c3e-0000-4000-8000-000000000000;Authorization=AAD", true)]
    [InlineData("Authorization=AAD", true)]
    public void EntraIngestionFollowsTheAuthenticationString(string? authentication, bool managedIdentity)
    {
        var credential = TelemetryRegistration.EntraCredential(authentication);

        Assert.Equal(managedIdentity, credential is ManagedIdentityCredential);
    }
}
