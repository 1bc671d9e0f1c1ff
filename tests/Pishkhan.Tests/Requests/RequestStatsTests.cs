using System.Net;
using Pishkhan.Calendar;
using Pishkhan.Requests;
using Pishkhan.Stats;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

public sealed class RequestStatsTests(RequestsHostFixture fixture) : IClassFixture<RequestsHostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task ManyParallelEventsOnOneOfficeAreCountedExactlyOnce()
    {
        var kit = await RequestsKit.SeedAsync(Host, "lorestan", "st1");
        const int n = 60;
        var office = kit.Office(1);
        var stats = Host.Services.GetRequiredService<RequestStats>();
        using var stop = new CancellationTokenSource();
        // Flushes race with the events all along.
        var flusher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) { await stats.FlushNowAsync(office); await Task.Delay(15); }
        });

        var ids = (await Task.WhenAll(Enumerable.Range(0, n).Select(i => kit.CreateAsync(kit.Body(officeCode: office, externalRef: $"p{i}")))))
            .Select(c => c.Str("id")).ToList();
        var accepted = await Task.WhenAll(ids.Select(id => kit.EventAsync(id, "accepted", kit.OfficeKeys[office])));
        Assert.All(accepted, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var closed = await Task.WhenAll(ids.Select((id, i) => kit.EventAsync(id, i % 2 == 0 ? "completed" : "rejected", kit.OfficeKeys[office])));
        Assert.All(closed, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // Retried events change nothing.
        var retried = await Task.WhenAll(ids.Take(10).Select(id => kit.EventAsync(id, "accepted", kit.OfficeKeys[office])));
        Assert.All(retried, r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        stop.Cancel();
        await flusher;

        var period = JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString();
        var row = await kit.StatsAsync(office, period);
        Assert.Equal((n, n / 2, n / 2, n / 2, 0L), (row!.RequestsReceived, row.RequestsCompleted, row.RequestsRejected, row.CompletedWithinSla, row.SlaBreached));
        Assert.Equal(n / 2, Histogram.Parse(row.TurnaroundHistogram).Sum());
        Assert.Equal((kit.Province, kit.County1), (row.Province, row.CountyCode));
        Assert.Equal(0, await kit.OpenWorkAsync(office));
        // Flushing again adds nothing.
        var again = await kit.StatsAsync(office, period);
        Assert.Equal(row.RequestsReceived, again!.RequestsReceived);
        Assert.Equal(row.TurnaroundHistogram, again.TurnaroundHistogram);
    }
}
