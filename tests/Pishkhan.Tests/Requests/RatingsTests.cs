using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Notifications;
using Pishkhan.Requests;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Notifications;

namespace Pishkhan.Tests.Requests;

public sealed class RatingsTests(RequestsHostFixture fixture) : IClassFixture<RequestsHostFixture>
{
    private TestHost Host => fixture.Host;

    private async Task<(RequestsKit Kit, string Id, OutboxEntity Notification)> CompletedAsync(string province, string tag, object? citizen = null)
    {
        var kit = await RequestsKit.SeedAsync(Host, province, tag);
        var id = (await kit.CreateAsync(kit.Body(citizen: citizen)))["id"]!.GetValue<string>();
        await kit.EventOkAsync(id, "accepted", kit.OfficeKeyFor(id));
        await kit.EventOkAsync(id, "completed", kit.OfficeKeyFor(id));
        // The completion's outbox rows are dispatched after the answer: wait until none is left in the partition.
        await Poll.UntilAsync(async () => (await OutboxLeftoversAsync(id)).Count == 0, "the completion's dispatch");
        var outbox = await Host.Table(Tables.Outbox).QueryAsync<OutboxEntity>(TableClient.CreateQueryFilter($"Cause eq {"request-completed:" + id}")).ToListAsync();
        return (kit, id, outbox.SingleOrDefault(o => !o.IsSms)!); // the email row (the SMS row carries the same data)
    }

    private async Task<List<TableEntity>> OutboxLeftoversAsync(string id) =>
        await Host.Table(Tables.Requests).QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {RequestsKit.OfficeOf(id)} and RowKey ge {"~outbox_"} and RowKey lt {"~outbox`"}")).ToListAsync();

    private Task<HttpResponseMessage> RateAsync(string token, int score = 5, string? comment = null) =>
        Host.SendAsync(HttpMethod.Post, "/api/ratings", new { token, score, comment }, key: null);

    [Fact]
    public async Task CompletionQueuesOneNotificationWithAOneTimeRatingLink()
    {
        var (kit, id, n) = await CompletedAsync("lorestan", "ra1");
        Assert.NotNull(n);
        Assert.Equal((NotificationKinds.RequestCompleted, "citizen@example.ir", "09121234567", kit.Province), (n.Kind, n.ToEmail, n.ToMobile, n.Province));
        var data = n.Data;
        Assert.StartsWith(id + ".", data["ratingToken"]);
        Assert.Equal("http://127.0.0.1:7071/rate?token=" + Uri.EscapeDataString(data["ratingToken"]), data["ratingLink"]);
        Assert.Equal(id, data["requestId"]);
        Assert.Equal("دفتر پیشخوان 1", data["officeName"]);
        // The request keeps only the token's hash; the outbox rows of the partition are gone once sent.
        var parts = id.Split('_');
        var row = (await Host.Table(Tables.Requests).GetEntityAsync<TableEntity>(parts[0], $"r_{parts[1]}")).Value;
        Assert.DoesNotContain(((IDictionary<string, object>)row).Values, v => v is string s && s.Contains(data["ratingToken"].Split('.')[1], StringComparison.Ordinal));
        Assert.Equal(RatingTokens.Hash(data["ratingToken"]), row["RatingTokenHash"]);
        Assert.Empty(await OutboxLeftoversAsync(id));
    }

    [Fact]
    public async Task ATokenRatesOnceThenIs409AndCountsInStats()
    {
        var (kit, id, n) = await CompletedAsync("ilam", "ra2");
        var token = n.Data["ratingToken"];
        const string comment = "<b>خیلی خوب</b> & \"سریع\"\nممنون";
        var first = await RateAsync(token, 4, comment);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(4, (await Host.ReadJsonAsync(first))["score"]!.GetValue<int>());
        var replay = await RateAsync(token, 1);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);

        var view = await kit.GetAsync(id);
        Assert.Equal(4, view["rating"]!["score"]!.GetValue<int>());
        Assert.Equal(comment, view["rating"]!.Str("comment"));
        var stats = await kit.StatsAsync(RequestsKit.OfficeOf(id), JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString());
        Assert.Equal((1L, 4L), (stats!.RatingCount, stats.RatingSum));
    }

    [Fact]
    public async Task ConcurrentUsesOfOneTokenRateOnce()
    {
        var (kit, id, n) = await CompletedAsync("qom", "ra3");
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => RateAsync(n.Data["ratingToken"], 1 + i % 5)));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var stats = await kit.StatsAsync(RequestsKit.OfficeOf(id), JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString());
        Assert.Equal(1, stats!.RatingCount);
    }

    [Fact]
    public async Task UnknownOrTamperedTokensAre404AndWriteNothing()
    {
        var (_, id, n) = await CompletedAsync("yazd", "ra4");
        var token = n.Data["ratingToken"];
        // The completion's SMS writes its rating code (RatingCodes) when the queue sends it: wait for every
        // notification of the completion, so only the refused ratings could change the count.
        await Poll.UntilAsync(async () => (await Host.Table(Tables.Outbox).QueryAsync<OutboxEntity>(TableClient.CreateQueryFilter($"Cause eq {"request-completed:" + id}")).ToListAsync())
            .All(o => o.Status is OutboxStatus.Sent or OutboxStatus.Skipped or OutboxStatus.Failed), "the completion's notifications");
        var before = await Host.CountEntitiesAsync();
        var tampered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        foreach (var t in new[] { tampered, id + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "nonsense", "x_y_0000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })
        {
            var response = await RateAsync(t);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(before, await Host.CountEntitiesAsync());
        Assert.Equal(HttpStatusCode.Created, (await RateAsync(token)).StatusCode);
    }

    [Fact]
    public async Task NoContactMeansNoNotificationButTheRequestStillCompletes()
    {
        var (kit, id, n) = await CompletedAsync("fars", "ra5", citizen: new { nationalId = "0013542419" });
        Assert.Null(n);
        Assert.Equal("completed", (await kit.GetAsync(id)).Str("status"));
    }
}
