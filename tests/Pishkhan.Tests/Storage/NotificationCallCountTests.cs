using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pishkhan.Bindings;
using Pishkhan.Http;
using Pishkhan.Local;
using Pishkhan.Notifications;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Telemetry;

namespace Pishkhan.Tests.Storage;

/// <summary>
/// Pins the storage round trips of one notification, every call counted: the producer's enqueue (row insert +
/// queue message), the listener's fetch (one per batch of up to 32), the SendNotification handler (what its
/// activity records as pishkhan.storage.calls.*) and the listener's delete. The host here has no queue listener
/// of its own: the test fetches the message and hands it to the local listener's HandleAsync, so each part is
/// counted alone. Lower a figure here when an optimisation removes a call; raising one needs a reason.
/// </summary>
[Collection(nameof(NotificationCallCountTests))]
public sealed class NotificationCallCountTests : IAsyncLifetime
{
    private readonly string _mail = Directory.CreateTempSubdirectory("pishkhan-mail-").FullName;
    private readonly string _sms = Directory.CreateTempSubdirectory("pishkhan-sms-").FullName;
    private TestHost _host = null!;

    private sealed record Calls(long Table, long Queue, long Blob)
    {
        public static Calls Of(StorageCalls.Tally t) => new(t.Table, t.Queue, t.Blob);
    }

