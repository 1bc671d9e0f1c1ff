using System.Net;
using Azure.Data.Tables;
using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Inspections;
using Pishkhan.Notifications;
using Pishkhan.Sanctions;
using Pishkhan.Stats;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using static Pishkhan.Tests.Inspections.InspectionTestKit;

namespace Pishkhan.Tests.Inspections;

/// <summary>At-least-once delivery: duplicates change nothing twice; messages that cannot be processed end in the poison queue.</summary>
public sealed class InspectionDeliveryTests
{
    [Fact]
    public async Task DeliveringEveryMessageTwiceAtOnceChangesNothingTwice()
    {
        // No listener: the test plays the queue runtime and delivers the real message three times.
        await using var host = await TestHost.StartAsync(queues: []);
        await host.SeedProvinceAsync("gilan", "gi");
        await PutMembersAsync(host, "gilan", "gi");
        var visitedAt = DateTimeOffset.UtcNow.AddHours(-1);
        var id = await PostAsync(host, Body("gi-o1", visitedAt: visitedAt, items: Items(("documents-kept-private", "fail"), ("waiting-area", "fail"))));
        var message = Assert.Single((await host.Store.Queue(QueueNames.Inspections).ReceiveMessagesAsync(32)).Value).Body;
        Assert.Null(message.ToObjectFromJson<InspectionMessage>(Pishkhan.Http.Json.Options)!.Row); // read with its history: the id alone

        var (first, third) = await DeliverTwiceAtOnceThenAgainAsync(host, message, id);

        Assert.Equal(InspectionStatus.Processed, first.Status);
        Assert.Equal(first.ETag, third.ETag); // the third delivery found it processed and wrote nothing
        await WaitCountsAppliedAsync(host, id); // moved into OfficeStats about a second after processing
        var stats = await host.Services.GetRequiredService<OfficeStatsStore>().GetAsync(JalaliPeriod.Containing(visitedAt).ToString(), "gi-o1");
        Assert.Equal((1, 2, 1), (stats!.InspectionCount, stats.Violations, stats.MajorViolations));
        var sanction = Assert.Single(await host.Services.GetRequiredService<SanctionService>().ListOfficeAsync("gi-o1"));
        Assert.Equal(id, sanction.Id);
        Assert.Single(await host.Table(Tables.InspectionFollowUps).ListAsync<FollowUpEntity>(null));
        var outbox = await host.Table(Tables.Outbox).ListAsync<OutboxEntity>(null);
        Assert.Single(outbox, o => o.Kind == NotificationKinds.InspectionResult);
        Assert.Equal(3, outbox.Count(o => o.Kind == NotificationKinds.SanctionProposed)); // office, chair, county lead: once each
    }

    [Fact]
    public async Task ACleanInspectionsMessageCarriesItsRowAndDeliveringItAgainAfterProcessingChangesNothing()
    {
        await using var host = await TestHost.StartAsync(queues: []);
        await host.SeedProvinceAsync("golestan", "gl");
        var visitedAt = DateTimeOffset.UtcNow.AddHours(-1);
        var id = await PostAsync(host, Body("gl-o1", visitedAt: visitedAt), idempotencyKey: "clean-1");
        var message = Assert.Single((await host.Store.Queue(QueueNames.Inspections).ReceiveMessagesAsync(32)).Value).Body;
        var carried = message.ToObjectFromJson<InspectionMessage>(Pishkhan.Http.Json.Options)!;
        var posted = (await host.Services.GetRequiredService<InspectionStore>().FindAsync(id))!;
        Assert.Equal((id, InspectionStatus.Queued, posted.ETag.ToString(), posted.ItemsJson), (carried.Row!.Id, carried.Row.Status, carried.RowETag, carried.Row.ItemsJson));

        // Two deliveries at once, then a third after the row is processed: each runs from the copy in the message
        // (queued, the POST's ETag); the "processed" write lets one through.
        var (first, third) = await DeliverTwiceAtOnceThenAgainAsync(host, message, id);

        Assert.Equal(InspectionStatus.Processed, first.Status);
        Assert.Equal(first.ETag, third.ETag);
        Assert.Equal(100, first.Outcome!.Score);
        await WaitCountsAppliedAsync(host, id);
        var stats = await host.Services.GetRequiredService<OfficeStatsStore>().GetAsync(JalaliPeriod.Containing(visitedAt).ToString(), "gl-o1");
        Assert.Equal((1, 0), (stats!.InspectionCount, stats.Violations));
        Assert.Single(await host.Table(Tables.Outbox).ListAsync<OutboxEntity>(null), o => o.Kind == NotificationKinds.InspectionResult);
        Assert.Empty(await host.Services.GetRequiredService<SanctionService>().ListOfficeAsync("gl-o1"));
    }

