using Pishkhan.Stats;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Storage;

public sealed class OfficeStatsStoreTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private OfficeStatsStore Stats => fixture.Host.Services.GetRequiredService<OfficeStatsStore>();

    [Fact]
    public async Task FiftyParallelEventsOnOneOfficeAreAllCountedExactly()
    {
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Stats.ApplyOnceAsync("1405-09", "st-par", "lorestan", "c1", $"ev-{i}", s => { s.RequestsReceived++; s.RatingSum += i; })));
        var row = await Stats.GetAsync("1405-09", "st-par");
        Assert.Equal(50, row!.RequestsReceived);
        Assert.Equal(Enumerable.Range(0, 50).Sum(), row.RatingSum);
    }

    [Fact]
    public async Task ARedeliveredEventIsCountedOnce()
    {
        var first = await Stats.ApplyOnceAsync("1405-09", "st-dup", "lorestan", "c1", "ev-1", s => s.ComplaintsReceived++);
        var again = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Stats.ApplyOnceAsync("1405-09", "st-dup", "lorestan", "c1", "ev-1", s => s.ComplaintsReceived++)));
        Assert.True(first);
        Assert.All(again, Assert.False);
        Assert.Equal(1, (await Stats.GetAsync("1405-09", "st-dup"))!.ComplaintsReceived);
    }

    [Fact]
    public async Task ListingAPeriodReturnsCounterRowsWithoutMarkers()
    {
        await Stats.ApplyOnceAsync("1405-08", "st-l1", "qom", "c1", "e1", s => s.RequestsReceived++);
        await Stats.ApplyOnceAsync("1405-08", "st-l1", "qom", "c1", "e2", s => s.RequestsReceived++);
        await Stats.ApplyOnceAsync("1405-08", "st-l2", "qom", "c1", "e3", s => s.RequestsReceived++);
        var rows = await Stats.ListAsync("1405-08", "qom");
        Assert.Equal(["st-l1", "st-l2"], rows.Select(r => r.OfficeCode).Order());
    }

    [Fact]
    public void HistogramsMergeAndGiveQuantiles()
    {
        var a = Histogram.Add(Histogram.Add("", 3), 10);      // buckets ≤4 and ≤12
        var b = Histogram.Add(Histogram.Add("", 3), 100);     // ≤4 and ≤128
        var merged = Histogram.Merge([a, b]);
        Assert.Equal(4, merged.Sum());
        Assert.Equal(4, Histogram.Quantile(merged, 0.5));
        Assert.Equal(128, Histogram.Quantile(merged, 0.9));
        Assert.Null(Histogram.Quantile(Histogram.Parse(""), 0.5));
    }
}