    /// <summary>One notification's calls, part by part.</summary>
    private sealed record Pipeline(Calls Enqueue, Calls Fetch, Calls Handler, Calls Delete);

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(queues: [], timers: [], settings: new()
    {
        ["Pishkhan:Outbox:PickupDirectory"] = _mail,
        ["Pishkhan:Sms:PickupDirectory"] = _sms,
        ["Pishkhan:UnsubscribeSigningKey"] = global::Pishkhan.Tests.Notifications.UnsubscribeTests.SigningKey,
    });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_mail, recursive: true);
        Directory.Delete(_sms, recursive: true);
    }

    private Outbox Outbox => _host.Services.GetRequiredService<Outbox>();
    private QueueClient Queue => _host.Store.Queue(QueueNames.Notifications);

    /// <summary>Counts the storage calls of <paramref name="work"/>'s own async flow.</summary>
    private static async Task<Calls> CountAsync(Func<Task> work)
    {
        var tally = StorageCalls.Begin();
        await work();
        return Calls.Of(tally);
    }

    private static NotificationRequest Request(string cause, string? email, string? mobile = null) =>
        new(cause, NotificationKinds.ComplaintReceived, "qom", email, mobile, "مریم رضایی",
            new Dictionary<string, string> { ["trackingCode"] = "QQQQ-2345-Z", ["officeName"] = "دفتر پیشخوان ۱۲", ["filedAt"] = "2026-12-06T07:30:00Z" });

    private async Task<QueueMessage> FetchOneAsync() => Assert.Single((await Queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value);

    /// <summary>The local listener's handling of one message (handler inside its activity, then the delete), as the host runs it.</summary>
    private async Task<(Calls Handler, Calls Delete)> HandleAsync(QueueMessage message)
    {
        var listener = new QueueListener(_host.Store, new QueueListenerBindings([]), Options.Create(new QueueListenerOptions()), NullLogger<QueueListener>.Instance);
        var binding = new QueueBinding("SendNotification", QueueNames.Notifications, _host.Services.GetRequiredService<Dispatch>().Queue("SendNotification"));
        using var capture = new ActivityCapture();
        // HandleAsync runs the handler in its own tally (the activity's); what is left in this one is the listener's delete.
        var delete = await CountAsync(() => listener.HandleAsync(binding, Queue, _host.Store.Queue(QueueNames.Notifications + "-poison"), message, CancellationToken.None));
        var activity = Assert.Single(capture.Stopped, a => a.DisplayName == "SendNotification" && (string?)a.GetTagItem("messaging.message.id") == message.MessageId);
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Unset, activity.Status);
        var handler = new Calls((long)activity.GetTagItem("pishkhan.storage.calls.table")!, (long)activity.GetTagItem("pishkhan.storage.calls.queue")!,
            (long)activity.GetTagItem("pishkhan.storage.calls.blob")!);
        return (handler, delete);
    }

    private async Task<Pipeline> SendOneAsync(NotificationRequest request)
    {
        var enqueue = await CountAsync(() => Outbox.EnqueueAsync(request));
        QueueMessage message = null!;
        var fetch = await CountAsync(async () => message = await FetchOneAsync());
        var (handler, delete) = await HandleAsync(message);
        return new Pipeline(enqueue, fetch, handler, delete);
    }

    private async Task WarmAsync()
    {
        // Tables and queues exist, clients are connected, the composers' caches are filled: the figures below are the steady state.
        await Outbox.EnqueueAsync(Request("warm:" + Guid.NewGuid().ToString("N"), "warm@example.ir", "09121234567"));
        while ((await Queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
            foreach (var m in batch) await HandleAsync(m);
    }

    [Fact]
    public async Task SendingOneEmailMakesItsPinnedRoundTrips()
    {
        await WarmAsync();
        var cause = "pinned:" + Guid.NewGuid().ToString("N");

        var calls = await SendOneAsync(Request(cause, "citizen@example.ir"));

        // Enqueue: the row insert and the queue message. Handler: the claim (ETag of the insert, carried by the message) and the
        // record — no read. Listener: the delete, and one fetch per batch (here a batch of one; 1/32 of a call in a full batch).
        Assert.Equal(new Pipeline(new Calls(1, 1, 0), new Calls(0, 1, 0), new Calls(EmailHandlerTable, 0, 0), new Calls(0, 1, 0)), calls);
        var row = (await Outbox.GetAsync(Outbox.IdFor(cause, "citizen@example.ir", null)))!;
        Assert.Equal((OutboxStatus.Sent, 1), (row.Status, row.Attempts));
        Assert.True(File.Exists(Path.Combine(_mail, row.Id + ".eml")));
    }

    [Fact]
    public async Task RowsQueuedAtOnceShareMessagesAndEachRowIsSentOnceWithItsOwnClaimAndRecord()
    {
        await WarmAsync();
        const int rows = 40;
        var ids = Enumerable.Range(0, rows).Select(_ => "group:" + Guid.NewGuid().ToString("N")).ToDictionary(c => Outbox.IdFor(c, "group@example.ir", null), c => c);

        // Forty producers at once (as forty HTTP calls of one instance): rows that arrive while a message is on its way wait for the next.
        var enqueues = await Task.WhenAll(ids.Values.Select(cause => CountAsync(() => Outbox.EnqueueAsync(Request(cause, "group@example.ir")))));
        var messages = new List<QueueMessage>();
        while ((await Queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch) messages.AddRange(batch);

        // Every row is in exactly one message, no message holds more than its limit, and they did share.
        Assert.Equal(ids.Keys.Order(), messages.SelectMany(m => NotificationSender.ParseIds(m.Body)).Order());
        Assert.All(messages, m => Assert.InRange(NotificationSender.Parse(m.Body).Rows.Count, 1, Outbox.MaxRowsPerMessage));
        Assert.True(messages.Count < rows, $"{messages.Count} messages for {rows} rows queued at once");
        // Each producer waited for its insert and for the one put that carried its row.
        Assert.All(enqueues, c => Assert.Equal(new Calls(1, 1, 0), c));

        var handled = new List<(Calls Handler, Calls Delete)>();
        foreach (var m in messages) handled.Add(await HandleAsync(m));
        // Per row the claim and the record, as for a message of its own; one delete per message.
        Assert.Equal(rows * EmailHandlerTable, handled.Sum(h => h.Handler.Table));
        Assert.Equal((0L, 0L), (handled.Sum(h => h.Handler.Queue), handled.Sum(h => h.Handler.Blob)));
        Assert.All(handled, h => Assert.Equal(new Calls(0, 1, 0), h.Delete));
        foreach (var id in ids.Keys)
        {
            var row = (await Outbox.GetAsync(id))!;
            Assert.Equal((OutboxStatus.Sent, 1), (row.Status, row.Attempts));
            Assert.True(File.Exists(Path.Combine(_mail, id + ".eml")));
        }
    }

    [Fact]
    public async Task AMessageHandledTwiceSendsOnceAndItsRedeliveryReadsTheRowOnce()
    {
        await WarmAsync();
        var cause = "twice:" + Guid.NewGuid().ToString("N");
        await Outbox.EnqueueAsync(Request(cause, "twice@example.ir"));
        var message = await FetchOneAsync();
        await HandleAsync(message);
        var file = Path.Combine(_mail, Outbox.IdFor(cause, "twice@example.ir", null) + ".eml");
        var written = File.GetLastWriteTimeUtc(file);

        // The same message again (its delete lost): the claim with the stale ETag fails, the read finds the row sent, nothing is sent.
        var (handler, _) = await HandleAsync(message);

        Assert.Equal(new Calls(2, 0, 0), handler);
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
        Assert.Single(Directory.GetFiles(_mail, Outbox.IdFor(cause, "twice@example.ir", null) + "*"));
    }

    [Fact]
    public async Task AMessageWithTheIdOnlyIsSentAfterReadingTheRow()
    {
        await WarmAsync();
        // The format of messages queued before the row travelled with its message (and of re-queues): {"id": …}.
        var cause = "idonly:" + Guid.NewGuid().ToString("N");
        var id = await Outbox.EnqueueAsync(Request(cause, "idonly@example.ir"));
        var queued = await FetchOneAsync();
        await Queue.DeleteMessageAsync(queued.MessageId, queued.PopReceipt);
        await Outbox.QueueAsync(id, TimeSpan.Zero);

        var (handler, _) = await HandleAsync(await FetchOneAsync());

        Assert.Equal(new Calls(3, 0, 0), handler); // read, claim, record
        Assert.Equal(OutboxStatus.Sent, (await Outbox.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task SendingOneSmsMakesItsPinnedRoundTrips()
    {
        await WarmAsync();
        var cause = "pinned-sms:" + Guid.NewGuid().ToString("N");

        var calls = await SendOneAsync(Request(cause, null, "09129876543"));

        // The SMS path adds the opt-out check (a point read) between the claim and the send.
        Assert.Equal(new Pipeline(new Calls(1, 1, 0), new Calls(0, 1, 0), new Calls(SmsHandlerTable, 0, 0), new Calls(0, 1, 0)), calls);
        Assert.Equal(OutboxStatus.Sent, (await Outbox.GetAsync(Outbox.SmsIdFor(cause, "09129876543")))!.Status);
    }

    [Fact]
    public async Task AQueuedMessageCarriesEveryColumnOfTheInsertedRow()
    {
        var cause = "columns:" + Guid.NewGuid().ToString("N");
        var id = await Outbox.EnqueueAsync(Request(cause, "columns@example.ir", "09121112233"));
        // Two rows (email and SMS), two messages: the email row's is read here.
        var messages = (await Queue.ReceiveMessagesAsync(32)).Value;
        foreach (var m in messages) await Queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        var message = Assert.Single(messages.Select(m => NotificationSender.Parse(m.Body)), m => m.Id == id);

        var stored = (await Outbox.GetAsync(id))!;
        Assert.Equal(id, message.Id);
        Assert.Equal(stored.ETag.ToString(), message.ETag);
        // Every column the table holds (so the claim, a full replace under that ETag, writes the row back as it was).
        foreach (var property in typeof(OutboxEntity).GetProperties().Where(p => p.CanWrite && p.Name is not ("Timestamp" or "ETag")))
            Assert.Equal(property.GetValue(stored), property.GetValue(message.Row));
    }

    [Fact]
    public async Task ARowTooLargeForItsMessageIsQueuedByIdAndStillSent()
    {
        await WarmAsync();
        var cause = "large:" + Guid.NewGuid().ToString("N");
        var request = Request(cause, "large@example.ir") with
        {
            Data = new Dictionary<string, string> { ["trackingCode"] = "QQQQ-2345-Z", ["officeName"] = new string('د', 20_000) },
        };
        var id = await Outbox.EnqueueAsync(request);
        var message = await FetchOneAsync();
        Assert.True(Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(request.Data, Json.Stored)) > Outbox.MaxMessageBytes);
        Assert.Null(NotificationSender.Parse(message.Body).Row);

        var (handler, _) = await HandleAsync(message);

        Assert.Equal(new Calls(3, 0, 0), handler);
        Assert.Equal(OutboxStatus.Sent, (await Outbox.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task TheDigestMakesItsPinnedRoundTripsPerMember()
    {
        // Two provinces seeded alike, one with one member and one with three: the difference is two members' calls.
        var tag = "ncd" + Guid.NewGuid().ToString("N")[..6];
        foreach (var (province, members) in new[] { ("qom", 1), ("ilam", 1), ("yazd", 3) })
        {
            await _host.SeedProvinceAsync(province, $"{tag}-{province}");
            for (var i = 0; i < members; i++)
                await _host.PutOkAsync($"/api/members/{tag}-{province}-m{i}", new { name = "عضو " + i, email = $"m{i}.{province}@example.ir", role = "member", province, digest = true });
        }
        var job = _host.Services.GetRequiredService<global::Pishkhan.Digests.DigestJob>();
        global::Pishkhan.Digests.DigestSendResult one = null!, three = null!;
        await job.SendAsync("qom"); // warms the caches (reference data, calendar) and creates the tables: the steady state below

        var forOne = await CountAsync(async () => one = await job.SendAsync("ilam"));
        var forThree = await CountAsync(async () => three = await job.SendAsync("yazd"));

        Assert.Equal((1, 3), (one.Sent, three.Sent));
        // Per member: the row's insert, its delayed safety-net message, the claim and the record — the row is not read back.
        Assert.Equal(new Calls(2 * DigestMemberTable, 2 * DigestMemberQueue, 0),
            new Calls(forThree.Table - forOne.Table, forThree.Queue - forOne.Queue, forThree.Blob - forOne.Blob));
    }

    // The pinned figures (measured 2026-12-02). Before: the handler read the row first (email 3, SMS 4).
    private const long EmailHandlerTable = 2; // claim, record
    private const long SmsHandlerTable = 3;   // claim, opt-out check, record
    private const long DigestMemberTable = 3, DigestMemberQueue = 1; // before: 4 table (the row read back after its enqueue)
}

/// <summary>Runs alone, like <see cref="StorageCallCountTests"/>: it reads process-wide activities.</summary>
[CollectionDefinition(nameof(NotificationCallCountTests), DisableParallelization = true)]
public sealed class NotificationCallCountCollection;
