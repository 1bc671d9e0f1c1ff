using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Pishkhan.Notifications;

/// <summary>
/// Sends through the SendGrid client. The client itself never retries when it is given its HttpClient
/// (its RetryDelegatingHandler is only added to the HttpClient it creates, and even that ignores 429),
/// so this class retries 429 and 5xx with exponential back-off, honouring Retry-After (or SendGrid's
/// X-RateLimit-Reset) up to <see cref="SendGridSettings.MaxRetryDelay"/>.
/// </summary>
public sealed class SendGridTransport(ISendGridClient client, SendGridSettings settings, TimeProvider clock, ILogger<SendGridTransport> logger)
    : IMailTransport
{
    /// <summary>The SendGrid client on its own HttpClient (pooled, bounded timeout, no hidden retries).</summary>
    public static ISendGridClient CreateClient(SendGridSettings settings) =>
        new SendGridClient(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 64 })
            {
                Timeout = settings.RequestTimeout,
            },
            new SendGridClientOptions { ApiKey = settings.ApiKey, Host = settings.Host });

    public async Task<SendOutcome> SendAsync(MailMessage message, CancellationToken cancellationToken = default)
    {
        var mail = Build(message);
        for (var attempt = 1; ; attempt++)
        {
            Response response;
            try
            {
                response = await client.SendEmailAsync(mail, cancellationToken);
            }
            catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                                                 or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
            {
                // Nothing reached SendGrid: as safe to retry as a 503.
                if (attempt >= settings.MaxAttempts) return new SendOutcome.Unavailable(null, $"connection failed: {e.HttpRequestError}", null);
                await DelayAsync(Backoff(attempt), cancellationToken);
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // The request may have been accepted before the connection broke or the timeout fired.
                return new SendOutcome.Unknown($"no answer: {e.GetType().Name}");
            }

            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
                return new SendOutcome.Accepted(response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null);

            var error = await ErrorOf(response, cancellationToken);
            if (status != 429 && status < 500) return new SendOutcome.Rejected(status, error);

            var retryAfter = RetryAfter(response);
            var delay = retryAfter ?? Backoff(attempt);
            if (attempt >= settings.MaxAttempts || delay > settings.MaxRetryDelay)
                return new SendOutcome.Unavailable(status, error, retryAfter);
            logger.LogInformation("SendGrid answered {Status}; retrying in {Delay} (attempt {Attempt})", status, delay, attempt);
            await DelayAsync(delay, cancellationToken);
        }
    }

    /// <summary>The v3 request: one personalization per recipient, content shared, substitutions per recipient.</summary>
    public SendGridMessage Build(MailMessage message)
    {
        if (message.Recipients.Count is 0 or > MailMessage.MaxRecipients)
            throw new ArgumentException($"A mail has 1..{MailMessage.MaxRecipients} recipients.", nameof(message));
        var mail = new SendGridMessage
        {
            From = new EmailAddress(settings.FromEmail, MailAddresses.SendGridName(settings.FromName)),
            Subject = MailText.HeaderSafe(message.Subject),
            PlainTextContent = message.Text,
            HtmlContent = message.Html,
            Personalizations = message.Recipients.Select(r => new Personalization
            {
                Tos = [new EmailAddress(r.To.Email, MailAddresses.SendGridName(r.To.Name))],
                Substitutions = r.Substitutions.Count == 0 ? null : new Dictionary<string, string>(r.Substitutions),
                Headers = r.Headers.Count == 0 ? null : r.Headers.ToDictionary(h => h.Key, h => MailText.HeaderSafe(h.Value)),
                CustomArgs = new Dictionary<string, string> { ["notificationId"] = r.NotificationId },
            }).ToList(),
        };
        mail.AddCategory(message.Kind);
        if (settings.SandboxMode) mail.SetSandBoxMode(true);
        return mail;
    }

    private TimeSpan? RetryAfter(Response response)
    {
        var now = clock.GetUtcNow();
        if (response.Headers.RetryAfter is { } ra)
        {
            if (ra.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            if (ra.Date is { } date) return date > now ? date - now : TimeSpan.Zero;
        }
        // SendGrid's rate limiter announces the reset instant (epoch seconds) instead.
        if (response.Headers.TryGetValues("X-RateLimit-Reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            var reset = DateTimeOffset.FromUnixTimeSeconds(epoch);
            return reset > now ? reset - now : TimeSpan.Zero;
        }
        return null;
    }

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(1000 * Math.Pow(2, attempt - 1) * (0.8 + 0.4 * Random.Shared.NextDouble()));

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, clock, cancellationToken);

    /// <summary>SendGrid's {"errors":[{"message","field"}]} shortened for the Error column (never logged).</summary>
    private static async Task<string> ErrorOf(Response response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string body;
        try
        {
            body = response.Body is null ? "" : await response.Body.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            body = "";
        }
        var parts = new List<string>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                foreach (var e in errors.EnumerateArray())
                {
                    var field = e.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() + ": " : "";
                    var text = e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    if (text is not null) parts.Add(field + text);
                }
        }
        catch (JsonException)
        {
        }
        var summary = $"{status} {(HttpStatusCode)status}" + (parts.Count > 0 ? ": " + string.Join("; ", parts) : "");
        return summary.Length <= 500 ? summary : summary[..500];
    }
}
