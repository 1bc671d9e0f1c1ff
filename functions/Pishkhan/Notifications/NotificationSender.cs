using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Digests;
using Pishkhan.Http;
using Pishkhan.Notifications.Templates;
using Pishkhan.PublicSite;
using Pishkhan.Telemetry;

namespace Pishkhan.Notifications;

/// <summary>
/// The "notifications" queue handler: sends one outbox row and records the provider's answer.
///
/// Exactly-once, as far as it can be had: a row is sent only by the delivery that claims it — an
/// ETag-guarded write pending → sending with a lease (<see cref="Lease"/>) and an attempt stamp — and the
/// answer is recorded with that ETag. A second delivery of the same message (at-least-once queues, or
/// two instances at once) either finds the row sent/failed and stops, or finds a live lease and puts the
/// message back until the lease ends, or loses the claim race (412) and re-reads.
///
/// THE REMAINING WINDOW is between the provider accepting the mail (202) and MarkSentAsync: a crash
/// there, or an answer lost on the wire (timeout, reset — <see cref="SendOutcome.Unknown"/>), leaves the
/// row "sending"; after the lease expires the next delivery claims it and sends again, so that mail can
/// arrive twice. SendGrid's mail send has no idempotency key, so this cannot be closed, only kept small:
/// the send is the last step before one single-row write (everything that can fail — rendering, lookups,
/// the claim — happens first); the HTTP timeout is bounded (<see cref="SendGridSettings.RequestTimeout"/>);
/// and the lease outlives the longest possible send (attempts × (timeout + longest honoured
/// Retry-After)), so a slow but live sender is never overtaken. The custom arg "notificationId" on every
/// personalization lets a duplicate be traced in SendGrid's activity feed.
///
/// SMS rows (<see cref="OutboxEntity.IsSms"/>) go through the same claim, lease and recording; between the
/// claim and the send, opt-out replies are read if due and the number is checked (opted out → skipped),
/// and the text is composed (<see cref="SmsComposer"/>). Kavenegar's sms/send has no idempotency key
/// either: the same window, kept small the same way (20 s timeout, 4 attempts, 30 s longest Retry-After).
/// </summary>
public sealed class NotificationSender(Outbox outbox, IMailTransport transport, MailComposer composer, ISmsTransport smsTransport,
    SmsComposer smsComposer, SmsOptOuts optOuts, TimeProvider clock, ILogger<NotificationSender> logger)
{
    /// <summary>4 × (20 s timeout + 30 s Retry-After) ≈ 200 s, plus margin.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A row claimed ahead (while the row before it was sent) whose lease has run this long before its own send gets a
    /// fresh lease first, so the lease still outlives its send however slow the send before it was. Normally the wait
    /// is one send (≈ 100 ms) and nothing is renewed.
    /// </summary>
    public static readonly TimeSpan RenewClaimAfter = TimeSpan.FromSeconds(30);

    /// <summary>Claims beyond this mark the row failed (a send that keeps crashing the handler).</summary>
    public const int MaxClaims = 8;

    /// <summary>The notifications queue's handler: the message is the outbox row's id.</summary>
    public Task Handle(BinaryData message, CancellationToken cancellationToken) => SendAsync(Parse(message), cancellationToken);

    /// <summary>The ids of the rows a message names (one, or up to <see cref="Outbox.MaxRowsPerMessage"/> for a grouped message).</summary>
    public static IEnumerable<string> ParseIds(BinaryData message) => Parse(message).Rows.Select(r => r.Id);

    /// <summary>
    /// The message: its id (32 lowercase hex) and, on a message queued right after the insert, the row and its ETag;
    /// a grouped message lists more rows of the same form in "more".
    /// </summary>
    public static NotificationMessage Parse(BinaryData message)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<NotificationMessage>(message.ToMemory().Span, Json.Options);
            if (parsed is not null && parsed.Rows.All(r => r.Id is { Length: 32 } id && id.All(char.IsAsciiHexDigitLower) && r.More is null)
                && parsed.Rows.Count <= Outbox.MaxRowsPerMessage) return parsed;
        }
        catch (JsonException)
        {
        }
        // Cannot succeed on any retry: the queue moves it to notifications-poison, which the digest reports.
        throw new FormatException("A notifications message is {\"id\": \"<32 hex>\"}.");
    }

    public Task SendAsync(string id, CancellationToken cancellationToken = default) => SendAsync(new NotificationMessage(id), cancellationToken);

    /// <summary>
    /// Sends every row the message names, one after another, so a delivery keeps one provider request at a time, as
    /// for a single row. The storage calls around the sends overlap them: the next row is claimed while this one is
    /// composed and sent, and this one's answer is recorded while the next is sent (the record still starts the moment
    /// the answer is in, so the window of the class comment is no wider). A row claimed ahead that waited longer than
    /// <see cref="RenewClaimAfter"/> (a slow send before it) renews its lease before it is sent. In the email bench
    /// (32 messages at once, 100 ms provider) the claim and record between two sends cost about 0.13 of the floor's
    /// rate: with them skipped the ratio was 0.87, against 0.71–0.75 before this and 0.77–0.86 after.
    /// A row that fails does not stop the others; then the first failure is thrown, so the queue delivers the message
    /// again and that delivery finds the other rows sent (their claims fail on the ETag, a read shows them sent: two
    /// calls each) and tries the failed ones again.
    /// </summary>
    public async Task SendAsync(NotificationMessage message, CancellationToken cancellationToken = default)
    {
        if (message.More is not { Count: > 0 })
        {
            await SendRowAsync(message, cancellationToken);
            return;
        }
        var rows = message.Rows;
        var claims = new Task<OutboxEntity?>[rows.Count];
        var records = new List<(string Id, Task Record)>(rows.Count);
        claims[0] = ClaimRowAsync(rows[0], cancellationToken);
        Exception? first = null;
        void Failed(string id, Exception e)
        {
            first ??= e;
            // The type, not the message: a provider's error text may echo the recipient.
            logger.LogWarning("Notification {NotificationId} of a grouped message failed ({Error}); the rest of the message goes on", id, e.GetType().Name);
        }
        for (var i = 0; i < rows.Count; i++)
        {
            if (i + 1 < rows.Count) claims[i + 1] = ClaimRowAsync(rows[i + 1], cancellationToken);
            try
            {
                using var activity = StartSendActivity(rows[i].Id);
                if (await claims[i] is { } entity && await StillOursAsync(entity, cancellationToken))
                    records.Add((entity.Id, await SendClaimedAsync(entity, activity, cancellationToken)));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Failed(rows[i].Id, e);
            }
        }
        foreach (var (id, record) in records)
        {
            try
            {
                await record;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Failed(id, e);
            }
        }
        if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
    }

    /// <summary>
    /// Storage calls for one email whose message carries its row: the claim and the record (two table writes);
    /// the listener then deletes the message (one queue call, shared by the rows of a grouped message). A message
    /// with the id only adds the read.
    /// </summary>
    private async Task SendRowAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        using var activity = StartSendActivity(message.Id);
        if (await ClaimRowAsync(message, cancellationToken) is { } entity) await await SendClaimedAsync(entity, activity, cancellationToken);
    }

    /// <summary>A row claimed ahead: renews its lease if it waited past <see cref="RenewClaimAfter"/>; false if it is no longer ours.</summary>
    private async Task<bool> StillOursAsync(OutboxEntity entity, CancellationToken cancellationToken)
    {
        if (entity.LeaseUntil is not { } until || until - clock.GetUtcNow() > Lease - RenewClaimAfter) return true;
        if (await outbox.TryRenewLeaseAsync(entity, Lease, cancellationToken)) return true;
        logger.LogWarning("Notification {NotificationId}: its lease ran out while the rows before it were sent; another delivery has it", entity.Id);
        return false;
    }

    private static System.Diagnostics.Activity? StartSendActivity(string id)
    {
        var activity = PishkhanTelemetry.Email.StartActivity("notification.send");
        activity?.SetTag("pishkhan.notification.id", id);
        return activity;
    }

    /// <summary>The row claimed for this delivery, or null when there is nothing (more) to do for it.</summary>
    private async Task<OutboxEntity?> ClaimRowAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        var queued = await outbox.TryClaimQueuedAsync(message, Lease, cancellationToken);
        return queued is { Claimed: true } ? queued.Row : await ClaimAsync(message.Id, queued, cancellationToken);
    }

    /// <summary>
    /// Sends a claimed row; returns when the provider has answered, with the recording of that answer (already
    /// started) as the task to await. SMS rows and rows that end before a send are recorded before it returns.
    /// </summary>
    private async Task<Task> SendClaimedAsync(OutboxEntity entity, System.Diagnostics.Activity? activity, CancellationToken cancellationToken)
    {
        activity?.SetTag("pishkhan.notification.kind", entity.Kind);
        activity?.SetTag("pishkhan.notification.channel", entity.IsSms ? "sms" : "email");
        if (entity.IsSms)
        {
            await SendSmsAsync(entity, cancellationToken);
            return Task.CompletedTask;
        }

        MailMessage mail;
        try
        {
            if (string.IsNullOrEmpty(entity.ToEmail))
            {
                await outbox.MarkSkippedAsync(entity, "No email address.", cancellationToken);
                return Task.CompletedTask;
            }
            mail = await composer.ComposeAsync(entity, cancellationToken);
        }
        catch (TemplateDataException e)
        {
            logger.LogWarning("Notification {NotificationId} ({Kind}) cannot be rendered: {Reason}", entity.Id, entity.Kind, e.Message);
            await outbox.MarkFailedAsync(entity, "template: " + e.Message, cancellationToken);
            PishkhanTelemetry.RecordNotification(sms: false, entity.Kind, 1, "template");
            return Task.CompletedTask;
        }

        var outcome = await transport.SendAsync(mail, cancellationToken);
        // ---- the remaining window: accepted by the provider, not yet recorded (see the class comment) ----
        return RecordAsync([entity], outcome, cancellationToken);
    }

    private async Task SendSmsAsync(OutboxEntity entity, CancellationToken cancellationToken)
    {
        SmsMessage sms;
        try
        {
            await optOuts.ReadRepliesIfDueAsync(cancellationToken);
            if (string.IsNullOrEmpty(entity.ToMobile) || await optOuts.IsOptedOutAsync(entity.ToMobile, cancellationToken))
            {
                await outbox.MarkSkippedAsync(entity, string.IsNullOrEmpty(entity.ToMobile) ? "No mobile number." : "The number opted out of SMS.", cancellationToken);
                logger.LogInformation("SMS notification {NotificationId} ({Kind}) skipped: no number or opted out", entity.Id, entity.Kind);
                return;
            }
            sms = await smsComposer.ComposeAsync(entity, cancellationToken);
            if (SmsSegments.Count(sms.Text) > SmsTexts.MaxSegments)
                logger.LogWarning("SMS notification {NotificationId} ({Kind}) takes {Segments} parts; is Pishkhan__PublicSiteUrl longer than {Max} characters?",
                    entity.Id, entity.Kind, SmsSegments.Count(sms.Text), SmsTexts.MaxSiteUrlLength);
        }
        catch (TemplateDataException e)
        {
            logger.LogWarning("SMS notification {NotificationId} ({Kind}) cannot be rendered: {Reason}", entity.Id, entity.Kind, e.Message);
            await outbox.MarkFailedAsync(entity, "template: " + e.Message, cancellationToken);
            PishkhanTelemetry.RecordNotification(sms: true, entity.Kind, 1, "template");
            return;
        }

        var outcome = await smsTransport.SendAsync(sms, cancellationToken);
        // ---- the remaining window: accepted by the provider, not yet recorded (see the class comment) ----
        await RecordAsync([entity], outcome, cancellationToken);
    }

    /// <summary>Records one send's outcome on each of its rows; throws when the queue should retry.</summary>
    public async Task RecordAsync(IReadOnlyList<OutboxEntity> claimed, SendOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case SendOutcome.Accepted accepted:
                await Task.WhenAll(claimed.Select(e => outbox.MarkSentAsync(e, accepted.MessageId, cancellationToken)));
                PishkhanTelemetry.RecordNotification(claimed[0].IsSms, claimed[0].Kind, claimed.Count, null);
                logger.LogInformation("Sent {Count} notification(s) of kind {Kind} by {Channel}, provider id {ProviderMessageId}",
                    claimed.Count, claimed[0].Kind, claimed[0].Channel ?? OutboxChannel.Email, accepted.MessageId);
                break;
            case SendOutcome.Rejected rejected:
                await Task.WhenAll(claimed.Select(e => outbox.MarkFailedAsync(e, rejected.Error, cancellationToken)));
                PishkhanTelemetry.RecordNotification(claimed[0].IsSms, claimed[0].Kind, claimed.Count, "provider");
                logger.LogWarning("Provider refused {Count} notification(s) of kind {Kind} with {Status}", claimed.Count, claimed[0].Kind, rejected.Status);
                break;
            case SendOutcome.Unavailable unavailable:
                // Not taken: give the rows back at once so the queue's retry (or the poison queue) decides.
                await Task.WhenAll(claimed.Select(e => outbox.ReleaseAsync(e, unavailable.Error, cancellationToken)));
                throw new MailUnavailableException($"{(claimed[0].IsSms ? "SMS" : "Mail")} provider unavailable ({unavailable.Status?.ToString(CultureInfo.InvariantCulture) ?? "no connection"}).", unavailable.RetryAfter);
            case SendOutcome.Unknown unknown:
                // Maybe accepted: keep the lease, so nobody resends before it expires.
                throw new MailUnavailableException($"{(claimed[0].IsSms ? "SMS" : "Mail")} provider answer unknown ({unknown.Error}); retried after the lease.", null);
        }
    }

    /// <summary>
    /// Reads the row and claims it; null when there is nothing (more) to do for this delivery. The path of a message
    /// without its row, and of one whose row changed since it was queued (its claim above lost to the ETag, which
    /// read the row as it is now: <paramref name="lost"/>).
    /// </summary>
    private async Task<OutboxEntity?> ClaimAsync(string id, ClaimResult? lost, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var entity = lost is null ? await outbox.GetAsync(id, cancellationToken) : lost.Row;
            if (entity is null)
            {
                logger.LogWarning("Notification {NotificationId} is not in the outbox; message dropped", id);
                return null;
            }
            var now = clock.GetUtcNow();
            if (entity.Status is OutboxStatus.Sent or OutboxStatus.Failed or OutboxStatus.Skipped) return null;
            if (!Outbox.IsClaimable(entity, now))
            {
                // Another delivery is sending it now. Look again once its lease is over, in case it dies.
                var wait = (entity.LeaseUntil ?? now) - now + TimeSpan.FromSeconds(5);
                await outbox.QueueAsync(id, wait, cancellationToken);
                return null;
            }
            if (entity.Attempts >= MaxClaims)
            {
                await outbox.MarkFailedAsync(entity, $"gave up after {entity.Attempts} attempts ({entity.Error})", cancellationToken);
                PishkhanTelemetry.RecordNotification(entity.IsSms, entity.Kind, 1, "attempts");
                return null;
            }
            if (entity.Status == OutboxStatus.Sending)
                logger.LogWarning("Notification {NotificationId}: lease of attempt {Attempt} expired; sending again (it may have been sent)", id, entity.Attempts);
            lost = await outbox.TryClaimAsync(entity, Lease, cancellationToken);
            if (lost.Claimed) return lost.Row;
        }
        throw new InvalidOperationException("Notification claim kept conflicting.");
    }
}

