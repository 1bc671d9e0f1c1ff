using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Pishkhan.Http;
using Pishkhan.Notifications;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Notifications;

/// <summary>
/// The state machine of one outbox row, with the provider replaced by a mock (the seam where failures
/// are provoked) and a fake clock for leases. Rows are written straight to the table, without a queue
/// message, so the host's own listener never touches them.
/// </summary>
public sealed class NotificationSenderTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 4, 0, 0, TimeSpan.Zero));
    private readonly Mock<IMailTransport> _transport = new();

    private Outbox NewOutbox() => new(fixture.Host.Store, _clock);

    private NotificationSender NewSender(Outbox outbox) =>
        new(outbox, _transport.Object, fixture.Host.Services.GetRequiredService<MailComposer>(), fixture.Host.Services.GetRequiredService<ISmsTransport>(),
            fixture.Host.Services.GetRequiredService<SmsComposer>(), fixture.Host.Services.GetRequiredService<SmsOptOuts>(), _clock, NullLogger<NotificationSender>.Instance);

    private async Task<string> AddRowAsync(Outbox outbox, string? email = "citizen@example.ir", Dictionary<string, string>? data = null, string kind = NotificationKinds.ComplaintDecided)
    {
        var cause = "test:" + Guid.NewGuid().ToString("N");
        var id = Outbox.IdFor(cause, email, null);
        await outbox.Table.AddEntityAsync(new OutboxEntity
        {
            PartitionKey = id, Cause = cause, Kind = kind, Province = "qom", ToEmail = email, ToName = "علی",
            DataJson = JsonSerializer.Serialize(data ?? new Dictionary<string, string> { ["trackingCode"] = "QQQQ-1234-Z", ["outcome"] = "upheld" }, Json.Options),
            CreatedAt = _clock.GetUtcNow(),
        });
        return id;
    }

    private void TransportAnswers(params SendOutcome[] outcomes)
    {
        var queue = new Queue<SendOutcome>(outcomes);
        _transport.Setup(t => t.SendAsync(It.IsAny<MailMessage>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => queue.Dequeue());
    }

    [Fact]
    public async Task RecordsTheProviderMessageIdWhenAccepted()
    {
        var outbox = NewOutbox();
        var id = await AddRowAsync(outbox);
        TransportAnswers(new SendOutcome.Accepted("sg-123"));

        await NewSender(outbox).SendAsync(id);

        var row = (await outbox.GetAsync(id))!;
        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal("sg-123", row.ProviderMessageId);
        Assert.Null(row.LeaseUntil);
        _transport.Verify(t => t.SendAsync(It.Is<MailMessage>(m => m.Recipients.Single().NotificationId == id && m.Subject.Contains("QQQQ-1234-Z")),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AGroupedMessageSendsEveryRowAndItsRedeliverySendsOnlyTheRowTheProviderDidNotTake()
    {
        var outbox = NewOutbox();
        var ids = new[] { await AddRowAsync(outbox), await AddRowAsync(outbox), await AddRowAsync(outbox) };
        var message = new NotificationMessage(ids[0], More: [new NotificationMessage(ids[1]), new NotificationMessage(ids[2])]);
        // The rows go one after another: the second is refused for now, the first and third are taken.
        TransportAnswers(new SendOutcome.Accepted("sg-1"), new SendOutcome.Unavailable(503, "busy", null), new SendOutcome.Accepted("sg-3"));
        var sender = NewSender(outbox);

        await Assert.ThrowsAsync<MailUnavailableException>(() => sender.SendAsync(message));
        Assert.Equal([OutboxStatus.Sent, OutboxStatus.Pending, OutboxStatus.Sent], await Task.WhenAll(ids.Select(async id => (await outbox.GetAsync(id))!.Status)));

        // The queue delivers the message again: only the refused row is sent.
        TransportAnswers(new SendOutcome.Accepted("sg-2"));
        await sender.SendAsync(message);

        Assert.Equal(["sg-1", "sg-2", "sg-3"], await Task.WhenAll(ids.Select(async id => (await outbox.GetAsync(id))!.ProviderMessageId ?? "")));
        foreach (var id in ids)
            _transport.Verify(t => t.SendAsync(It.Is<MailMessage>(m => m.Recipients.Single().NotificationId == id), It.IsAny<CancellationToken>()),
                id == ids[1] ? Times.Exactly(2) : Times.Once());
    }

    [Fact]
    public async Task AGroupedMessageClaimsTheNextRowWhileTheProviderIsTakingThisOne()
    {
        var outbox = NewOutbox();
        var ids = new[] { await AddRowAsync(outbox), await AddRowAsync(outbox), await AddRowAsync(outbox) };
        var message = new NotificationMessage(ids[0], More: [new NotificationMessage(ids[1]), new NotificationMessage(ids[2])]);
        var nextClaimedDuringSend = new List<bool>();
        var inFlight = 0;
        var mostInFlight = 0;
        _transport.Setup(t => t.SendAsync(It.IsAny<MailMessage>(), It.IsAny<CancellationToken>())).Returns(async (MailMessage mail, CancellationToken _) =>
        {
            mostInFlight = Math.Max(mostInFlight, Interlocked.Increment(ref inFlight));
            var index = Array.IndexOf(ids, mail.Recipients.Single().NotificationId);
            if (index + 1 < ids.Length)
            {
                // The provider holds this send until the next row's claim is stored (or gives up after 10 s).
                var claimed = false;
                for (var waited = Stopwatch.StartNew(); !claimed && waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(10))
                    claimed = (await outbox.GetAsync(ids[index + 1]))!.Status == OutboxStatus.Sending;
                nextClaimedDuringSend.Add(claimed);
            }
            Interlocked.Decrement(ref inFlight);
            return new SendOutcome.Accepted($"sg-{index}");
        });

        await NewSender(outbox).SendAsync(message);

        Assert.Equal([true, true], nextClaimedDuringSend);
        Assert.Equal(1, mostInFlight); // still one provider request at a time
        Assert.Equal(["sg-0", "sg-1", "sg-2"], await Task.WhenAll(ids.Select(async id => (await outbox.GetAsync(id))!.ProviderMessageId ?? "")));
    }

    [Fact]
    public async Task ARowClaimedAheadRenewsItsLeaseBeforeItsSendWhenTheSendBeforeItWasSlow()
    {
        var outbox = NewOutbox();
        var ids = new[] { await AddRowAsync(outbox), await AddRowAsync(outbox) };
        var message = new NotificationMessage(ids[0], More: [new NotificationMessage(ids[1])]);
        var leaseLeftAtSend = new List<TimeSpan>();
        _transport.Setup(t => t.SendAsync(It.IsAny<MailMessage>(), It.IsAny<CancellationToken>())).Returns(async (MailMessage mail, CancellationToken _) =>
        {
            var index = Array.IndexOf(ids, mail.Recipients.Single().NotificationId);
            leaseLeftAtSend.Add((await outbox.GetAsync(ids[index]))!.LeaseUntil!.Value - _clock.GetUtcNow());
            if (index == 0)
            {
                // The first send takes 4 minutes (a provider timing out and retried), while the second row is already claimed.
                for (var waited = Stopwatch.StartNew(); (await outbox.GetAsync(ids[1]))!.Status != OutboxStatus.Sending && waited.Elapsed < TimeSpan.FromSeconds(10);)
                    await Task.Delay(10);
                _clock.Advance(TimeSpan.FromMinutes(4));
            }
            return new SendOutcome.Accepted($"sg-{index}");
        });

        await NewSender(outbox).SendAsync(message);

        // Each send starts with a whole lease ahead of it, so no other delivery can claim the row while it is sent.
        Assert.All(leaseLeftAtSend, left => Assert.Equal(NotificationSender.Lease, left));
        var second = (await outbox.GetAsync(ids[1]))!;
        Assert.Equal((OutboxStatus.Sent, 1), (second.Status, second.Attempts)); // a renewal is not another attempt
    }

    [Fact]
    public async Task AGroupedMessageWhoseFirstAnswerIsLostSendsTheRestThenThrowsKeepingThatRowsLease()
    {
        var outbox = NewOutbox();
        var ids = new[] { await AddRowAsync(outbox), await AddRowAsync(outbox), await AddRowAsync(outbox) };
        var message = new NotificationMessage(ids[0], More: [new NotificationMessage(ids[1]), new NotificationMessage(ids[2])]);
        TransportAnswers(new SendOutcome.Unknown("no answer: TaskCanceledException"), new SendOutcome.Accepted("sg-2"), new SendOutcome.Accepted("sg-3"));

        // The first row's answer is recorded while the second is sent; its failure is the message's, thrown at the end.
        await Assert.ThrowsAsync<MailUnavailableException>(() => NewSender(outbox).SendAsync(message));

        var rows = await Task.WhenAll(ids.Select(async id => (await outbox.GetAsync(id))!));
        Assert.Equal([OutboxStatus.Sending, OutboxStatus.Sent, OutboxStatus.Sent], rows.Select(r => r.Status));
        Assert.Equal(_clock.GetUtcNow() + NotificationSender.Lease, rows[0].LeaseUntil);
    }

    [Fact]
    public async Task SkipsASentRowOnRedelivery()
    {
        var outbox = NewOutbox();
        var id = await AddRowAsync(outbox);
        TransportAnswers(new SendOutcome.Accepted("sg-1"));
        var sender = NewSender(outbox);

        await sender.SendAsync(id);
        await sender.SendAsync(id);
        await sender.SendAsync(id);

        _transport.Verify(t => t.SendAsync(It.IsAny<MailMessage>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ReleasesTheRowAndThrowsWhenTheProviderIsUnavailable()
    {
        var outbox = NewOutbox();
        var id = await AddRowAsync(outbox);
        TransportAnswers(new SendOutcome.Unavailable(503, "503 ServiceUnavailable", null), new SendOutcome.Accepted("sg-2"));
        var sender = NewSender(outbox);

        await Assert.ThrowsAsync<MailUnavailableException>(() => sender.SendAsync(id));
        var row = (await outbox.GetAsync(id))!;
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Null(row.LeaseUntil);
        Assert.Equal("503 ServiceUnavailable", row.Error);

        await sender.SendAsync(id); // the queue's retry: claimed at once, no lease to wait out
        Assert.Equal(OutboxStatus.Sent, (await outbox.GetAsync(id))!.Status);
        Assert.Equal(2, (await outbox.GetAsync(id))!.Attempts);
    }

    [Fact]
    public async Task KeepsTheLeaseWhenTheAnswerIsLostAndSendsAgainOnlyAfterItExpires()
    {
        var outbox = NewOutbox();
        var id = await AddRowAsync(outbox);
        TransportAnswers(new SendOutcome.Unknown("no answer: TaskCanceledException"), new SendOutcome.Accepted("sg-3"));
        var sender = NewSender(outbox);

        await Assert.ThrowsAsync<MailUnavailableException>(() => sender.SendAsync(id));
        Assert.Equal(OutboxStatus.Sending, (await outbox.GetAsync(id))!.Status);

        // Redelivered while the lease lives: no second send (it may have been accepted); looked at again later.
        _clock.Advance(TimeSpan.FromMinutes(4));
        await sender.SendAsync(id);
        _transport.Verify(t => t.SendAsync(It.IsAny<MailMessage>(), It.IsAny<CancellationToken>()), Times.Once);

        // The documented window: after the lease, the row is claimed again and sent again.
        _clock.Advance(TimeSpan.FromMinutes(2));
        await sender.SendAsync(id);
        _transport.Verify(t => t.SendAsync(It.IsAny<MailMessage>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.Equal(OutboxStatus.Sent, (await outbox.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task AClaimStoredButWhoseAnswerIsLostIsStillThisSendersAndTheRowIsSentOnce()
    {
        // The claim's replace is stored, its answer lost; the storage client's retry meets the ETag it moved on (412).
        var lost = new LostAnswer();
        await using var host = await TestHost.StartAsync(queues: [], timers: [], configure: lost.Register);
        var outbox = new Outbox(host.Store, _clock);
        var id = await AddRowAsync(outbox);
        TransportAnswers(new SendOutcome.Accepted("sg-9"));
        lost.ArmReplace(Pishkhan.Storage.Tables.Outbox);

        await NewSender(outbox).SendAsync(id);

        Assert.Equal(1, lost.Lost);
        var row = (await outbox.GetAsync(id))!;
        Assert.Equal((OutboxStatus.Sent, "sg-9", 1), (row.Status, row.ProviderMessageId, row.Attempts));
        _transport.Verify(t => t.SendAsync(It.IsAny<MailMessage>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task TwoConcurrentDeliveriesSendOnce()
    {
        var outbox = NewOutbox();
        var id = await AddRowAsync(outbox);
        var release = new TaskCompletionSource();
        var calls = 0;
        _transport.Setup(t => t.SendAsync(It.IsAny<MailMessage>(), It.IsAny<CancellationToken>())).Returns(async () =>
        {
            Interlocked.Increment(ref calls);
            await release.Task;
            return new SendOutcome.Accepted("sg-4");
        });
        var sender = NewSender(outbox);

        var first = sender.SendAsync(id);
        var second = sender.SendAsync(id);
        await Task.WhenAny(Task.WhenAll(first, second), Task.Delay(2000));
        release.SetResult();
        await Task.WhenAll(first, second);

        Assert.Equal(1, calls);
        Assert.Equal(OutboxStatus.Sent, (await outbox.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task MarksARowWithoutEmailSkipped()
    {
        var outbox = NewOutbox();
        var id = await AddRowAsync(outbox, email: null);

        await NewSender(outbox).SendAsync(id);

        Assert.Equal(OutboxStatus.Skipped, (await outbox.GetAsync(id))!.Status);
        _transport.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task FailsARowWhoseDataTheTemplateCannotUse()
    {
        var outbox = NewOutbox();
        var id = await AddRowAsync(outbox, data: new Dictionary<string, string> { ["outcome"] = "upheld" });

        await NewSender(outbox).SendAsync(id);

        var row = (await outbox.GetAsync(id))!;
        Assert.Equal(OutboxStatus.Failed, row.Status);
        Assert.Contains("trackingCode", row.Error);
        _transport.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task GivesUpAfterTooManyClaims()
    {
        var outbox = NewOutbox();
        var id = await AddRowAsync(outbox);
        var row = (await outbox.GetAsync(id))!;
        row.Attempts = NotificationSender.MaxClaims;
        await outbox.Table.UpdateEntityAsync(row, row.ETag);

        await NewSender(outbox).SendAsync(id);

        Assert.Equal(OutboxStatus.Failed, (await outbox.GetAsync(id))!.Status);
        _transport.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task DropsAMessageForAnUnknownIdAndRejectsAMalformedOne()
    {
        await NewSender(NewOutbox()).SendAsync("0123456789abcdef0123456789abcdef");
        _transport.VerifyNoOtherCalls();
        Assert.Throws<FormatException>(() => NotificationSender.ParseIds(BinaryData.FromString("{\"id\":\"x' or PartitionKey ne '\"}")));
        Assert.Throws<FormatException>(() => NotificationSender.ParseIds(BinaryData.FromString("not json")));
        Assert.Equal(["0123456789abcdef0123456789abcdef"], NotificationSender.ParseIds(BinaryData.FromString("{\"id\":\"0123456789abcdef0123456789abcdef\"}")));
        // A grouped message: every id is checked, and a group nests no further.
        const string good = "0123456789abcdef0123456789abcdef", other = "fedcba9876543210fedcba9876543210";
        Assert.Equal([good, other], NotificationSender.ParseIds(BinaryData.FromString($"{{\"id\":\"{good}\",\"more\":[{{\"id\":\"{other}\"}}]}}")));
        Assert.Throws<FormatException>(() => NotificationSender.ParseIds(BinaryData.FromString($"{{\"id\":\"{good}\",\"more\":[{{\"id\":\"x' or 1\"}}]}}")));
        Assert.Throws<FormatException>(() => NotificationSender.ParseIds(BinaryData.FromString(
            $"{{\"id\":\"{good}\",\"more\":[{{\"id\":\"{other}\",\"more\":[{{\"id\":\"{good}\"}}]}}]}}")));
        Assert.Throws<FormatException>(() => NotificationSender.ParseIds(BinaryData.FromString(
            $"{{\"id\":\"{good}\",\"more\":[{string.Join(",", Enumerable.Repeat($"{{\"id\":\"{other}\"}}", Outbox.MaxRowsPerMessage))}]}}")));
    }

    [Fact]
    public async Task ASentAndAFailedEmailEachRecordOnceWithTheKindTagInsideAnEmailActivity()
    {
        // The meter is process-wide and other test classes send mail at the same time: only measurements taken
        // inside this test's trace count (the sender's activity is a child of the root started here).
        using var source = new ActivitySource("Pishkhan.Tests.NotificationMetrics");
        var stopped = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Pishkhan.Tests.NotificationMetrics" or "Pishkhan.Email",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);
        var measurements = new ConcurrentQueue<(string Name, long Value, Dictionary<string, object?> Tags, ActivityTraceId? Trace)>();
        using var meter = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Pishkhan" && instrument.Name.StartsWith("pishkhan.email.", StringComparison.Ordinal)) listener.EnableMeasurementEvents(instrument);
            },
        };
        meter.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value), Activity.Current?.TraceId)));
        meter.Start();

        var outbox = NewOutbox();
        var sentId = await AddRowAsync(outbox);
        var failedId = await AddRowAsync(outbox, email: "other@example.ir");
        TransportAnswers(new SendOutcome.Accepted("sg-7"), new SendOutcome.Rejected(400, "bad address"));
        ActivityTraceId trace;
        using (var root = source.StartActivity("test")!)
        {
            trace = root.TraceId;
            var sender = NewSender(outbox);
            await sender.SendAsync(sentId);
            await sender.SendAsync(failedId);
            await sender.SendAsync(sentId); // a redelivery of a sent row records nothing more
        }

        var mine = measurements.Where(m => m.Trace == trace).ToList();
        var sent = Assert.Single(mine, m => m.Name == "pishkhan.email.sent");
        Assert.Equal(1, sent.Value);
        Assert.Equal(NotificationKinds.ComplaintDecided, sent.Tags["kind"]);
        var failed = Assert.Single(mine, m => m.Name == "pishkhan.email.failed");
        Assert.Equal(1, failed.Value);
        Assert.Equal(NotificationKinds.ComplaintDecided, failed.Tags["kind"]);
        Assert.Equal("provider", failed.Tags["error.type"]);
        var spans = stopped.Where(a => a.TraceId == trace && a.Source.Name == "Pishkhan.Email").ToList();
        Assert.Equal(3, spans.Count);
        Assert.Equal(["failed", "sent"], spans.Select(a => a.GetTagItem("pishkhan.notification.outcome") as string).OfType<string>().Order());
        Assert.All(spans, a => Assert.Equal("notification.send", a.OperationName));
    }
}
