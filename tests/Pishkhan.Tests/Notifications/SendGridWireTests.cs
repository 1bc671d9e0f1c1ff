using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Digests;
using Pishkhan.Digests.Sections;
using Pishkhan.Notifications;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Notifications;

/// <summary>
/// The outbox, the queue handler and the real SendGrid client against a local endpoint that records
/// what arrives on the wire. Tests of one class run one after another, so the endpoint's script is theirs.
/// </summary>
public sealed class SendGridWireTests : IAsyncLifetime
{
    private FakeSendGrid _sendGrid = null!;
    private TestHost _host = null!;
    private Outbox Outbox => _host.Services.GetRequiredService<Outbox>();

    public async Task InitializeAsync()
    {
        _sendGrid = await FakeSendGrid.StartAsync();
        _host = await TestHost.StartAsync(settings: new()
        {
            ["Pishkhan:SendGrid:ApiKey"] = "SG.test-key",
            ["Pishkhan:SendGrid:Host"] = _sendGrid.Url,
            ["Pishkhan:SendGrid:FromEmail"] = "no-reply@pishkhan.example",
            ["Pishkhan:SendGrid:FromName"] = "کارگروه پیشخوان",
            ["Pishkhan:PublicBaseUrl"] = "https://pishkhan.example",
            ["Pishkhan:PublicSiteUrl"] = "https://www.pishkhan.example",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sendGrid.DisposeAsync();
    }

    private Task<string> EnqueueComplaintReceivedAsync(string email = "citizen@example.ir", string? name = "مریم رضایی") =>
        Outbox.EnqueueAsync(new NotificationRequest($"complaint-received:{Guid.NewGuid():N}", NotificationKinds.ComplaintReceived, "lorestan", email, null, name,
            new Dictionary<string, string> { ["trackingCode"] = "ABCD-2345-X", ["officeName"] = "دفتر پیشخوان مرکزی", ["filedAt"] = "2026-12-06T07:30:00Z" }));

    /// <summary>The digest's index row, written just after the row's status (so polled, not read once).</summary>
    private async Task<Azure.Response<OutboxFailureEntity>> FailureAsync(string id)
    {
        Azure.NullableResponse<OutboxFailureEntity>? failure = null;
        await Poll.UntilAsync(async () => (failure = await _host.Table(Tables.OutboxFailures).GetEntityIfExistsAsync<OutboxFailureEntity>("lorestan", id)).HasValue,
            $"failure index of {id}");
        return Azure.Response.FromValue(failure!.Value!, failure.GetRawResponse());
    }

    private async Task<OutboxEntity> WaitForStatusAsync(string id, string status)
    {
        OutboxEntity? entity = null;
        await Poll.UntilAsync(async () => (entity = await Outbox.GetAsync(id))?.Status == status, $"notification {id} {status}");
        return entity!;
    }

    [Fact]
    public async Task SendsTheExpectedJsonToSendGrid()
    {
        var id = await EnqueueComplaintReceivedAsync();
        var entity = await WaitForStatusAsync(id, OutboxStatus.Sent);

        var request = Assert.Single(_sendGrid.For(id));
        Assert.Equal("/v3/mail/send", request.Path);
        Assert.Equal("Bearer SG.test-key", request.Authorization);
        Assert.StartsWith("application/json", request.ContentType);
        var body = request.Body;
        Assert.Equal("no-reply@pishkhan.example", body["from"]!["email"]!.GetValue<string>());
        Assert.Equal("کارگروه پیشخوان", body["from"]!["name"]!.GetValue<string>());
        var to = Assert.Single(body["personalizations"]!.AsArray())!["to"]!.AsArray().Single()!;
        Assert.Equal("citizen@example.ir", to["email"]!.GetValue<string>());
        Assert.Equal("مریم رضایی", to["name"]!.GetValue<string>());
        Assert.Equal("شکایت شما ثبت شد — کد پیگیری ABCD-2345-X", body["subject"]!.GetValue<string>());
        var content = body["content"]!.AsArray();
        Assert.Equal(["text/plain", "text/html"], content.Select(c => c!["type"]!.GetValue<string>()));
        var html = content[1]!["value"]!.GetValue<string>();
        Assert.Contains("<html dir=\"rtl\" lang=\"fa\">", html);
        Assert.Contains("۱۴۰۵/۰۹/۱۵ ساعت ۱۱:۰۰", html); // 2026-12-06T07:30Z is 15 Azar 1405, 11:00 in Tehran
        Assert.Contains("https://www.pishkhan.example/track.html#code=ABCD-2345-X", html); // the public site's tracking page
        Assert.Contains("ABCD-2345-X", content[0]!["value"]!.GetValue<string>());
        Assert.Equal(["complaintReceived"], body["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Null(body["mail_settings"]); // sandbox off

        Assert.Equal(request.MessageId, entity.ProviderMessageId);
        Assert.Equal(1, entity.Attempts);
        Assert.NotNull(entity.SentAt);
    }

    [Theory]
    [InlineData("<b>Evil</b>, \"x\" <attacker@example.com>")]
    [InlineData("دفتر \"نمونه\"; Bcc: attacker@example.com")]
    public async Task ADisplayNameWithAddressSyntaxReachesSendGridAsOneRecipient(string name)
    {
        var id = await EnqueueComplaintReceivedAsync(name: name);
        await WaitForStatusAsync(id, OutboxStatus.Sent);
        var to = Assert.Single(Assert.Single(_sendGrid.For(id)).Body["personalizations"]!.AsArray())!["to"]!.AsArray().Single()!;
        // SendGrid writes "name <email>" into the header: a standard parser must read one mailbox with the whole name.
        var header = $"{to["name"]!.GetValue<string>()} <{to["email"]!.GetValue<string>()}>";
        var mailbox = Assert.IsType<MimeKit.MailboxAddress>(Assert.Single(MimeKit.InternetAddressList.Parse(header)));
        Assert.Equal(("citizen@example.ir", name), (mailbox.Address, mailbox.Name));
    }

    [Fact]
    public async Task RetriesA429OnceHonouringRetryAfter()
    {
        _sendGrid.Then(429, new Dictionary<string, string> { ["Retry-After"] = "1" }, """{"errors":[{"message":"too many requests","field":null}]}""");
        var id = await EnqueueComplaintReceivedAsync();
        var entity = await WaitForStatusAsync(id, OutboxStatus.Sent);

        var requests = _sendGrid.For(id);
        Assert.Equal([429, 202], requests.Select(r => r.AnsweredWith));
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
        Assert.Equal(requests[1].MessageId, entity.ProviderMessageId);
        Assert.Equal(1, entity.Attempts); // one claim: the retry happened inside it
        Assert.Single(requests, r => r.AnsweredWith == 202); // one email
    }

    [Fact]
    public async Task RecordsAPermanent400AsFailedAndReportsItInTheDigest()
    {
        _sendGrid.Then(400, body: """{"errors":[{"message":"The from address does not match a verified Sender Identity.","field":"from","help":null}]}""");
        var id = await EnqueueComplaintReceivedAsync();
        var entity = await WaitForStatusAsync(id, OutboxStatus.Failed);

        Assert.Single(_sendGrid.For(id)); // a 400 is not retried
        Assert.Contains("400", entity.Error);
        Assert.Contains("from: The from address does not match a verified Sender Identity.", entity.Error);
        Assert.NotNull(entity.FailedAt);
        Assert.Null(entity.ProviderMessageId);
        var failure = await FailureAsync(id);
        Assert.Equal(NotificationKinds.ComplaintReceived, failure.Value.Kind);

        var section = new FailedNotificationsSection(Outbox);
        var now = DateTimeOffset.UtcNow;
        var block = await section.BuildAsync(new DigestScope("lorestan", null, DigestBuilder.WeekStartOf(now), now), DigestBuilder.PeriodOf(now), default);
        Assert.NotNull(block);
        Assert.Contains(block!.Rows, r => r[0] == "رسید شکایت" && r[1].Contains("verified Sender Identity"));
        // A county lead's digest does not carry the secretariat's delivery failures.
        Assert.Null(await section.BuildAsync(new DigestScope("lorestan", "lr-c1", DigestBuilder.WeekStartOf(now), now), DigestBuilder.PeriodOf(now), default));
    }

    [Fact]
    public async Task DeliveringEveryMessageTwiceSendsOneEmail()
    {
        _sendGrid.Latency = TimeSpan.FromMilliseconds(150); // so that the two deliveries of a message overlap
        try
        {
            var ids = new List<string>();
            for (var i = 0; i < 8; i++) ids.Add(await EnqueueComplaintReceivedAsync($"twice{i}@example.ir"));
            // Every message a second time on the queue, and a third delivery straight into the handler.
            await Task.WhenAll(ids.Select(id => Outbox.QueueAsync(id, TimeSpan.Zero)));
            var sender = _host.Services.GetRequiredService<NotificationSender>();
            await Task.WhenAll(ids.Select(id => sender.SendAsync(id)));

            foreach (var id in ids) await WaitForStatusAsync(id, OutboxStatus.Sent);
            await Task.Delay(500); // let any late duplicate reach the endpoint
            foreach (var id in ids) Assert.Single(_sendGrid.For(id));
            for (var i = 0; i < 8; i++) Assert.Single(_sendGrid.AcceptedRecipients(), r => r == $"twice{i}@example.ir");
        }
        finally
        {
            _sendGrid.Latency = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task SandboxModeAsksSendGridNotToDeliver()
    {
        var settings = new SendGridSettings { ApiKey = "SG.x", SandboxMode = true };
        var transport = new SendGridTransport(SendGridTransport.CreateClient(settings), settings, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SendGridTransport>.Instance);
        var json = System.Text.Json.Nodes.JsonNode.Parse(transport.Build(new MailMessage("digest", "s", "<p>h</p>", "t",
            [new MailRecipient("0123456789abcdef0123456789abcdef", new MailAddress("a@example.ir", null), new Dictionary<string, string>(), new Dictionary<string, string>())])).Serialize())!;
        Assert.True(json["mail_settings"]!["sandbox_mode"]!["enable"]!.GetValue<bool>());
        await Task.CompletedTask;
    }
}
