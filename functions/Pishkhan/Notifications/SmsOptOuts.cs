using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Pishkhan.Storage;
using Pishkhan.Text;

namespace Pishkhan.Notifications;

/// <summary>
/// SmsOptOuts table: PK = <see cref="SmsOptOuts.KeyFor"/> (a hash of the normalised number, never the
/// number), RK = "". Columns: OptedOutAt, Source ("reply", or what recorded it). A row means: send this
/// number nothing more.
/// </summary>
public sealed class SmsOptOutEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Key => PartitionKey;
    public DateTimeOffset OptedOutAt { get; set; }
    public string Source { get; set; } = "";
}

/// <summary>
/// Per-number SMS opt-out. A citizen opts out by replying «لغو» / 11 / STOP to the sender line (the last
/// line of every text says «لغو۱۱»). Replies are read lazily: before an SMS is sent, if the last read is
/// older than <see cref="SmsSettings.ReplyPollInterval"/>, the transport's new replies are fetched
/// (Kavenegar sms/receive, or the local pickup folder's replies/) and every opt-out among them is
/// recorded; then the number about to be texted is checked. So a reply is honoured for every SMS sent
/// more than one poll interval after it arrived, with no timer of its own. An opted-out number receives
/// nothing: its rows end "skipped". Numbers are never logged; the table holds only their hashes.
/// </summary>
public sealed class SmsOptOuts(Store store, ISmsTransport transport, SmsSettings settings, TimeProvider clock, ILogger<SmsOptOuts> logger)
{
    private readonly TableClient _table = store.Table(Tables.SmsOptOuts);
    private readonly SemaphoreSlim _reading = new(1, 1);
    private DateTimeOffset _lastRead = DateTimeOffset.MinValue;

    /// <summary>32 hex of SHA-256 over the normalised number (09xxxxxxxxx), domain-separated.</summary>
    public static string KeyFor(string mobile)
    {
        var normalized = MobileNumber.TryNormalize(mobile, out var m) ? m : mobile;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("pishkhan-sms-optout\n" + normalized)))[..32];
    }

    public async Task<bool> IsOptedOutAsync(string mobile, CancellationToken cancellationToken = default) =>
        await _table.GetOrNullAsync<SmsOptOutEntity>(KeyFor(mobile), "", cancellationToken) is not null;

    /// <summary>Records the opt-out (insert-if-absent: the first date stays). True when it is new.</summary>
    public Task<bool> OptOutAsync(string mobile, string source, CancellationToken cancellationToken = default) =>
        _table.TryAddAsync(new SmsOptOutEntity { PartitionKey = KeyFor(mobile), OptedOutAt = clock.GetUtcNow(), Source = source }, cancellationToken);

    /// <summary>«لغو», «لغو ۱۱», "11", "۱۱", STOP … in any case, spacing or digits.</summary>
    public static bool IsOptOutReply(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = new string(PersianText.Normalize(text).Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        return s is "11" or "stop" or "unsubscribe" || s.StartsWith("لغو", StringComparison.Ordinal);
    }

    /// <summary>Reads new replies if the last read is older than the poll interval; failures are logged and retried at the next send.</summary>
    public async Task ReadRepliesIfDueAsync(CancellationToken cancellationToken = default)
    {
        if (clock.GetUtcNow() - _lastRead < settings.ReplyPollInterval) return;
        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (clock.GetUtcNow() - _lastRead < settings.ReplyPollInterval) return;
            var replies = await transport.ReceiveAsync(cancellationToken);
            var added = 0;
            foreach (var reply in replies)
                if (IsOptOutReply(reply.Text) && MobileNumber.TryNormalize(reply.From, out var mobile) && await OptOutAsync(mobile, "reply", cancellationToken))
                    added++;
            _lastRead = clock.GetUtcNow();
            if (replies.Count > 0) logger.LogInformation("Read {Replies} SMS replies; {OptOuts} new opt-outs", replies.Count, added);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or RequestFailedException
                                  && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Reading SMS replies failed ({Reason}); tried again before the next SMS", e.GetType().Name);
        }
        finally
        {
            _reading.Release();
        }
    }
}