/// <summary>The provider did not take the mail now; the queue delivers the message again later.</summary>
public sealed class MailUnavailableException(string message, TimeSpan? retryAfter) : Exception(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>Turns an outbox row into a mail: its kind's template, or the digest snapshot for digests.</summary>
/// <remarks>Links to the public site's pages (track.html#code=…, rate.html#token=…: the token in the fragment, never in a
/// server log) start at <see cref="SiteLocation.SiteUrl"/>, the address the site is published to.</remarks>
public sealed class MailComposer(PishkhanSettings settings, DigestStore digests, UnsubscribeLinks unsubscribe, SiteLocation site)
{
    public TemplateContext Context { get; } = new(settings.PublicBaseUrl, site.SiteUrl);

    public async Task<MailMessage> ComposeAsync(OutboxEntity entity, CancellationToken cancellationToken)
    {
        var to = new MailAddress(entity.ToEmail!, entity.ToName);
        if (entity.Kind == NotificationKinds.Digest)
        {
            var data = entity.Data;
            if (!data.TryGetValue("province", out var province) || !data.TryGetValue("week", out var week)
                || !data.TryGetValue("scope", out var scope) || !data.TryGetValue("memberId", out var memberId))
                throw new TemplateDataException("digest: province, week, scope and memberId are required.");
            var doc = await digests.GetAsync(province, week, scope, cancellationToken)
                      ?? throw new TemplateDataException("digest: the snapshot of that week and scope is missing.");
            var rendered = DigestTemplate.Render(doc);
            return new MailMessage(entity.Kind, rendered.Subject, rendered.Html, rendered.Text,
                [unsubscribe.Recipient(entity.Id, to, province, memberId)]);
        }
        var mail = NotificationTemplates.Render(entity.Kind, entity.Data, entity.ToName, Context);
        return new MailMessage(entity.Kind, mail.Subject, mail.Html, mail.Text,
            [new MailRecipient(entity.Id, to, new Dictionary<string, string>(), new Dictionary<string, string>())]);
    }
}

/// <summary>Turns an SMS row into its text (<see cref="SmsTexts"/>); a rating invitation gets its short code recorded first.</summary>
public sealed class SmsComposer(SiteLocation site, RatingCodes ratingCodes)
{
    public async Task<SmsMessage> ComposeAsync(OutboxEntity entity, CancellationToken cancellationToken)
    {
        var data = entity.Data;
        string? code = null;
        if (entity.Kind == NotificationKinds.RequestCompleted && data.TryGetValue("ratingToken", out var token) && token.Length > 0)
            code = await ratingCodes.IssueAsync(token, cancellationToken);
        return new SmsMessage(entity.Id, entity.Kind, entity.ToMobile!, SmsTexts.Render(entity.Kind, data, site.SiteUrl, code));
    }
}
