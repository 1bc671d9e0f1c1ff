using Pishkhan.Local;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MimeKit;
using Pishkhan.Bindings;
using Pishkhan.Notifications;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Notifications;

/// <summary>Without a SendGrid key, mail becomes .eml files in the pickup directory, listed at /dev/outbox.</summary>
public sealed class PickupDirectoryTests : IAsyncLifetime
{
    private readonly string _pickup = Directory.CreateTempSubdirectory("pishkhan-pickup-").FullName;
    private TestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync(settings: new() { ["Pishkhan:Outbox:PickupDirectory"] = _pickup, ["Pishkhan:PublicBaseUrl"] = "https://pishkhan.example" });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_pickup, recursive: true);
    }

    private async Task<(string Id, byte[] Raw, MimeMessage Mail)> SendAsync(string? toName)
    {
        var outbox = _host.Services.GetRequiredService<Outbox>();
        var id = await outbox.EnqueueAsync(new NotificationRequest($"test:{Guid.NewGuid():N}", NotificationKinds.ComplaintReceived, "lorestan",
            "citizen@example.ir", null, toName,
            new Dictionary<string, string> { ["trackingCode"] = "ABCD-2345-X", ["officeName"] = "دفتر پیشخوان مرکزی", ["filedAt"] = "2026-12-06T07:30:00Z" }));
        var path = Path.Combine(_pickup, id + ".eml");
        await Poll.UntilAsync(async () => File.Exists(path) && (await outbox.GetAsync(id))?.Status == OutboxStatus.Sent, "the .eml file");
        var raw = await File.ReadAllBytesAsync(path);
        return (id, raw, MimeMessage.Load(new MemoryStream(raw)));
    }

    /// <summary>The raw header lines (before the first empty line), unfolded lines kept as written.</summary>
    private static List<string> HeaderLines(byte[] raw)
    {
        var text = Encoding.ASCII.GetString(raw);
        Assert.DoesNotMatch("(?<!\r)\n", text); // CRLF line ends only
        return text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n").ToList();
    }

    private static (string ContentType, string Body)[] Parts(MimeMessage mail) =>
        ((Multipart)mail.Body!).OfType<TextPart>().Select(p => ($"{p.ContentType.MimeType}; charset={p.ContentType.Charset}", p.Text)).ToArray();

    [Fact]
    public async Task WritesAnRfc5322MessageWithTextAndHtmlParts()
    {
        var (id, raw, mail) = await SendAsync("مریم رضایی");

        Assert.All(HeaderLines(raw), line => Assert.True(line.Length <= 998 && line.All(c => c < 128), $"header line not 7-bit or too long: {line}"));
        Assert.Equal("1.0", mail.Headers[HeaderId.MimeVersion]);
        Assert.Equal($"{id}@pishkhan.local", mail.MessageId);
        Assert.NotEqual(default, mail.Date);
        var to = Assert.Single(mail.To.Mailboxes);
        Assert.Equal(("مریم رضایی", "citizen@example.ir"), (to.Name, to.Address));
        var from = Assert.Single(mail.From.Mailboxes);
        Assert.Equal(("کارگروه دفاتر پیشخوان", "no-reply@pishkhan.example"), (from.Name, from.Address));
        Assert.Equal("شکایت شما ثبت شد — کد پیگیری ABCD-2345-X", mail.Subject);
        Assert.Equal("multipart/alternative", mail.Body!.ContentType.MimeType);

        var parts = Parts(mail);
        Assert.Equal(["text/plain; charset=utf-8", "text/html; charset=utf-8"], parts.Select(p => p.ContentType));
        Assert.Contains("ABCD-2345-X", parts[0].Body);
        Assert.Contains("۱۴۰۵/۰۹/۱۵", parts[0].Body);
        Assert.Contains("<html dir=\"rtl\" lang=\"fa\">", parts[1].Body);
        Assert.StartsWith("pickup-", (await _host.Services.GetRequiredService<Outbox>().GetAsync(id))!.ProviderMessageId);
    }

    [Fact]
    public async Task ANameWithCrLfCannotAddHeaders()
    {
        var (_, raw, mail) = await SendAsync("مریم\r\nBcc: evil@example.com\r\n\r\n<b>body</b>");

        Assert.Empty(mail.Bcc);
        Assert.Single(HeaderLines(raw), l => l.StartsWith("To:", StringComparison.Ordinal));
        var to = Assert.Single(mail.To.Mailboxes);
        Assert.Equal(("مریم Bcc: evil@example.com <b>body</b>", "citizen@example.ir"), (to.Name, to.Address));
        var html = Parts(mail)[1].Body;
        Assert.DoesNotContain("<b>body</b>", html);
        Assert.Contains("&lt;b&gt;body&lt;/b&gt;", html);
    }

    /// <summary>A complainant's, an office's or a member's name with address syntax stays one recipient for a standard parser.</summary>
    [Theory]
    [InlineData("<b>Evil</b>, \"x\" <attacker@example.com>")]
    [InlineData("دفتر پیشخوان \"نمونه\", <attacker@example.com>; Bcc: x@example.com")]
    [InlineData("عضو کارگروه (رئیس) ; attacker@example.com, \\ \"")]
    [InlineData("Evil <attacker@example.com>")]
    public async Task ADisplayNameWithAddressSyntaxIsOneRecipient(string name)
    {
        var (_, raw, mail) = await SendAsync(name);

        var to = Assert.Single(mail.To);
        var mailbox = Assert.IsType<MailboxAddress>(to);
        Assert.Equal("citizen@example.ir", mailbox.Address);
        Assert.Equal(name, mailbox.Name);
        // Parsed again from the header text alone, as another mail client would.
        var header = Encoding.ASCII.GetString(raw).Split("\r\n\r\n")[0];
        var toHeader = HeaderList.Load(new MemoryStream(Encoding.ASCII.GetBytes(header + "\r\n\r\n")))[HeaderId.To];
        var parsed = InternetAddressList.Parse(toHeader!);
        Assert.Equal("citizen@example.ir", Assert.IsType<MailboxAddress>(Assert.Single(parsed)).Address);
        Assert.Empty(mail.Cc);
        Assert.Empty(mail.Bcc);
    }

    [Fact]
    public async Task ListsTheMailAtDevOutboxOnTheLocalHostOnly()
    {
        var (id, _, _) = await SendAsync("رضا");

        var list = JsonNode.Parse(await (await DevOutboxAsync("/dev/outbox")).Content.ReadAsStringAsync())!.AsArray();
        var entry = list.Single(e => e!["file"]!.GetValue<string>() == id + ".eml")!;
        Assert.Equal("شکایت شما ثبت شد — کد پیگیری ABCD-2345-X", entry["subject"]!.GetValue<string>());
        Assert.Equal("رضا <citizen@example.ir>", entry["to"]!.GetValue<string>());

        var raw = await DevOutboxAsync($"/dev/outbox/{id}.eml");
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal("message/rfc822", raw.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await DevOutboxAsync("/dev/outbox/..%2F..%2Fetc%2Fpasswd")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await DevOutboxAsync("/dev/outbox/0123456789abcdef0123456789abcdef.eml")).StatusCode);
        // Not a route of the Functions app.
        Assert.DoesNotContain(LocalHost.Catalog.Http, b => b.Route.StartsWith("dev", StringComparison.OrdinalIgnoreCase));
    }

    private Task<HttpResponseMessage> DevOutboxAsync(string path, string? key = TestHost.BootstrapKey) =>
        _host.SendAsync(HttpMethod.Get, path, key: key);

    [Fact]
    public async Task DevOutboxAsksForTheBootstrapKey()
    {
        var (id, _, _) = await SendAsync("رضا");
        foreach (var path in new[] { "/dev/outbox", $"/dev/outbox/{id}.eml" })
        {
            foreach (var key in new[] { null, "wrong-key", await _host.IssueKeyAsync("admin", "lorestan") })
            {
                var response = await DevOutboxAsync(path, key);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.DoesNotContain("citizen@example.ir", await response.Content.ReadAsStringAsync());
            }
            Assert.Equal(HttpStatusCode.OK, (await DevOutboxAsync(path)).StatusCode);
        }
    }

    [Fact]
    public void ALongPersianSubjectIsEncodedInSevenBitLinesAndReadsBack()
    {
        var subject = string.Concat(Enumerable.Repeat("گزارش هفتگی کارگروه پیشخوان‌ها 👩🏽‍💼 ", 4)).Trim(); // within the 200-character subject limit
        var message = new MailMessage("test", subject, "<p>x</p>", "x", [new MailRecipient("0123456789abcdef0123456789abcdef",
            new MailAddress("a@example.ir", "نام"), new Dictionary<string, string>(), new Dictionary<string, string>())]);
        var raw = PickupDirectory.Write(message, message.Recipients[0], new MailAddress("no-reply@pishkhan.example", "کارگروه"), DateTimeOffset.UnixEpoch);
        Assert.All(HeaderLines(raw), line => Assert.True(line.Length <= 998 && line.All(c => c < 128), line));
        Assert.Equal(subject, MimeMessage.Load(new MemoryStream(raw)).Subject);
    }
}
