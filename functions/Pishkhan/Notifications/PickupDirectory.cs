using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Pishkhan.Notifications.Templates;

namespace Pishkhan.Notifications;

/// <summary>A file in the pickup directory, as GET /dev/outbox lists it.</summary>
public sealed record PickupMessage(string File, DateTimeOffset WrittenAt, long Size, string? To, string? Subject);

/// <summary>
/// The local default transport (no SendGrid key): each recipient's copy becomes an RFC 5322 message
/// "{notificationId}.eml" in the pickup directory — multipart/alternative with a text/plain and a
/// text/html part, UTF-8 in base64, the subject and names as RFC 2047 encoded-words — which any mail
/// client opens. Files are written to a temporary name and moved, so a reader never sees half a file;
/// the name is the notification id, so a resend overwrites rather than adds.
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

    /// <summary>The .eml files, newest first, with their decoded To and Subject.</summary>
    public IReadOnlyList<PickupMessage> List(int max = 200)
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return new DirectoryInfo(Directory).EnumerateFiles("*.eml")
            .OrderByDescending(f => f.LastWriteTimeUtc).Take(max)
            .Select(f =>
            {
                var headers = ReadHeaders(f.FullName);
                return new PickupMessage(f.Name, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero), f.Length,
                    headers.GetValueOrDefault("to") is { } to ? DecodeWords(to) : null,
                    headers.GetValueOrDefault("subject") is { } s ? DecodeWords(s) : null);
            })
            .ToList();
    }

    /// <summary>The path of a listed file, or null for any name that is not "{32 hex}.eml" (no traversal).</summary>
    public string? PathOf(string file) =>
        FileName().IsMatch(file) && File.Exists(Path.Combine(Directory, file)) ? Path.Combine(Directory, file) : null;

    public static byte[] Write(MailMessage message, MailRecipient recipient, MailAddress from, DateTimeOffset now)
    {
        string Apply(string s) => recipient.Substitutions.Aggregate(s, (acc, kv) => acc.Replace(kv.Key, kv.Value, StringComparison.Ordinal));
        var boundary = "=_pishkhan_" + recipient.NotificationId;
        var sb = new StringBuilder();
        void Header(string name, string value) => sb.Append(name).Append(": ").Append(value).Append("\r\n");
        Header("Date", now.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture));
        Header("From", Address(from));
        Header("To", Address(recipient.To));
        Header("Subject", EncodeWords(MailText.HeaderSafe(Apply(message.Subject))));
        Header("Message-ID", $"<{recipient.NotificationId}@pishkhan.local>");
        Header("MIME-Version", "1.0");
        foreach (var (name, value) in recipient.Headers)
            if (HeaderName().IsMatch(name)) Header(name, EncodeWords(MailText.HeaderSafe(value, 900)));
        Header("X-Pishkhan-Kind", message.Kind);
        Header("Content-Type", $"multipart/alternative; boundary=\"{boundary}\"");
        sb.Append("\r\n");
        Part(sb, boundary, "text/plain", Apply(message.Text));
        Part(sb, boundary, "text/html", Apply(message.Html));
        sb.Append("--").Append(boundary).Append("--\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static void Part(StringBuilder sb, string boundary, string mediaType, string content)
    {
        sb.Append("--").Append(boundary).Append("\r\n")
            .Append("Content-Type: ").Append(mediaType).Append("; charset=utf-8\r\n")
            .Append("Content-Transfer-Encoding: base64\r\n\r\n");
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(content.Replace("\r\n", "\n").Replace("\n", "\r\n")));
        for (var i = 0; i < b64.Length; i += 76) sb.Append(b64, i, Math.Min(76, b64.Length - i)).Append("\r\n");
    }

    /// <summary>"Name &lt;email&gt;" with the name as encoded-words; the address itself is validated at input.</summary>
    private static string Address(MailAddress address)
    {
        var email = MailText.HeaderSafe(address.Email, 254).Replace("<", "").Replace(">", "").Replace(" ", "");
        var name = MailText.HeaderSafe(address.Name);
        return name.Length == 0 ? $"<{email}>" : $"{EncodeWords(name)} <{email}>";
    }

    /// <summary>
    /// RFC 2047 B-encoding in words of at most 75 characters, split on whole characters (never inside a
    /// UTF-8 sequence or a surrogate pair), folded onto continuation lines. Plain ASCII text stays as is.
    /// </summary>
    public static string EncodeWords(string text)
    {
        if (text.All(c => c is >= ' ' and <= '~') && text.Length <= 900) return text;
        const int maxBytes = 45; // 45 bytes → 60 base64 chars + "=?utf-8?B?" + "?=" = 72
        var words = new List<string>();
        var chunk = new StringBuilder();
        var bytes = 0;
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
        {
            var element = (string)e.Current;
            var n = Encoding.UTF8.GetByteCount(element);
            if (bytes + n > maxBytes && chunk.Length > 0)
            {
                words.Add(Word(chunk.ToString()));
                chunk.Clear();
                bytes = 0;
            }
            chunk.Append(element);
            bytes += n;
        }
        if (chunk.Length > 0) words.Add(Word(chunk.ToString()));
        return string.Join("\r\n ", words);

        static string Word(string s) => "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) + "?=";
    }

    /// <summary>Decodes RFC 2047 encoded-words (B and Q) in a header value; the whitespace between adjacent words is dropped.</summary>
    public static string DecodeWords(string value)
    {
        var unfolded = value.Replace("\r\n", "");
        var joined = BetweenWords().Replace(unfolded, "?==?");
        return EncodedWord().Replace(joined, m =>
        {
            var charset = Encoding.GetEncoding(m.Groups[1].Value);
            var payload = m.Groups[3].Value;
            var data = m.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(payload)
                : QDecode(payload);
            return charset.GetString(data);
        });
    }

    private static byte[] QDecode(string s)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '_') bytes.Add(0x20);
            else if (s[i] == '=' && i + 2 < s.Length) { bytes.Add(Convert.ToByte(s.Substring(i + 1, 2), 16)); i += 2; }
            else bytes.Add((byte)s[i]);
        }
        return bytes.ToArray();
    }

    private static Dictionary<string, string> ReadHeaders(string path)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? name = null;
        foreach (var line in File.ReadLines(path, Encoding.ASCII))
        {
            if (line.Length == 0) break;
            if ((line[0] == ' ' || line[0] == '\t') && name is not null) { headers[name] += "\r\n" + line; continue; }
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            name = line[..colon];
            headers[name] = line[(colon + 1)..].TrimStart();
        }
        return headers;
    }

    [GeneratedRegex(@"=\?([A-Za-z0-9\-_]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();

    [GeneratedRegex(@"\?=\s+=\?")]
    private static partial Regex BetweenWords();

    [GeneratedRegex("^[0-9a-f]{32}\\.eml$")]
    private static partial Regex FileName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]{0,76}$")]
    private static partial Regex HeaderName();
}
