using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Pishkhan.Notifications;

/// <summary>A file in the pickup directory, as GET /dev/outbox lists it.</summary>
public sealed record PickupMessage(string File, DateTimeOffset WrittenAt, long Size, string? To, string? Subject);

/// <summary>
/// The local default transport (no SendGrid key): each recipient's copy becomes an RFC 5322 message
/// "{notificationId}.eml" in the pickup directory, built and written by MimeKit — multipart/alternative with a
/// text/plain and a text/html part, UTF-8 in base64, the subject and names encoded or quoted as the RFCs require —
/// which any mail client opens. Files are written to a temporary name and moved, so a reader never sees half a
/// file; the name is the notification id, so a resend overwrites rather than adds.
/// </summary>
public sealed partial class PickupDirectory(PishkhanSettings settings, TimeProvider clock) : IMailTransport
{
    public string Directory { get; } = Path.GetFullPath(settings.PickupDirectory);

    public async Task<SendOutcome> SendAsync(MailMessage message, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var from = new MailAddress(settings.SendGrid.FromEmail, settings.SendGrid.FromName);
        foreach (var recipient in message.Recipients)
        {
            var eml = Write(message, recipient, from, clock.GetUtcNow());
            var path = Path.Combine(Directory, recipient.NotificationId + ".eml");
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(temp, eml, cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        return new SendOutcome.Accepted("pickup-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>The .eml files, newest first, with their decoded To and Subject (read back by MimeKit).</summary>
    public IReadOnlyList<PickupMessage> List(int max = 200)
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return new DirectoryInfo(Directory).EnumerateFiles("*.eml")
            .OrderByDescending(f => f.LastWriteTimeUtc).Take(max)
            .Select(f =>
            {
                string? to = null, subject = null;
                try
                {
                    using var stream = f.OpenRead();
                    var headers = HeaderList.Load(stream);
                    // For display in JSON (not a header): "name <address>" per mailbox, as decoded.
                    to = headers[HeaderId.To] is { } t && InternetAddressList.TryParse(t, out var list)
                        ? string.Join(", ", list.Mailboxes.Select(m => m.Name is { Length: > 0 } ? $"{m.Name} <{m.Address}>" : m.Address))
                        : null;
                    subject = headers[HeaderId.Subject];
                }
                catch (Exception e) when (e is IOException or FormatException or ParseException) { }
                return new PickupMessage(f.Name, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero), f.Length, to, subject);
            })
            .ToList();
    }

    /// <summary>The path of a listed file, or null for any name that is not "{32 hex}.eml" (no traversal).</summary>
    public string? PathOf(string file) =>
        FileName().IsMatch(file) && File.Exists(Path.Combine(Directory, file)) ? Path.Combine(Directory, file) : null;

    public static byte[] Write(MailMessage message, MailRecipient recipient, MailAddress from, DateTimeOffset now)
    {
        string Apply(string s) => recipient.Substitutions.Aggregate(s, (acc, kv) => acc.Replace(kv.Key, kv.Value, StringComparison.Ordinal));
        var mime = new MimeMessage
        {
            Date = now.ToUniversalTime(),
            MessageId = $"{recipient.NotificationId}@pishkhan.local",
            Subject = MailText.HeaderSafe(Apply(message.Subject)),
        };
        mime.From.Add(MailAddresses.Mailbox(from));
        mime.To.Add(MailAddresses.Mailbox(recipient.To));
        foreach (var (name, value) in recipient.Headers)
            if (HeaderName().IsMatch(name)) mime.Headers.Add(name, Encoding.UTF8, MailText.HeaderSafe(value, 900));
        mime.Headers.Add("X-Pishkhan-Kind", message.Kind);
        mime.Body = new MultipartAlternative { Part("plain", Apply(message.Text)), Part("html", Apply(message.Html)) };

        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        using var buffer = new MemoryStream();
        mime.WriteTo(options, buffer);
        return buffer.ToArray();
    }

    private static TextPart Part(string subtype, string content)
    {
        var part = new TextPart(subtype) { ContentTransferEncoding = ContentEncoding.Base64 };
        part.SetText(Encoding.UTF8, content.Replace("\r\n", "\n").Replace("\n", "\r\n"));
        return part;
    }

    [GeneratedRegex("^[0-9a-f]{32}\\.eml$")]
    private static partial Regex FileName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]{0,76}$")]
    private static partial Regex HeaderName();
}