    /// <summary>Two deliveries of <paramref name="message"/> at once, then a third: the row after the first two and after the third.</summary>
    private static async Task<(InspectionEntity First, InspectionEntity Third)> DeliverTwiceAtOnceThenAgainAsync(TestHost host, BinaryData message, string id)
    {
        var processor = host.Services.GetRequiredService<InspectionProcessor>();
        var store = host.Services.GetRequiredService<InspectionStore>();
        await Task.WhenAll(processor.ProcessAsync(message), processor.ProcessAsync(message));
        var first = (await store.FindAsync(id))!;
        await processor.ProcessAsync(message);
        return (first, (await store.FindAsync(id))!);
    }

    [Fact]
    public async Task APostWithoutIdempotencyKeyWhoseInsertAnswerIsLostStoresOneInspection()
    {
        // The insert is stored, its answer lost; the storage client's retry meets the row it wrote (409).
        var lost = new LostAnswer();
        await using var host = await TestHost.StartAsync(queues: [], configure: lost.Register);
        await host.SeedProvinceAsync("zanjan", "zn");
        lost.ArmInsert(Tables.Inspections);

        var id = await PostAsync(host, Body("zn-o1", visitedAt: DateTimeOffset.UtcNow.AddHours(-1)));

        Assert.Equal(1, lost.Lost);
        var stored = Assert.Single(await host.Table(Tables.Inspections).ListAsync<InspectionEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {"zn-o1"}")));
        Assert.Equal(id, stored.Id);
        var message = Assert.Single((await host.Store.Queue(QueueNames.Inspections).ReceiveMessagesAsync(32)).Value);
        Assert.Equal(id, message.Body.ToObjectFromJson<InspectionMessage>(Pishkhan.Http.Json.Options)!.Id);
    }

    [Fact]
    public async Task DuplicateQueueMessagesThroughTheListenerAreProcessedOnce()
    {
        await using var host = await TestHost.StartAsync();
        await host.SeedProvinceAsync("markazi", "mk");
        var visitedAt = DateTimeOffset.UtcNow.AddHours(-1);
        var id = await PostAsync(host, Body("mk-o1", visitedAt: visitedAt, items: Items(("staff-id-badges", "fail"))));
        var queue = host.Store.Queue(QueueNames.Inspections);
        for (var i = 0; i < 3; i++) await queue.SendMessageAsync(BinaryData.FromObjectAsJson(new InspectionMessage(id), Pishkhan.Http.Json.Options));
        await WaitProcessedAsync(host, id);
        await EventuallyAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0 ? "" : null);
        var stats = await host.Services.GetRequiredService<OfficeStatsStore>().GetAsync(JalaliPeriod.Containing(visitedAt).ToString(), "mk-o1");
        Assert.Equal((1, 1), (stats!.InspectionCount, stats.Violations));
        Assert.Single(await host.Services.GetRequiredService<SanctionService>().ListOfficeAsync("mk-o1"));
    }

