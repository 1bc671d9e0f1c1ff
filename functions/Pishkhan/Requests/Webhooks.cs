using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Agencies;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Requests;

/// <summary>
/// Status callbacks to agencies. An admin sets the agency's webhookUrl (PUT /api/agencies/{id}) and
/// issues its signing secret (POST /api/agencies/{id}/webhook-secret, shown once; issuing again rotates
/// it). Each status change then queues a message on request-callbacks; the handler POSTs
/// <see cref="RequestCallback"/> JSON with
///   X-Pishkhan-Timestamp: unix seconds
///   X-Pishkhan-Signature: sha256=hex(HMAC-SHA256(UTF-8 secret, "{timestamp}.{body}"))
/// and fails on anything but 2xx, so the queue retries (5 attempts, then request-callbacks-poison).
/// Receivers should check the signature, reject old timestamps, and dedupe on eventId.
/// A target that is not a permitted address (<see cref="WebhookTargets"/>: https, public addresses only,
/// checked again at connect time) is a permanent failure: logged, recorded on the agency (webhookRefusal),
/// and not retried.
/// </summary>
public sealed class Webhooks(AgencyStore agencyStore, TimeProvider clock, ReferenceCache referenceCache, ILogger<CallbackSender> logger, RequestBook requestBook,
    CallbackSender callbackSender, WebhookTargets webhookTargets)
{
    public const string SignatureHeader = "X-Pishkhan-Signature";
    public const string TimestampHeader = "X-Pishkhan-Timestamp";
    public const string EventIdHeader = "X-Pishkhan-Event-Id";

    public static bool IsConfigured(AgencyEntity? agency) => agency is { WebhookUrl.Length: > 0, WebhookSecret.Length: > 0 };

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>POST /api/agencies/{agencyId}/webhook-secret (admin): issues a new secret and shows it once.</summary>
    public async Task<IResult> RotateSecret(ApiRequest request)
    {
        var agencyId = request.Code("agencyId");
        var ct = request.CancellationToken;
        var agency = await agencyStore.FindAsync(agencyId, ct);
        if (agency is null || !request.CanSee(new ResourceScope(agency.Province))) throw Problem.NotFound("agency");
        request.Demand(new ResourceScope(agency.Province));

        var secret = "whsec_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var saved = await agencyStore.Table.UpdateWithRetryAsync<AgencyEntity>(agency.Province, agencyId, current =>
        {
            if (current is null) return null;
            current.WebhookSecret = secret;
            current.WebhookSecretIssuedAt = now;
            return current;
        }, ct);
        if (saved?.WebhookSecret != secret) throw Problem.NotFound("agency");
        referenceCache.ForgetAgency(agencyId);
        return TypedResults.Ok(new WebhookSecretIssued(agencyId, secret, now, string.IsNullOrEmpty(saved.WebhookUrl) ? null : saved.WebhookUrl));
    }

    /// <summary>Queue handler of request-callbacks. Idempotent: a repeat POSTs the same eventId again.</summary>
    public async Task Send(BinaryData message, CancellationToken cancellationToken)
    {
        CallbackMessage? m;
        try
        {
            m = JsonSerializer.Deserialize<CallbackMessage>(message.ToString(), Json.Stored);
        }
        catch (JsonException)
        {
            m = null;
        }
        if (m is null || !RequestIds.TryParse(m.RequestId, out var key) || m.Seq < 0)
        {
            logger.LogWarning("Dropping a malformed request-callbacks message");
            return;
        }
        var row = await requestBook.FindAsync(key, cancellationToken);
        var history = row?.History();
        if (row is null || m.Seq >= history!.Count) return;
        // Read the agency fresh: a rotated secret or a removed URL applies to messages already queued.
        var agency = await agencyStore.FindAsync(row.AgencyId, cancellationToken);
        if (!IsConfigured(agency)) return;

        var entry = history[m.Seq];
        var statusThen = history.Take(m.Seq + 1).Last(h => RequestStatus.All.Contains(h.What)).What;
        var body = JsonSerializer.Serialize(new RequestCallback($"{row.RequestId}:{m.Seq}", row.RequestId, row.ExternalRef, row.OfficeCode,
            statusThen, entry.What, entry.At, row.DueAt, row.Breached), Json.Options);
        var url = new Uri(agency!.WebhookUrl!);
        HttpStatusCode status;
        try
        {
            // A URL stored before the rules (or under Development settings) is judged again here.
            if (webhookTargets.RefuseUrl(url) is { } refusal) throw new WebhookTargetRefusedException(refusal);
            status = await callbackSender.PostAsync(url, agency.WebhookSecret!, $"{row.RequestId}:{m.Seq}", body, cancellationToken);
        }
        catch (Exception e) when (Refusal(e) is { } refused)
        {
            logger.LogWarning("Webhook of agency {AgencyId} refused for request {RequestId}: {Reason}; not retried",
                row.AgencyId, row.RequestId, refused.Message);
            await RecordRefusalAsync(agency, refused.Message, cancellationToken);
            return;
        }
        if ((int)status is < 200 or > 299)
        {
            logger.LogWarning("Webhook of agency {AgencyId} answered {Status} for request {RequestId}; the queue retries",
                row.AgencyId, (int)status, row.RequestId);
            throw new HttpRequestException($"The webhook answered {(int)status}.", null, status);
        }
    }

    private static WebhookTargetRefusedException? Refusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is WebhookTargetRefusedException refused) return refused;
        return null;
    }

    private async Task RecordRefusalAsync(AgencyEntity agency, string reason, CancellationToken cancellationToken)
    {
        var text = $"{clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} {reason}";
        await agencyStore.Table.UpdateWithRetryAsync<AgencyEntity>(agency.Province, agency.AgencyId, current =>
        {
            // Only while the URL is the one refused: a URL saved meanwhile starts clean.
            if (current is null || current.WebhookUrl != agency.WebhookUrl) return null;
            current.WebhookRefusal = text;
            return current;
        }, cancellationToken);
    }
}

/// <summary>
/// The HTTP client of status callbacks: short timeout, no redirects (the admin-set URL is the only target),
/// no proxy, and every connection made by <see cref="WebhookTargets.ConnectAsync"/> (which refuses internal addresses).
/// </summary>
public sealed class CallbackSender(TimeProvider clock, WebhookTargets targets) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectCallback = targets.ConnectAsync,
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    public async Task<HttpStatusCode> PostAsync(Uri url, string secret, string eventId, string body, CancellationToken cancellationToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        message.Headers.Add(Webhooks.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add(Webhooks.SignatureHeader, Webhooks.Sign(secret, timestamp, body));
        message.Headers.Add(Webhooks.EventIdHeader, eventId);
        using var response = await _http.SendAsync(message, cancellationToken);
        return response.StatusCode;
    }

    public void Dispose() => _http.Dispose();
}
