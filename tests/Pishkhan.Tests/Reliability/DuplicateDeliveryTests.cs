using Pishkhan.Local;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Notifications;
using Pishkhan.Rankings;
using Pishkhan.Sanctions;
using Pishkhan.Stats;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using static Pishkhan.Tests.Inspections.InspectionTestKit;

namespace Pishkhan.Tests.Reliability;

/// <summary>
/// At-least-once delivery, provoked: the local host's <c>DeliverEachMessageTimes</c> runs every queue handler for
/// every message of a full scenario twice at once and once more afterwards. The scenario must come out exactly as
/// with one delivery: the same notifications (no email twice), exact stats, one sanction per inspection, one ranking.
/// </summary>
public sealed class DuplicateDeliveryTests
{
    private const string Province = "kohgiluyeh-boyer-ahmad";
    private const string Tag = "dd";
    private const string Closed = "1405-08";
    // Sunday 24 Aban 1405, 10:00 Tehran: the scenario happens in 1405-08, the ranking is computed once it is closed.
    private static readonly DateTimeOffset Start = Tehran.AtUtc(new DateOnly(2026, 11, 15), new TimeOnly(10, 0));

    [Fact]
    public async Task ListenerDeliversEachMessageConcurrentlyThenAgainWhenAskedTo()
    {
        var running = 0;
        var maxConcurrent = 0;
        var runs = new ConcurrentQueue<(string Body, int Concurrent)>();
        var binding = new QueueBinding("Counts", QueueNames.Notifications, async (message, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxConcurrent, now);
            await Task.Delay(100, ct);
            runs.Enqueue((message.ToString(), now));
            Interlocked.Decrement(ref running);
        });
        await using var host = await TestHost.StartAsync(queues: [binding], timers: [],
            settings: new() { ["Pishkhan:Local:Queues:DeliverEachMessageTimes"] = "2", ["Pishkhan:Local:Queues:BatchSize"] = "1" });
        await host.Store.Queue(QueueNames.Notifications).SendMessageAsync("once");

