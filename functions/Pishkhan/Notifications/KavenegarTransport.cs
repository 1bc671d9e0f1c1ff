using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Pishkhan.Notifications;

/// <summary>
/// Kavenegar's REST API (https://kavenegar.com/rest.html): POST {Host}/v1/{API-KEY}/sms/send.json with
/// form fields receptor, message and sender, answered {"return":{"status","message"},"entries":[{"messageid",…}]}.
/// The HTTP status mirrors return.status (418 no credit, 411 invalid receptor, 412 invalid sender,
/// 403 invalid key, 409 server busy, …). 429, 409 and 5xx (and a refused connection) are retried here
/// up to <see cref="SmsSettings.MaxAttempts"/>, honouring Retry-After up to <see cref="SmsSettings.MaxRetryDelay"/>;
/// other statuses are permanent. The key is part of the URL, so the URL is never logged: this class has
/// its own HttpClient without the factory's logging handlers, and logs statuses only.
/// sms/send has no idempotency key either, so the window described on <see cref="NotificationSender"/> applies
/// to SMS as it does to mail.
/// </summary>
public sealed partial class KavenegarTransport(HttpClient http, SmsSettings settings, TimeProvider clock, ILogger<KavenegarTransport> logger) : ISmsTransport
{
    /// <summary>Kavenegar returns at most this many replies per sms/receive call.</summary>
    private const int ReceivePage = 100;

    public static HttpClient CreateClient(SmsSettings settings) =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 64 })
        {
            Timeout = settings.RequestTimeout,
        };

    private string Url(string method) => $"{settings.Host}/v1/{Uri.EscapeDataString(settings.ApiKey!)}/{method}.json";

    public async Task<SendOutcome> SendAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        var form = new List<KeyValuePair<string, string>> { new("receptor", message.To), new("message", message.Text) };
        if (settings.Sender is { } sender) form.Add(new("sender", sender));
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync(Url("sms/send"), new FormUrlEncodedContent(form), cancellationToken);
            }
            catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                                                 or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
            {
                // Nothing reached Kavenegar: as safe to retry as a 503.
                if (attempt >= settings.MaxAttempts) return new SendOutcome.Unavailable(null, $"connection failed: {e.HttpRequestError}", null);
                await DelayAsync(Backoff(attempt), cancellationToken);
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // The request may have been accepted before the connection broke or the timeout fired.
                return new SendOutcome.Unknown($"no answer: {e.GetType().Name}");
            }

            using (response)
            {
                var (status, text, entries) = await ReadAsync(response, cancellationToken);
                if (status == 200)
                    return new SendOutcome.Accepted(entries is { ValueKind: JsonValueKind.Array } list && list.GetArrayLength() > 0
                                                    && list[0].TryGetProperty("messageid", out var id) ? id.ToString() : null);
                var error = Error(status, text);
                if (status != 429 && status != 409 && status < 500) return new SendOutcome.Rejected(status, error);

                var retryAfter = RetryAfter(response);
                var delay = retryAfter ?? Backoff(attempt);
                if (attempt >= settings.MaxAttempts || delay > settings.MaxRetryDelay) return new SendOutcome.Unavailable(status, error, retryAfter);
                logger.LogInformation("Kavenegar answered {Status}; retrying in {Delay} (attempt {Attempt})", status, delay, attempt);
                await DelayAsync(delay, cancellationToken);
            }
        }
    }

    /// <summary>sms/receive for the sender line, unread only (Kavenegar marks what it returns as read).</summary>
    public async Task<IReadOnlyList<SmsReply>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (settings.Sender is not { } line) return [];
        var replies = new List<SmsReply>();
        for (var page = 0; page < 10; page++)
        {
            using var response = await http.PostAsync(Url("sms/receive"),
                new FormUrlEncodedContent([new("linenumber", line), new("isread", "0")]), cancellationToken);
            var (status, _, entries) = await ReadAsync(response, cancellationToken);
            if (status != 200)
            {
                logger.LogWarning("Kavenegar sms/receive answered {Status}", status);
                break;
            }
            if (entries is not { ValueKind: JsonValueKind.Array } list) break;
            foreach (var e in list.EnumerateArray())
                if (e.TryGetProperty("sender", out var from) && e.TryGetProperty("message", out var text))
                    replies.Add(new SmsReply(from.ToString(), text.ToString()));
            if (list.GetArrayLength() < ReceivePage) break;
        }
        return replies;
    }

    /// <summary>return.status (the HTTP status when the body is not Kavenegar's envelope), return.message and entries.</summary>
    private static async Task<(int Status, string? Message, JsonElement? Entries)> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return (status, null, null);
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("return", out var ret) || ret.ValueKind != JsonValueKind.Object)
                return (status, null, null);
            if (ret.TryGetProperty("status", out var s) && s.TryGetInt32(out var inner)) status = inner;
            var message = ret.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            JsonElement? entries = root.TryGetProperty("entries", out var en) ? en.Clone() : null;
            return (status, message, entries);
        }
        catch (JsonException)
        {
            return (status, null, null);
        }
    }

    /// <summary>"411 receptor message" for the Error column; digit runs that could be a number are masked (the digest shows errors).</summary>
    public static string Error(int status, string? message)
    {
        var text = $"{status} {(message is { Length: > 0 } ? message : ((HttpStatusCode)status).ToString())}";
        text = LongDigits().Replace(text, m => m.Value[..2] + new string('*', m.Value.Length - 4) + m.Value[^2..]);
        return text.Length <= 500 ? text : text[..500];
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } ra) return null;
        if (ra.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        var now = clock.GetUtcNow();
        return ra.Date is { } date ? date > now ? date - now : TimeSpan.Zero : null;
    }

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(1000 * Math.Pow(2, attempt - 1) * (0.8 + 0.4 * Random.Shared.NextDouble()));

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, clock, cancellationToken);

    [GeneratedRegex(@"[0-9۰-۹٠-٩]{7,}")]
    private static partial Regex LongDigits();
}
