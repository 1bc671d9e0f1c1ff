using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Notifications;
using Pishkhan.Requests;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Notifications;

namespace Pishkhan.Tests.Requests;

/// <summary>
/// An office's event or a citizen's rating whose transaction was stored but whose answer was lost (the storage
/// client's network timeout): the client's retry meets its own write. The caller gets what it did, counted once,
/// not "a completed request cannot be completed" or "token already used".
/// </summary>
public sealed class RequestLostAnswerTests
{
    private static async Task<(TestHost Host, LostAnswer Lost, RequestsKit Kit, string Id)> AcceptedAsync(string province, string tag)
    {
        var lost = new LostAnswer();
        var host = await TestHost.StartAsync(settings: RequestsHostFixture.Settings, configure: lost.Register);
        var kit = await RequestsKit.SeedAsync(host, province, tag);
        var id = (await kit.CreateAsync())["id"]!.GetValue<string>();
        await kit.EventOkAsync(id, "accepted", kit.OfficeKeyFor(id));
        return (host, lost, kit, id);
    }

    [Fact]
    public async Task ACompletionWhoseAnswerIsLostAnswersCompletedAndCountsOnce()
    {
        var (host, lost, kit, id) = await AcceptedAsync("qom", "rl1");
        await using var _ = host;
        lost.ArmTransaction();

        var completed = await kit.EventOkAsync(id, "completed", kit.OfficeKeyFor(id));

        Assert.Equal(1, lost.Lost);
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        var history = (await kit.GetAsync(id))["history"]!.AsArray().Select(h => h!["what"]!.GetValue<string>());
        Assert.Equal(["submitted", "accepted", "completed"], history);
        Assert.Equal(0, await kit.OpenWorkAsync(RequestsKit.OfficeOf(id)));
        var stats = await kit.StatsAsync(RequestsKit.OfficeOf(id), Pishkhan.Calendar.JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString());
        Assert.Equal((1, 1), (stats!.RequestsReceived, stats.RequestsCompleted));
    }

    [Fact]
    public async Task ARatingWhoseAnswerIsLostIsAcceptedAndCountsOnce()
    {
        var (host, lost, kit, id) = await AcceptedAsync("yazd", "rl2");
        await using var _ = host;
        await kit.EventOkAsync(id, "completed", kit.OfficeKeyFor(id));
        OutboxEntity? notification = null;
        await Poll.UntilAsync(async () => (notification = (await host.Table(Tables.Outbox).ListAsync<OutboxEntity>(
            TableClient.CreateQueryFilter($"Cause eq {"request-completed:" + id}"))).FirstOrDefault()) is not null, "the completion's notification");
        var token = notification!.Data["ratingToken"];
        lost.ArmTransaction();

        var rated = await host.SendAsync(HttpMethod.Post, "/api/ratings", new { token, score = 4 }, key: null);

        Assert.Equal(1, lost.Lost);
        Assert.Equal(HttpStatusCode.Created, rated.StatusCode);
        var stats = await kit.StatsAsync(RequestsKit.OfficeOf(id), Pishkhan.Calendar.JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString());
        Assert.Equal((1L, 4L), (stats!.RatingCount, stats.RatingSum));
        var again = await host.SendAsync(HttpMethod.Post, "/api/ratings", new { token, score = 4 }, key: null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // a later use of the token is still refused
    }

    [Fact]
    public async Task IdenticalEventsAndRatingsAtTheSameInstantHaveOneWinnerEachAndCountOnce()
    {
        // The clock stands still, so racing identical calls build the very same change, server time included:
        // only a mark of each call's own tells the one stored from its rivals.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var host = await TestHost.StartAsync(settings: RequestsHostFixture.Settings, configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        await using var _ = host;
        var kit = await RequestsKit.SeedAsync(host, "semnan", "rl3");
        var id = (await kit.CreateAsync())["id"]!.GetValue<string>();
        foreach (var type in new[] { "accepted", "completed" })
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => kit.EventAsync(id, type, kit.OfficeKeyFor(id))));
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        }
        OutboxEntity? notification = null;
        await Poll.UntilAsync(async () => (notification = (await host.Table(Tables.Outbox).ListAsync<OutboxEntity>(
            TableClient.CreateQueryFilter($"Cause eq {"request-completed:" + id}"))).FirstOrDefault()) is not null, "the completion's notification");
        var token = notification!.Data["ratingToken"];

        var ratings = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => host.SendAsync(HttpMethod.Post, "/api/ratings", new { token, score = 3 }, key: null)));

        Assert.Single(ratings, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(ratings.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var history = (await kit.GetAsync(id))["history"]!.AsArray().Select(h => h!["what"]!.GetValue<string>());
        Assert.Equal(["submitted", "accepted", "completed"], history);
        var stats = await kit.StatsAsync(RequestsKit.OfficeOf(id), Pishkhan.Calendar.JalaliPeriod.Containing(clock.GetUtcNow()).ToString());
        Assert.Equal((1, 1, 1L, 3L), (stats!.RequestsReceived, stats.RequestsCompleted, stats.RatingCount, stats.RatingSum));
    }
}