        await WaitForAsync(() => Task.FromResult(runs.Count >= 3));
        await Task.Delay(300);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal("once", r.Body));
        Assert.Equal(2, maxConcurrent);
        Assert.Equal(0, (await host.Store.Queue(QueueNames.Notifications).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task FullScenarioWithEveryMessageDeliveredTwiceCountsEverythingOnce()
    {
        var once = await RunScenarioAsync(deliveries: 1);
        var twice = await RunScenarioAsync(deliveries: 2);

        // Every handler really ran more than once per message.
        Assert.True(twice.HandlerRuns >= 3 * twice.Messages - 2, $"{twice.HandlerRuns} handler runs for {twice.Messages} messages");
        Assert.Equal(once.Messages, twice.Messages);
        Assert.Equal(once.OutboxByKind, twice.OutboxByKind);
        Assert.Equal(once.Stats, twice.Stats);
        Assert.Equal(once.SanctionsByOffice, twice.SanctionsByOffice);
        Assert.Equal(0, twice.Poisoned);
        Assert.Equal(once.EmailsSent, twice.EmailsSent);
        Assert.Equal(once.DigestsSent, twice.DigestsSent);

        ReliabilityFigures.Write("duplicate-delivery", new
        {
            deliveriesPerMessage = "2 concurrent + 1 sequential",
            messages = twice.Messages,
            handlerRuns = twice.HandlerRuns,
            notifications = twice.OutboxByKind,
            notificationsWithOneDelivery = once.OutboxByKind,
            stats = twice.Stats,
            sanctions = twice.SanctionsByOffice,
            rankingRuns = twice.RankingRuns,
            emailsHandedToTransport = twice.EmailsSent,
            emlFiles = twice.EmailFiles,
            emailsWithOneDelivery = once.EmailsSent,
            digestsSent = twice.DigestsSent,
            poisoned = twice.Poisoned,
        });
    }

    private sealed record Figures(int Messages, int HandlerRuns, SortedDictionary<string, int> OutboxByKind, SortedDictionary<string, string> Stats,
        SortedDictionary<string, int> SanctionsByOffice, int RankingRuns, int Poisoned, int EmailsSent, int EmailFiles, int DigestsSent);

    /// <summary>The mail seam: every recipient handed to the transport is counted, then written to the pickup folder as usual.</summary>
    private sealed class CountingTransport(IMailTransport inner) : IMailTransport
    {
        public ConcurrentDictionary<string, int> Sends { get; } = new();

        public Task<SendOutcome> SendAsync(MailMessage message, CancellationToken cancellationToken = default)
        {
            foreach (var r in message.Recipients) Sends.AddOrUpdate(r.NotificationId, 1, (_, n) => n + 1);
            return inner.SendAsync(message, cancellationToken);
        }
    }

    /// <summary>The scenario, with absolute checks; returns what the two modes must agree on.</summary>
    private static async Task<Figures> RunScenarioAsync(int deliveries)
    {
        var clock = new FakeTimeProvider(Start);
        var messages = 0;
        var handlerRuns = 0;
        var seen = new ConcurrentDictionary<string, byte>();
        // The app's own bindings, counting: a message id is counted once, every run of its handler each time.
        var dispatch = new TaskCompletionSource<Dispatch>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queues = LocalHost.Catalog.Queues.Select(b => new QueueBinding(b.Function, b.Queue, async (message, ct) =>
        {
            // A notification's first message carries its row; a re-queue of it (a producer run twice, a lease wait) has the id only: one notification.
            // Concurrent producers' rows may share a message: each notification counts as one, and each run over it as one run.
            string[] keys = b.Queue == QueueNames.Notifications ? [.. NotificationSender.ParseIds(message)] : [message.ToString()];
            foreach (var key in keys)
            {
                if (seen.TryAdd(b.Queue + "\n" + key, 0)) Interlocked.Increment(ref messages);
                Interlocked.Increment(ref handlerRuns);
            }
            await (await dispatch.Task).Queue(b.Function)(message, ct);
        })).ToList();
        CountingTransport? transport = null;
        using var scratch = new PickupScratch();
        var pickup = scratch.Path;
        await using var host = await TestHost.StartAsync(queues: queues, timers: [], configure: b =>
            {
                b.Services.AddSingleton<TimeProvider>(clock);
                b.Services.AddSingleton<IMailTransport>(sp => transport = new CountingTransport(sp.GetRequiredService<PickupDirectory>()));
            },
            settings: ReliabilitySettings.For(pickup, ("Pishkhan:Local:Queues:DeliverEachMessageTimes", deliveries.ToString())));
        dispatch.SetResult(host.Services.GetRequiredService<Dispatch>());

        // Reference data.
        await host.SeedProvinceAsync(Province, Tag);
        await PutMembersAsync(host, Province, Tag);

        // Complaints filed and decided (acknowledgements and decisions are mailed).
        var complaints = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var filed = await host.SendAsync(HttpMethod.Post, "/api/complaints", new
            {
                officeCode = $"{Tag}-o1", category = "delay", description = $"درخواست من بیش از یک هفته معطل ماند. مورد {i} {Guid.NewGuid():N}",
                complainant = new { name = "شاکی", email = $"citizen{i}@example.ir" },
            }, key: null);
            Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
            complaints.Add((await host.ReadJsonAsync(filed))["trackingCode"]!.GetValue<string>());
        }
        for (var i = 0; i < 4; i++)
        {
            var outcome = i < 2 ? "upheld" : "dismissed";
            var decided = await host.SendAsync(HttpMethod.Post, $"/api/complaints/{complaints[i]}/decision", new
            {
                outcome, reasons = "مدارک و اظهارات طرفین بررسی شد.", remedy = outcome == "upheld" ? "عذرخواهی و انجام فوری درخواست" : null,
            });
            Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        }

        // Inspections through the queue: two fail a critical item (a sanction each), two pass.
        var failing = new List<string>
        {
            await PostAsync(host, Body($"{Tag}-o1", visitedAt: clock.GetUtcNow().AddHours(-1), items: Items(("licence-valid", "fail")))),
            await PostAsync(host, Body($"{Tag}-o2", visitedAt: clock.GetUtcNow().AddHours(-1), items: Items(("licence-valid", "fail")))),
        };
        var passing = new List<string>
        {
            await PostAsync(host, Body($"{Tag}-o1", visitedAt: clock.GetUtcNow().AddHours(-2))),
            await PostAsync(host, Body($"{Tag}-o3", visitedAt: clock.GetUtcNow().AddHours(-2))),
        };
        foreach (var id in failing.Concat(passing)) await WaitProcessedAsync(host, id);
        await DrainAsync(host);

        // Service requests: five posted, four accepted and completed (each mails a one-time rating link), three rated.
        var agencyKey = await host.IssueKeyAsync("agency", $"{Tag}-post");
        var officeKey = await host.IssueKeyAsync("office", $"{Tag}-o1");
        var requests = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var post = host.Request(HttpMethod.Post, "/api/requests", agencyKey, new
            {
                contractId = $"{Tag}-k1", serviceCode = "parcel", officeCode = $"{Tag}-o1", externalRef = $"dd-{i}",
                citizen = new { mobile = "09121234567", email = $"citizen.r{i}@example.ir" },
            });
            post.Headers.Add("Idempotency-Key", $"dd-request-{i}");
            var created = await host.Http.SendAsync(post);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            requests.Add((await host.ReadJsonAsync(created))["id"]!.GetValue<string>());
        }
        foreach (var id in requests.Take(4))
            foreach (var type in new[] { "accepted", "completed" })
                Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, $"/api/requests/{id}/events", new { type }, officeKey)).StatusCode);
        var completions = await EventuallyAsync(async () =>
        {
            var rows = await host.Table(Tables.Outbox).ListAsync<OutboxEntity>(
                TableClient.CreateQueryFilter($"Kind eq {NotificationKinds.RequestCompleted} and Channel eq {OutboxChannel.Email}"));
            return rows.Count == 4 ? rows : null;
        });
        var scores = new[] { 5, 4, 2 };
        var tokens = completions.Select(o => o.Data["ratingToken"]).Order(StringComparer.Ordinal).Take(3).ToList();
        for (var i = 0; i < tokens.Count; i++)
            Assert.Equal(HttpStatusCode.Created, (await host.SendAsync(HttpMethod.Post, "/api/ratings", new { token = tokens[i], score = scores[i] }, key: null)).StatusCode);
        await host.Services.GetRequiredService<Pishkhan.Requests.RequestStats>().FlushNowAsync($"{Tag}-o1");
        await DrainAsync(host);

        // The month closes; one recompute through the queue.
        clock.SetUtcNow(Tehran.AtUtc(new DateOnly(2026, 11, 23), new TimeOnly(10, 0)));
        Assert.Equal(HttpStatusCode.Accepted, (await host.SendAsync(HttpMethod.Post, $"/api/rankings/{Closed}:recompute?province={Province}")).StatusCode);
        var rankings = host.Services.GetRequiredService<RankingStore>();
        await EventuallyAsync(async () => await rankings.GetRunAsync(Province, Closed));
        await DrainAsync(host);

        // The digest, sent now; a second call in the same week sends nothing again.
        var digest = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Post, "/api/digests:send", new { province = Province }));
        Assert.True(digest["sent"]!.GetValue<int>() > 0, digest.ToJsonString());
        var again = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Post, "/api/digests:send", new { province = Province }));
        Assert.Equal(0, again["sent"]!.GetValue<int>());
        await DrainAsync(host);

        // Absolute checks: counters equal the events sent.
        var statsStore = host.Services.GetRequiredService<OfficeStatsStore>();
        var o1 = (await statsStore.GetAsync(Closed, $"{Tag}-o1"))!;
        Assert.Equal((6, 4, 2), (o1.ComplaintsReceived, o1.ComplaintsDecided, o1.ComplaintsUpheld));
        Assert.Equal(2, o1.InspectionCount);
        Assert.Equal((5, 4, 3, 11), (o1.RequestsReceived, o1.RequestsCompleted, o1.RatingCount, o1.RatingSum));
        Assert.Equal(1, (await statsStore.GetAsync(Closed, $"{Tag}-o2"))!.InspectionCount);
        Assert.Equal(1, (await statsStore.GetAsync(Closed, $"{Tag}-o3"))!.InspectionCount);

        var sanctions = host.Services.GetRequiredService<SanctionService>();
        var sanctionsByOffice = new SortedDictionary<string, int>();
        foreach (var office in new[] { "o1", "o2", "o3" })
            sanctionsByOffice[office] = (await sanctions.ListOfficeAsync($"{Tag}-{office}")).Count;
        Assert.Equal(new SortedDictionary<string, int> { ["o1"] = 1, ["o2"] = 1, ["o3"] = 0 }, sanctionsByOffice);
        foreach (var id in failing) Assert.True((await host.SendAsync(HttpMethod.Get, $"/api/sanctions/{id}")).IsSuccessStatusCode);

        var runs = await host.Table(Tables.Rankings).ListAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {RankingRunEntity.Key} and PartitionKey eq {RankingStore.PartitionFor(Province, Closed)}"));
        Assert.Single(runs);

        var outbox = await host.Table(Tables.Outbox).ListAsync<OutboxEntity>(null);
        // One notification per cause and recipient, and the causes the scenario expects once each.
        Assert.Equal(outbox.Count, outbox.Select(o => (o.Cause, o.ToEmail, o.ToMobile)).Distinct().Count());
        // Every notification with an email was handed to the transport exactly once, and is one .eml file.
        var withEmail = outbox.Where(o => !string.IsNullOrEmpty(o.ToEmail)).ToList();
        Assert.All(withEmail, o => Assert.Equal(OutboxStatus.Sent, o.Status));
        Assert.Equal(withEmail.Select(o => o.Id).Order(), transport!.Sends.Keys.Order());
        Assert.All(transport.Sends, s => Assert.True(s.Value == 1, $"notification {s.Key} sent {s.Value} times"));
        var files = Directory.GetFiles(pickup, "*.eml").Length;
        Assert.Equal(withEmail.Count, files);
        // The citizens' SMS (their requests give a mobile too): each sent, one file each.
        var sms = outbox.Where(o => o.IsSms).ToList();
        Assert.Equal(4, sms.Count);
        Assert.All(sms, o => Assert.Equal(OutboxStatus.Sent, o.Status));
        Assert.Equal(sms.Select(o => o.Id + ".txt").Order(), Directory.GetFiles(Path.Combine(pickup, "sms"), "*.txt").Select(Path.GetFileName).Order());
        Assert.Single(outbox, o => o.Kind == NotificationKinds.RankingPublished && o.ToEmail == $"chair.{Tag}@example.ir");
        foreach (var code in complaints) Assert.Single(outbox, o => o.Kind == NotificationKinds.ComplaintReceived && o.Cause.Contains(code) && !o.IsSms);

        var stats = new SortedDictionary<string, string>();
        foreach (var office in new[] { "o1", "o2", "o3" })
        {
            var s = (await statsStore.GetAsync(Closed, $"{Tag}-{office}"))!;
            stats[office] = $"complaints {s.ComplaintsReceived}/{s.ComplaintsDecided}/{s.ComplaintsUpheld}, inspections {s.InspectionCount}, " +
                $"score sum {s.InspectionScoreSum:0.##}, violations {s.Violations}/{s.MajorViolations}, requests {s.RequestsReceived}/{s.RequestsCompleted}, ratings {s.RatingCount}/{s.RatingSum}";
        }
        var poisoned = 0;
        foreach (var queue in QueueNames.All)
            poisoned += (await host.Store.Queue(queue + "-poison").GetPropertiesAsync()).Value.ApproximateMessagesCount;

        return new Figures(messages, handlerRuns, new SortedDictionary<string, int>(outbox.GroupBy(o => o.Kind).ToDictionary(g => g.Key, g => g.Count())),
            stats, sanctionsByOffice, runs.Count, poisoned, transport.Sends.Values.Sum(), files, digest["sent"]!.GetValue<int>());
    }

    /// <summary>
    /// Until every bound queue is empty (a message is deleted only after all its deliveries ran) and every notification
    /// is settled. The notifications queue may keep invisible "look again after the lease" messages a racing duplicate
    /// left (by design): for it, no visible message and no pending row is the end.
    /// </summary>
    private static async Task DrainAsync(TestHost host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var queue in LocalHost.Catalog.Queues.Select(b => b.Queue).Distinct().Where(q => q != QueueNames.Notifications))
            while ((await host.Store.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"queue {queue} did not drain");
                await Task.Delay(100);
            }
        var outbox = host.Table(Tables.Outbox);
        while ((await host.Store.Queue(QueueNames.Notifications).PeekMessagesAsync(1)).Value.Length > 0
               || (await outbox.ListAsync<OutboxEntity>(null)).Any(o => o.Status is OutboxStatus.Pending or OutboxStatus.Sending))
        {
            Assert.True(DateTime.UtcNow < deadline, "notifications did not settle");
            await Task.Delay(100);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Condition not met in time.");
            await Task.Delay(50);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