    [Fact]
    public async Task CountsLeftPendingByALostFlushAreCountedOnceByTheDailySweep()
    {
        // No listener: the test delivers the message itself.
        await using var host = await TestHost.StartAsync(queues: []);
        await host.SeedProvinceAsync("qazvin", "qz");
        var visitedAt = DateTimeOffset.UtcNow.AddHours(-1);
        var period = JalaliPeriod.Containing(visitedAt).ToString();
        var id = await PostAsync(host, Body("qz-o1", visitedAt: visitedAt, items: Items(("waiting-area", "fail"))));
        var message = Assert.Single((await host.Store.Queue(QueueNames.Inspections).ReceiveMessagesAsync(32)).Value).Body;
        await host.Services.GetRequiredService<InspectionProcessor>().ProcessAsync(message);
        // "processed" and its counts are one transaction: the counts row exists, whether or not the flush has run yet.
        var counts = await EventuallyAsync(async () => (await host.Table(Tables.Inspections).ListAsync<InspectionStatsDelta>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {"qz-o1"} and RowKey ge {InspectionStatsDelta.Prefix} and RowKey lt {InspectionStatsDelta.End}"))).SingleOrDefault());
        Assert.Equal((period, 1, 0), (counts.Period, counts.Violations, counts.MajorViolations));
        await WaitCountsAppliedAsync(host, id);

        // A lost flush (the instance stopped after "processed"): the row is back, as if never applied, for a second office too.
        var statsStore = host.Services.GetRequiredService<OfficeStatsStore>();
        var sweep = host.Services.GetRequiredService<InspectionStats>();
        counts.ETag = default;
        await host.Table(Tables.Inspections).AddEntityAsync(counts);
        var other = new InspectionStatsDelta { PartitionKey = "qz-o2", RowKey = InspectionStatsDelta.RowKeyFor(InspectionIds.Stamp(visitedAt, "0badf00d")), Period = period,
            Province = "qazvin", CountyCode = "qz-c1", ScoreSum = 80, Routine = 1, Violations = 2 };
        await host.Table(Tables.Inspections).AddEntityAsync(other);

        Assert.Equal(1, await sweep.SweepAsync()); // qz-o2's counted; qz-o1's marker says it was counted already
        Assert.Equal(0, await sweep.SweepAsync());
        var o1 = (await statsStore.GetAsync(period, "qz-o1"))!;
        var o2 = (await statsStore.GetAsync(period, "qz-o2"))!;
        Assert.Equal((1L, 1L, 1L, 2L, 80.0), (o1.InspectionCount, o1.Violations, o2.InspectionCount, o2.Violations, o2.InspectionScoreSum));
        Assert.False(await CountsPendingAsync(host, id));
    }

    [Fact]
    public async Task MalformedMessagesLandInThePoisonQueueAndAreListedForAdmins()
    {
        await using var host = await TestHost.StartAsync(settings: new() { ["Pishkhan:Local:Queues:MaxDequeueCount"] = "2" });
        await host.SeedProvinceAsync("alborz", "ab");
        var queue = host.Store.Queue(QueueNames.Inspections);
        await queue.SendMessageAsync("{not json");
        await queue.SendMessageAsync("{\"id\":\"ab-o1.000000000000deadbeef\"}"); // well-formed, no such inspection
        var admin = await host.IssueKeyAsync("admin", "alborz");

        var listed = await EventuallyAsync(async () =>
        {
            var page = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, "/api/poison/inspections", key: admin));
            return page["items"]!.AsArray().Count == 2 ? page : null;
        });
        var bodies = listed["items"]!.AsArray().Select(m => m!["body"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["{\"id\":\"ab-o1.000000000000deadbeef\"}", "{not json"], bodies);
        Assert.Contains(listed["items"]!.AsArray(), m => m!["inspectionId"]?.GetValue<string>() == "ab-o1.000000000000deadbeef");
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        var inspector = await host.IssueKeyAsync("inspector", "ab-c1");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Get, "/api/poison/inspections", key: inspector)).StatusCode);
        // An admin of another province does not see the message naming this province's office.
        var tehran = await host.IssueKeyAsync("admin", "tehran");
        var other = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, "/api/poison/inspections", key: tehran));
        Assert.Equal(["{not json"], other["items"]!.AsArray().Select(m => m!["body"]!.GetValue<string>()));
    }
}
