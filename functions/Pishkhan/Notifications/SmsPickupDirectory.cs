using System.Globalization;
using System.Text;
using Pishkhan.Notifications.Templates;

namespace Pishkhan.Notifications;

/// <summary>
/// The local default SMS transport (no Kavenegar key): each message becomes "{notificationId}.txt" in
/// the pickup directory (default .local/sms) — a few "Name: value" lines (To, Kind, Notification,
/// Segments, Written), a blank line, then the text exactly as it would be sent. UTF-8, LF. Written to a
/// temporary name and moved, so a reader never sees half a file; a resend overwrites rather than adds.
/// Replies can be tried locally too: a file in "replies/" (first line the sender's number, then the
/// text) is read once, as Kavenegar's sms/receive would return it, and deleted.
/// </summary>
public sealed class SmsPickupDirectory(SmsSettings settings, TimeProvider clock) : ISmsTransport
{
    public string Directory { get; } = Path.GetFullPath(settings.PickupDirectory);

    public string RepliesDirectory => Path.Combine(Directory, "replies");

    public async Task<SendOutcome> SendAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, message.NotificationId + ".txt");
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllTextAsync(temp, Write(message, clock.GetUtcNow()), new UTF8Encoding(false), cancellationToken);
        File.Move(temp, path, overwrite: true);
        return new SendOutcome.Accepted("pickup-" + Guid.NewGuid().ToString("N"));
    }

    public static string Write(SmsMessage message, DateTimeOffset now)
    {
        var length = SmsSegments.Measure(message.Text);
        return new StringBuilder()
            .Append("To: ").Append(message.To).Append('\n')
            .Append("Kind: ").Append(message.Kind).Append('\n')
            .Append("Notification: ").Append(message.NotificationId).Append('\n')
            .Append("Segments: ").Append(length.Segments.ToString(CultureInfo.InvariantCulture))
            .Append(" (").Append(length.Units.ToString(CultureInfo.InvariantCulture)).Append(length.Unicode ? " UCS-2 characters)" : " GSM characters)").Append('\n')
            .Append("Written: ").Append(now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append('\n')
            .Append('\n')
            .Append(message.Text)
            .ToString();
    }

    public async Task<IReadOnlyList<SmsReply>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (!System.IO.Directory.Exists(RepliesDirectory)) return [];
        var replies = new List<SmsReply>();
        foreach (var file in System.IO.Directory.EnumerateFiles(RepliesDirectory, "*.txt").Order(StringComparer.Ordinal).ToList())
        {
            string content;
            try
            {
                content = await File.ReadAllTextAsync(file, cancellationToken);
                File.Delete(file);
            }
            catch (IOException)
            {
                continue; // being written, or taken by another reader
            }
            var newline = content.IndexOf('\n');
            replies.Add(newline < 0 ? new SmsReply(content.Trim(), "") : new SmsReply(content[..newline].Trim(), content[(newline + 1)..].Trim()));
        }
        return replies;
    }
}
