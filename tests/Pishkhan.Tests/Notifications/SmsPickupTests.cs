using System.Net;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Pishkhan.Notifications;
using Pishkhan.Notifications.Templates;
using Pishkhan.Requests;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Requests;

namespace Pishkhan.Tests.Notifications;

/// <summary>
/// Without a Kavenegar key, every SMS becomes one file in the SMS pickup folder (number, kind, text);
/// the rating invitation's short code rates its request exactly like the token; rows are made per
/// channel; and a reply file opts a number out.
/// </summary>
public sealed partial class SmsPickupTests : IAsyncLifetime
{
    private const string Site = "https://pishkhan.lorestan.ir";
    private readonly string _sms = Directory.CreateTempSubdirectory("pishkhan-sms-").FullName;
    private readonly string _mail = Directory.CreateTempSubdirectory("pishkhan-mail-").FullName;
    private TestHost _host = null!;
    private Outbox Outbox => _host.Services.GetRequiredService<Outbox>();

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(settings: new()
    {
        ["Pishkhan:Sms:PickupDirectory"] = _sms,
        ["Pishkhan:Outbox:PickupDirectory"] = _mail,
        ["Pishkhan:PublicSiteUrl"] = Site,
    });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_sms, recursive: true);
        Directory.Delete(_mail, recursive: true);
    }

    private async Task<string> WaitForFileAsync(string id)
    {
        var path = Path.Combine(_sms, id + ".txt");
        await Poll.UntilAsync(async () => File.Exists(path) && (await Outbox.GetAsync(id))?.Status == OutboxStatus.Sent, $"SMS file {id}");
        return await File.ReadAllTextAsync(path);
    }

    private Task<string> EnqueueAsync(string kind, string? email, string? mobile, Dictionary<string, string> data) =>
        Outbox.EnqueueAsync(new NotificationRequest($"{kind}:{Guid.NewGuid():N}", kind, "lorestan", email, mobile, null, data));

    [Fact]
    public async Task NoKeyMeansTheSmsPickupFolderAndAnUnresolvedKeyMeansWaiting()
    {
        ISmsTransport TransportFor(string? key) => new ServiceCollection().AddLogging()
            .AddPishkhan(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pishkhan:Kavenegar:ApiKey"] = key }).Build())
            .BuildServiceProvider().GetRequiredService<ISmsTransport>();

        Assert.IsType<SmsPickupDirectory>(TransportFor(null));
        Assert.IsType<KavenegarTransport>(TransportFor("kn-real-key"));
        var unresolved = TransportFor("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/kavenegar-api-key)");
        Assert.IsType<UnresolvedSmsKeyTransport>(unresolved);
        Assert.IsType<SendOutcome.Unavailable>(await unresolved.SendAsync(new SmsMessage("0123456789abcdef0123456789abcdef", "x", "09121234567", "t")));
    }

    [Fact]
    public async Task WritesOneFileWithNumberKindAndTextPerSms()
    {
        var id = await EnqueueAsync(NotificationKinds.ComplaintExtended, null, "۰۹۱۲-۱۲۳-۴۵۶۷",
            new() { ["trackingCode"] = "K7MQ-2XHP-R9TC", ["newDueDate"] = "2026-12-29", ["reason"] = "نیاز به استعلام" });

        var file = await WaitForFileAsync(id);
        var (headers, text) = Split(file);
        Assert.Equal("09121234567", headers["To"]);
        Assert.Equal(NotificationKinds.ComplaintExtended, headers["Kind"]);
        Assert.Equal(id, headers["Notification"]);
        Assert.Equal($"مهلت رسیدگی به شکایت K7MQ-2XHP-R9TC تا ۱۴۰۵/۱۰/۰۸ تمدید شد.\n{Site}/track.html#code=K7MQ-2XHP-R9TC\nلغو۱۱", text);
        Assert.Equal($"{SmsSegments.Count(text)} ({text.Length} UCS-2 characters)", headers["Segments"]);
        Assert.Empty(Directory.GetFiles(_sms, "*.tmp"));
        // Email only where there is an address: none here.
        Assert.Empty(Directory.GetFiles(_mail));
    }

    [Fact]
    public async Task RowsArePerChannelAndOnlyCitizenKindsGoBySms()
    {
        var both = await EnqueueAsync(NotificationKinds.ComplaintReceived, "citizen@example.ir", "09121234567", new() { ["trackingCode"] = "K7MQ-2XHP-R9TC" });
        var smsOnly = await EnqueueAsync(NotificationKinds.ComplaintReceived, null, "09121234568", new() { ["trackingCode"] = "K7MQ-2XHP-R9TC" });
        var emailOnlyKind = await EnqueueAsync(NotificationKinds.InspectionResult, "office@example.ir", "09121234569", new() { ["officeCode"] = "dorud-01" });
        var invalidNumber = await EnqueueAsync(NotificationKinds.ComplaintReceived, null, "0212345678", new() { ["trackingCode"] = "K7MQ-2XHP-R9TC" });

        var rows = await Outbox.Table.ListAsync<OutboxEntity>(null);
        Assert.Equal(5, rows.Count);
        Assert.Equal((OutboxChannel.Email, "citizen@example.ir"), rows.Where(r => r.Id == both).Select(r => (r.Channel, r.ToEmail)).Single());
        Assert.Equal(2, rows.Count(r => r.Cause == rows.Single(x => x.Id == both).Cause));
        Assert.Equal((OutboxChannel.Sms, "09121234568"), rows.Where(r => r.Id == smsOnly).Select(r => (r.Channel, r.ToMobile)).Single());
        Assert.Equal(OutboxChannel.Email, rows.Single(r => r.Id == emailOnlyKind).Channel);
        Assert.Equal(OutboxChannel.Email, rows.Single(r => r.Id == invalidNumber).Channel); // no email, no SMS-able number: skipped as before

        await WaitForFileAsync(smsOnly);
        await WaitForFileAsync(Outbox.SmsIdFor(rows.Single(x => x.Id == both).Cause, "09121234567"));
        await Poll.UntilAsync(async () => (await Outbox.GetAsync(invalidNumber))?.Status == OutboxStatus.Skipped, "skipped");
        Assert.Equal(2, Directory.GetFiles(_sms, "*.txt").Length);
    }

    [Fact]
    public async Task TheRatingSmsCarriesAShortCodeThatRatesTheRequestOnce()
    {
        var kit = await RequestsKit.SeedAsync(_host, "zanjan", "smsr");
        var id = (await kit.CreateAsync(kit.Body(citizen: new { mobile = "09351112233" })))["id"]!.GetValue<string>();
        await kit.EventOkAsync(id, "accepted", kit.OfficeKeyFor(id));
        await kit.EventOkAsync(id, "completed", kit.OfficeKeyFor(id));

        OutboxEntity? row = null;
        await Poll.UntilAsync(async () => (row = (await Outbox.Table.ListAsync<OutboxEntity>(TableClient.CreateQueryFilter($"Cause eq {"request-completed:" + id}")))
            .SingleOrDefault()) is not null, "the completion's SMS row");
        Assert.Equal(OutboxChannel.Sms, row!.Channel);
        var (_, text) = Split(await WaitForFileAsync(row.Id));
        var code = RateLink().Match(text).Groups[1].Value;
        Assert.True(RatingCodes.IsCode(code), text);
        Assert.True(SmsSegments.Count(text) <= 2);
        Assert.Contains("«دفتر پیشخوان", text);
        Assert.DoesNotContain(row.Data["ratingToken"], text);

        // The code resolves to the request and to the hash the request keeps: rating with it works once.
        var codes = _host.Services.GetRequiredService<RatingCodes>();
        var resolved = await codes.ResolveAsync(code);
        Assert.NotNull(resolved);
        Assert.Equal(await codes.ResolveAsync(row.Data["ratingToken"]), resolved);
        var book = _host.Services.GetRequiredService<RequestBook>();
        await book.RateAsync(resolved!.Value.Key, resolved.Value.TokenHash, 5, null, DateTimeOffset.UtcNow, default);
        var second = await _host.SendAsync(HttpMethod.Post, "/api/ratings", new { token = row.Data["ratingToken"], score = 1 }, key: null);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Null(await codes.ResolveAsync("0000000000zz"));
        // Only hashes in the code table.
        var stored = Assert.Single(await _host.Table(Tables.RatingCodes).ListAsync<RatingCodeEntity>(null));
        Assert.DoesNotContain(code, stored.PartitionKey);
        Assert.Equal(RatingTokens.Hash(row.Data["ratingToken"]), stored.TokenHash);
    }

    [Fact]
    public async Task AReplyFileOptsTheNumberOutLocally()
    {
        Directory.CreateDirectory(Path.Combine(_sms, "replies"));
        await File.WriteAllTextAsync(Path.Combine(_sms, "replies", "1.txt"), "09121230000\nلغو");
        var id = await EnqueueAsync(NotificationKinds.ComplaintReceived, null, "09121230000", new() { ["trackingCode"] = "K7MQ-2XHP-R9TC" });

        await Poll.UntilAsync(async () => (await Outbox.GetAsync(id))?.Status == OutboxStatus.Skipped, "skipped");
        Assert.False(File.Exists(Path.Combine(_sms, id + ".txt")));
        Assert.False(File.Exists(Path.Combine(_sms, "replies", "1.txt"))); // read once
        Assert.True(await _host.Services.GetRequiredService<SmsOptOuts>().IsOptedOutAsync("+989121230000"));
    }

    [Theory]
    [InlineData("لغو", true)]
    [InlineData("لغو۱۱", true)]
    [InlineData(" لغو 11 ", true)]
    [InlineData("11", true)]
    [InlineData("١١", true)]
    [InlineData("STOP", true)]
    [InlineData("ممنون", false)]
    [InlineData("1", false)]
    [InlineData("", false)]
    public void RecognisesOptOutReplies(string text, bool optOut) => Assert.Equal(optOut, SmsOptOuts.IsOptOutReply(text));

    [Fact]
    public void TheOptOutKeyIsAHashOfTheNormalisedNumber()
    {
        Assert.Equal(SmsOptOuts.KeyFor("09121234567"), SmsOptOuts.KeyFor("+98 912 123 4567"));
        Assert.Equal(SmsOptOuts.KeyFor("09121234567"), SmsOptOuts.KeyFor("۰۹۱۲۱۲۳۴۵۶۷"));
        Assert.NotEqual(SmsOptOuts.KeyFor("09121234567"), SmsOptOuts.KeyFor("09121234568"));
        Assert.Matches("^[0-9a-f]{32}$", SmsOptOuts.KeyFor("09121234567"));
        Assert.DoesNotContain("1234567", SmsOptOuts.KeyFor("09121234567"));
    }

    private static (Dictionary<string, string> Headers, string Text) Split(string file)
    {
        var blank = file.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = file[..blank].Split('\n').Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
        return (headers, file[(blank + 2)..]);
    }

    [GeneratedRegex(@"/rate\.html#token=([0-9a-z]+)")]
    private static partial Regex RateLink();
}
