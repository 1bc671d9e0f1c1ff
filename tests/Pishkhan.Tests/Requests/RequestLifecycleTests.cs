using System.Net;
using Pishkhan.Calendar;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

public sealed class RequestLifecycleTests(RequestsHostFixture fixture) : IClassFixture<RequestsHostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task SubmittedRequestIsAcceptedCompletedAndCounted()
    {
        var kit = await RequestsKit.SeedAsync(Host, "lorestan", "lc1");
        var id = (await kit.CreateAsync()).Str("id");
        var officeKey = kit.OfficeKeyFor(id);

        await kit.EventOkAsync(id, "accepted", officeKey);
        var done = await kit.EventOkAsync(id, "completed", officeKey);
        Assert.Equal("completed", done.Str("status"));
        Assert.NotNull(done["closedAt"]);

        var stats = await kit.StatsAsync(RequestsKit.OfficeOf(id), JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString());
        Assert.Equal((1, 1, 1, 0L), (stats!.RequestsReceived, stats.RequestsCompleted, stats.CompletedWithinSla, stats.SlaBreached));
        Assert.Equal(1, Stats.Histogram.Parse(stats.TurnaroundHistogram).Sum());
        Assert.Equal(0, await kit.OpenWorkAsync(RequestsKit.OfficeOf(id)));
    }

    [Fact]
    public async Task HistoryRecordsWhoDidWhatAndWhen()
    {
        var kit = await RequestsKit.SeedAsync(Host, "ilam", "lc2");
        var id = (await kit.CreateAsync()).Str("id");
        var office = RequestsKit.OfficeOf(id);
        var response = await kit.EventAsync(id, "accepted", kit.OfficeKeyFor(id), note: "پرونده تحویل شد\nبا مدارک کامل");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var history = (await kit.GetAsync(id))["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Equal(("submitted", "agency", kit.Agency), (history[0]!.Str("what"), history[0]!.Str("byRole"), history[0]!.Str("bySubject")));
        Assert.Equal(("accepted", "office", office), (history[1]!.Str("what"), history[1]!.Str("byRole"), history[1]!.Str("bySubject")));
        Assert.Equal("پرونده تحویل شد\nبا مدارک کامل", history[1]!.Str("note"));
        Assert.True(history[1]!["at"]!.GetValue<DateTimeOffset>() >= history[0]!["at"]!.GetValue<DateTimeOffset>());
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("accepted,accepted")]
    [InlineData("rejected,accepted")]
    [InlineData("rejected,completed")]
    [InlineData("accepted,completed,rejected")]
    public async Task IllegalTransitionsAre409AndChangeNothing(string sequence)
    {
        var events = sequence.Split(',');
        var kit = await RequestsKit.SeedAsync(Host, "qom", "lc3" + events.Length + events[0][0] + events[^1][0]);
        var id = (await kit.CreateAsync()).Str("id");
        foreach (var e in events[..^1]) await kit.EventOkAsync(id, e, kit.OfficeKeyFor(id));
        var before = await kit.GetAsync(id);
        var response = await kit.EventAsync(id, events[^1], kit.OfficeKeyFor(id));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before.ToJsonString(), (await kit.GetAsync(id)).ToJsonString());
    }

    [Fact]
    public async Task ConcurrentEventsOnOneRequestApplyOnce()
    {
        var kit = await RequestsKit.SeedAsync(Host, "yazd", "lc4");
        var id = (await kit.CreateAsync()).Str("id");
        var accepts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => kit.EventAsync(id, "accepted", kit.OfficeKeyFor(id))));
        Assert.Single(accepts, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(9, accepts.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        // Completing and rejecting race: exactly one closes the request.
        var closes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => kit.EventAsync(id, i % 2 == 0 ? "completed" : "rejected", kit.OfficeKeyFor(id))));
        Assert.Single(closes, r => r.StatusCode == HttpStatusCode.OK);
        var view = await kit.GetAsync(id);
        Assert.Equal(3, view["history"]!.AsArray().Count);
        Assert.Equal(0, await kit.OpenWorkAsync(RequestsKit.OfficeOf(id)));
        var stats = await kit.StatsAsync(RequestsKit.OfficeOf(id), JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString());
        Assert.Equal(1, stats!.RequestsCompleted + stats.RequestsRejected);
    }

    [Fact]
    public async Task OnlyTheRequestsOfficeMayPostEvents()
    {
        var kit = await RequestsKit.SeedAsync(Host, "semnan", "lc5");
        var id = (await kit.CreateAsync(kit.Body(officeCode: $"lc5-o1"))).Str("id");
        Assert.Equal(HttpStatusCode.Forbidden, (await kit.EventAsync(id, "accepted", kit.OfficeKeys["lc5-o2"])).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await kit.EventAsync(id, "accepted", kit.AgencyKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await kit.EventAsync("lc5-o1_0000000000000000", "accepted", kit.OfficeKeys["lc5-o1"])).StatusCode);
        Assert.Equal("submitted", (await kit.GetAsync(id)).Str("status"));
    }

    [Fact]
    public async Task EventTimesMayNotBeInTheFutureOrBeforeTheRequest()
    {
        var kit = await RequestsKit.SeedAsync(Host, "zanjan", "lc6");
        var id = (await kit.CreateAsync()).Str("id");
        Assert.Equal(HttpStatusCode.BadRequest, (await kit.EventAsync(id, "accepted", kit.OfficeKeyFor(id), at: DateTimeOffset.UtcNow.AddHours(1))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await kit.EventAsync(id, "accepted", kit.OfficeKeyFor(id), at: DateTimeOffset.UtcNow.AddDays(-1))).StatusCode);
        var createdAt = (await kit.GetAsync(id))["createdAt"]!.GetValue<DateTimeOffset>();
        var accepted = await kit.EventOkAsync(id, "accepted", kit.OfficeKeyFor(id), at: createdAt.AddMilliseconds(1));
        Assert.Equal("accepted", accepted.Str("status"));
    }

    [Fact]
    public async Task RejectingASubmittedRequestClosesItAndCountsARejection()
    {
        var kit = await RequestsKit.SeedAsync(Host, "fars", "lc7");
        var id = (await kit.CreateAsync()).Str("id");
        await kit.EventOkAsync(id, "rejected", kit.OfficeKeyFor(id));
        Assert.Equal(0, await kit.OpenWorkAsync(RequestsKit.OfficeOf(id)));
        var stats = await kit.StatsAsync(RequestsKit.OfficeOf(id), JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString());
        Assert.Equal((1, 0, 1L), (stats!.RequestsReceived, stats.RequestsCompleted, stats.RequestsRejected));
    }
}
