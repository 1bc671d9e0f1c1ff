using Pishkhan.Calendar;
using Pishkhan.Digests;
using Pishkhan.Digests.Sections;
using Pishkhan.Notifications;
using Pishkhan.Notifications.Templates;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Notifications;

/// <summary>
/// SMS through the outbox, the queue handler and the Kavenegar transport against a local endpoint that
/// records what arrives on the wire. Each test has its own host and endpoint.
/// </summary>
public sealed class KavenegarWireTests : IAsyncLifetime
{
    private const string Site = "https://pishkhan.lorestan.ir";
    private const string ApiKey = "4A5B6C-kavenegar-test-key";
    private const string Line = "2000660110";
    private readonly string _mailPickup = Directory.CreateTempSubdirectory("pishkhan-mail-").FullName;
    private FakeKavenegar _kavenegar = null!;
    private TestHost _host = null!;
    private Outbox Outbox => _host.Services.GetRequiredService<Outbox>();

    public async Task InitializeAsync()
    {
        _kavenegar = await FakeKavenegar.StartAsync();
        _host = await TestHost.StartAsync(settings: new()
        {
            ["Pishkhan:Kavenegar:ApiKey"] = ApiKey,
            ["Pishkhan:Kavenegar:Host"] = _kavenegar.Url,
            ["Pishkhan:Kavenegar:Sender"] = Line,
            ["Pishkhan:PublicSiteUrl"] = Site,
            ["Pishkhan:Outbox:PickupDirectory"] = _mailPickup,
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _kavenegar.DisposeAsync();
        Directory.Delete(_mailPickup, recursive: true);
    }

    private Task<string> EnqueueComplaintReceivedAsync(string mobile, string? email = null) =>
        Outbox.EnqueueAsync(new NotificationRequest($"complaint-received:{Guid.NewGuid():N}", NotificationKinds.ComplaintReceived, "lorestan", email, mobile, "مریم رضایی",
            new Dictionary<string, string> { ["trackingCode"] = "K7MQ-2XHP-R9TC", ["officeName"] = "دفتر پیشخوان ۱۲", ["filedAt"] = "2026-12-06T07:30:00Z" }));

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
    public async Task SendsKavenegarsFormToSmsSendWithTheKeyInThePath()
    {
        var id = await EnqueueComplaintReceivedAsync("+98 912 123 4567");
        var entity = await WaitForStatusAsync(id, OutboxStatus.Sent);

        var request = Assert.Single(_kavenegar.Requests);
        Assert.Equal(ApiKey, request.ApiKey);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal(["message", "receptor", "sender"], request.Form.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("09121234567", request.Receptor); // normalised
        Assert.Equal(Line, request.Form["sender"]);
        Assert.Equal($"شکایت شما از «دفتر پیشخوان ۱۲» ثبت شد. کد پیگیری K7MQ-2XHP-R9TC\n{Site}/track.html#code=K7MQ-2XHP-R9TC\nلغو۱۱", request.Message);
        Assert.True(SmsSegments.Count(request.Message) <= 2);

        Assert.Equal((OutboxChannel.Sms, "09121234567", null), (entity.Channel, entity.ToMobile, entity.ToEmail));
        Assert.Equal(id, Outbox.SmsIdFor(entity.Cause, "09121234567"));
        Assert.Equal(request.MessageId.ToString(), entity.ProviderMessageId);
        Assert.Equal(1, entity.Attempts);
    }

    [Fact]
    public async Task RetriesA429HonouringRetryAfterAndSendsOneSms()
    {
        _kavenegar.Then(429, new Dictionary<string, string> { ["Retry-After"] = "1" }, "تعداد درخواست‌ها بیش از حد مجاز است");
        var id = await EnqueueComplaintReceivedAsync("09121234567");
        var entity = await WaitForStatusAsync(id, OutboxStatus.Sent);

        var requests = _kavenegar.To("09121234567");
        Assert.Equal([429, 200], requests.Select(r => r.AnsweredWith));
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
        Assert.Equal(1, entity.Attempts); // one claim: the retry happened inside it
        Assert.Equal(requests[1].MessageId.ToString(), entity.ProviderMessageId);
    }

    [Fact]
    public async Task A5xxAndKavenegarsServerBusyAreRetriedToo()
    {
        _kavenegar.Then(503);
        _kavenegar.Then(409, message: "سرور قادر به پاسخگوئی نیست بعدا تلاش کنید");
        var id = await EnqueueComplaintReceivedAsync("09121234567");
        await WaitForStatusAsync(id, OutboxStatus.Sent);

        Assert.Equal([503, 409, 200], _kavenegar.To("09121234567").Select(r => r.AnsweredWith));
    }

    [Fact]
    public async Task NoCreditIsAPermanentFailureRecordedOnTheRowAndShownInTheDigest()
    {
        _kavenegar.Then(418, message: "اعتبار حساب شما کافی نیست");
        var id = await EnqueueComplaintReceivedAsync("09121234567");
        var entity = await WaitForStatusAsync(id, OutboxStatus.Failed);

        Assert.Single(_kavenegar.Requests); // not retried
        Assert.Equal("418 اعتبار حساب شما کافی نیست", entity.Error);
        Assert.NotNull(entity.FailedAt);
        var failure = await FailureAsync(id);
        Assert.Equal((OutboxChannel.Sms, NotificationKinds.ComplaintReceived), (failure.Value.Channel, failure.Value.Kind));

        var now = DateTimeOffset.UtcNow;
        var block = await new FailedNotificationsSection(Outbox).BuildAsync(new DigestScope("lorestan", null, DigestBuilder.WeekStartOf(now), now),
            DigestBuilder.PeriodOf(now), default);
        Assert.NotNull(block);
        Assert.Contains(block!.Rows, r => r[0] == "پیامک رسید شکایت" && r[1] == "418 اعتبار حساب شما کافی نیست");
    }

    [Fact]
    public async Task AnInvalidReceptorIsRecordedWithoutTheNumberEvenIfTheProviderEchoesIt()
    {
        _kavenegar.Then(411, message: "گیرنده نامعتبر است: 09121234567");
        var id = await EnqueueComplaintReceivedAsync("09121234567");
        var entity = await WaitForStatusAsync(id, OutboxStatus.Failed);

        Assert.StartsWith("411 ", entity.Error);
        Assert.DoesNotContain("1234567", entity.Error);
        var failure = await FailureAsync(id);
        Assert.DoesNotContain("1234567", failure.Value.Error);
    }

    [Fact]
    public async Task DeliveringEveryMessageTwiceSendsOneSms()
    {
        _kavenegar.Latency = TimeSpan.FromMilliseconds(150); // so that the two deliveries of a message overlap
        var numbers = Enumerable.Range(0, 6).Select(i => $"0912000{i:D4}").ToList();
        var ids = new List<string>();
        foreach (var n in numbers) ids.Add(await EnqueueComplaintReceivedAsync(n));
        // Every message a second time on the queue, and a third delivery straight into the handler.
        await Task.WhenAll(ids.Select(id => Outbox.QueueAsync(id, TimeSpan.Zero)));
        var sender = _host.Services.GetRequiredService<NotificationSender>();
        await Task.WhenAll(ids.Select(id => sender.SendAsync(id)));

        foreach (var id in ids) await WaitForStatusAsync(id, OutboxStatus.Sent);
        await Task.Delay(500); // let any late duplicate reach the endpoint
        foreach (var n in numbers) Assert.Single(_kavenegar.To(n));
    }

    [Fact]
    public async Task ARepliedOptOutIsHonouredForThatNumberAndNoOther()
    {
        _kavenegar.Reply("+989120001111", "لغو ۱۱");
        _kavenegar.Reply("09120003333", "ممنون از پیگیری"); // a reply that is not an opt-out
        var optedOut = await EnqueueComplaintReceivedAsync("0912 000 1111");
        var other = await EnqueueComplaintReceivedAsync("09120002222");
        var thanked = await EnqueueComplaintReceivedAsync("09120003333");

        var skipped = await WaitForStatusAsync(optedOut, OutboxStatus.Skipped);
        await WaitForStatusAsync(other, OutboxStatus.Sent);
        await WaitForStatusAsync(thanked, OutboxStatus.Sent);

        Assert.Empty(_kavenegar.To("09120001111"));
        Assert.Equal("The number opted out of SMS.", skipped.Error);
        var receive = Assert.Single(_kavenegar.ReceiveCalls); // read once before the first send, then not again within the poll interval
        Assert.Equal((Line, "0"), (receive["linenumber"], receive["isread"]));
        var optOut = await _host.Table(Tables.SmsOptOuts).GetEntityAsync<SmsOptOutEntity>(SmsOptOuts.KeyFor("09120001111"), "");
        Assert.Equal("reply", optOut.Value.Source);
        Assert.DoesNotContain("1111", optOut.Value.PartitionKey[..4] + optOut.Value.Source); // keyed by a hash, not the number
        Assert.Equal(1, await CountAsync(Tables.SmsOptOuts));

        // Later events for that number are not sent either.
        var later = await EnqueueComplaintReceivedAsync("09120001111");
        await WaitForStatusAsync(later, OutboxStatus.Skipped);
        Assert.Empty(_kavenegar.To("09120001111"));
    }

    [Fact]
    public async Task ACitizenWithEmailAndMobileGetsAnEmailAndAnSms()
    {
        var emailId = await EnqueueComplaintReceivedAsync("09121234567", "citizen@example.ir");
        var email = await WaitForStatusAsync(emailId, OutboxStatus.Sent);
        var smsId = Outbox.SmsIdFor(email.Cause, "09121234567");
        var sms = await WaitForStatusAsync(smsId, OutboxStatus.Sent);

        Assert.Equal((OutboxChannel.Email, "citizen@example.ir"), (email.Channel, email.ToEmail));
        Assert.Equal((OutboxChannel.Sms, "09121234567", null), (sms.Channel, sms.ToMobile, sms.ToEmail));
        Assert.True(File.Exists(Path.Combine(_mailPickup, emailId + ".eml")));
        Assert.Single(_kavenegar.To("09121234567"));
        // The email's track button opens the same page as the SMS link.
        var eml = await MimeKit.MimeMessage.LoadAsync(Path.Combine(_mailPickup, emailId + ".eml"));
        Assert.All(new[] { eml.TextBody, eml.HtmlBody }, body => Assert.Contains($"{Site}/track.html#code=K7MQ-2XHP-R9TC", body));
    }

    private async Task<int> CountAsync(string table)
    {
        var n = 0;
        await foreach (var _ in _host.Table(table).QueryAsync<Azure.Data.Tables.TableEntity>()) n++;
        return n;
    }
}
