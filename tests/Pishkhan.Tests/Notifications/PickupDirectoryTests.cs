using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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

    private async Task<(string Id, Eml Mail)> SendAsync(string? toName)
    {
        var outbox = _host.Services.GetRequiredService<Outbox>();
        var id = await outbox.EnqueueAsync(new NotificationRequest($"test:{Guid.NewGuid():N}", NotificationKinds.ComplaintReceived, "lorestan",
            "citizen@example.ir", null, toName,
            new Dictionary<string, string> { ["trackingCode"] = "ABCD-2345-X", ["officeName"] = "دفتر پیشخوان مرکزی", ["filedAt"] = "2026-12-06T07:30:00Z" }));
        var path = Path.Combine(_pickup, id + ".eml");
        await Poll.UntilAsync(async () => File.Exists(path) && (await outbox.GetAsync(id))?.Status == OutboxStatus.Sent, "the .eml file");
        return (id, Eml.Parse(await File.ReadAllBytesAsync(path)));
    }

    [Fact]
    public async Task WritesAnRfc5322MessageWithTextAndHtmlParts()
    {
        var (id, mail) = await SendAsync("مریم رضایی");

        Assert.All(mail.RawHeaderLines, line => Assert.True(line.Length <= 998 && line.All(c => c < 128), $"header line not 7-bit or too long: {line}"));
        Assert.Equal("1.0", mail.Header("MIME-Version"));
        Assert.Equal($"<{id}@pishkhan.local>", mail.Header("Message-ID"));
        Assert.True(DateTimeOffset.TryParse(mail.Header("Date")!.Replace(" +0000", " +00:00"), out _));
        Assert.Equal("مریم رضایی <citizen@example.ir>", mail.Decoded("To"));
        Assert.Equal("کارگروه دفاتر پیشخوان <no-reply@pishkhan.example>", mail.Decoded("From"));
        Assert.StartsWith("=?utf-8?B?", mail.Header("Subject"));
        Assert.Equal("شکایت شما ثبت شد — کد پیگیری ABCD-2345-X", mail.Decoded("Subject"));
        Assert.StartsWith("multipart/alternative; boundary=", mail.Header("Content-Type"));

        Assert.Equal(["text/plain; charset=utf-8", "text/html; charset=utf-8"], mail.Parts.Select(p => p.ContentType));
        Assert.Contains("ABCD-2345-X", mail.Parts[0].Body);
        Assert.Contains("۱۴۰۵/۰۹/۱۵", mail.Parts[0].Body);
        Assert.Contains("<html dir=\"rtl\" lang=\"fa\">", mail.Parts[1].Body);
        Assert.StartsWith("pickup-", (await _host.Services.GetRequiredService<Outbox>().GetAsync(id))!.ProviderMessageId);
    }

    [Fact]
    public async Task ANameWithCrLfCannotAddHeaders()
    {
        var (_, mail) = await SendAsync("مریم\r\nBcc: evil@example.com\r\n\r\n<b>body</b>");

        Assert.Null(mail.Header("Bcc"));
        Assert.Single(mail.RawHeaderLines, l => l.StartsWith("To:", StringComparison.Ordinal));
        Assert.Equal("مریم Bcc: evil@example.com <b>body</b> <citizen@example.ir>", mail.Decoded("To"));
        Assert.DoesNotContain("<b>body</b>", mail.Parts[1].Body);
        Assert.Contains("&lt;b&gt;body&lt;/b&gt;", mail.Parts[1].Body);
    }

    [Fact]
    public async Task ListsTheMailAtDevOutboxOnTheLocalHostOnly()
    {
        var (id, _) = await SendAsync("رضا");

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
        Assert.DoesNotContain(BindingTable.Http, b => b.Route.StartsWith("dev", StringComparison.OrdinalIgnoreCase));
    }

    private Task<HttpResponseMessage> DevOutboxAsync(string path, string? key = TestHost.BootstrapKey) =>
        _host.SendAsync(HttpMethod.Get, path, key: key);

    [Fact]
    public async Task DevOutboxAsksForTheBootstrapKey()
    {
        var (id, _) = await SendAsync("رضا");
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
    public void EncodesLongPersianTextInWordsThatSplitOnWholeCharacters()
    {
        var subject = string.Concat(Enumerable.Repeat("گزارش هفتگی کارگروه پیشخوان‌ها 👩🏽‍💼 ", 6));
        var encoded = PickupDirectory.EncodeWords(subject);
        foreach (var line in encoded.Split("\r\n"))
        {
            Assert.True(line.TrimStart().Length <= 75, $"encoded-word longer than 75: {line}");
            Assert.Matches(@"^ ?=\?utf-8\?B\?[A-Za-z0-9+/=]+\?=$", line);
        }
        Assert.Equal(subject, PickupDirectory.DecodeWords(encoded));
        Assert.Equal("plain ascii", PickupDirectory.EncodeWords("plain ascii"));
    }
}

/// <summary>A small reader of the .eml files this app writes (headers, encoded-words, base64 parts).</summary>
public sealed partial class Eml
{
    public List<string> RawHeaderLines { get; } = [];
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);
    public List<(string ContentType, string Body)> Parts { get; } = [];

    public string? Header(string name) => _headers.TryGetValue(name, out var v) ? v : null;
    public string? Decoded(string name) => Header(name) is { } v ? PickupDirectory.DecodeWords(v) : null;

    public static Eml Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotMatch("(?<!\r)\n", text); // CRLF line ends only
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var eml = new Eml();
        string? last = null;
        foreach (var line in text[..split].Split("\r\n"))
        {
            eml.RawHeaderLines.Add(line);
            if (line.StartsWith(' ') && last is not null) { eml._headers[last] += "\r\n" + line; continue; }
            var colon = line.IndexOf(':');
            last = line[..colon];
            Assert.False(eml._headers.ContainsKey(last), $"duplicate header {last}");
            eml._headers[last] = line[(colon + 1)..].TrimStart();
        }
        var boundary = Boundary().Match(eml.Header("Content-Type")!).Groups[1].Value;
        var body = text[(split + 4)..];
        Assert.EndsWith($"--{boundary}--\r\n", body);
        foreach (var chunk in body.Split($"--{boundary}").Skip(1).SkipLast(1))
        {
            var partSplit = chunk.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var headers = chunk[..partSplit].Trim().Split("\r\n").Select(h => h.Split(':', 2)).ToDictionary(h => h[0], h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
            Assert.Equal("base64", headers["Content-Transfer-Encoding"]);
            var lines = chunk[(partSplit + 4)..].Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.All(lines, l => Assert.True(l.Length <= 76));
            eml.Parts.Add((headers["Content-Type"], Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(lines)))));
        }
        return eml;
    }

    [GeneratedRegex("boundary=\"([^\"]+)\"")]
    private static partial Regex Boundary();
}
