using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Members;
using Pishkhan.Notifications;
using Pishkhan.Notifications.Templates;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Digests;

/// <summary>POST /api/digests:send body (may be empty): the province; a provincial admin's own by default.</summary>
public sealed record SendDigestsRequest(string? Province = null);

/// <summary>
/// What one digest run did for a province: recipients with digests on; sent now; sent before (same
/// week: the id is per member per week); failed for good; waiting (the provider was unavailable or is
/// still answering — the notifications queue retries each of these alone).
/// </summary>
public sealed record DigestSendResult(string Province, string Week, int Recipients, int Sent, int AlreadySent, int Failed, int Waiting);

/// <summary>
/// The weekly digest: for each province, every member with Digest on gets the digest of their scope —
/// chair, secretary and members the province's, county leads their county's. One document is built per
/// scope and week (DigestStore), one outbox row is recorded per member and week (so a re-run never sends
/// twice), and the rows of a scope go out in SendGrid calls of up to 1,000 personalizations, each with the
/// member's own unsubscribe link. Every row also gets a notifications message, delayed by
/// <see cref="SafetyNetDelay"/>: if this run dies half-way, the queue sends what is left one by one; if
/// it did not, those messages find their rows sent and do nothing.
/// </summary>
public sealed class DigestJob(Store store, Outbox outbox, DigestBuilder builder, DigestStore snapshots, UnsubscribeLinks links,
    IMailTransport transport, NotificationSender sender, TimeProvider clock, ILogger<DigestJob> logger)
{
    public static readonly TimeSpan SafetyNetDelay = TimeSpan.FromMinutes(15);

    /// <summary>Members enqueued at once: enough to hide the round trips, few enough not to be throttled.</summary>
    private const int EnqueueParallelism = 16;

    /// <summary>POST /api/digests:send (admin): sends this week's digest of the province now; members who have it are skipped.</summary>
    public async Task<IResult> Send(ApiRequest request)
    {
        var body = request.Http.ContentLength is 0 or null && request.Http.ContentType is null
            ? new SendDigestsRequest()
            : await request.ReadJsonAsync<SendDigestsRequest>();
        var errors = new FieldErrors();
        var province = body.Province is null ? request.Caller.Province : errors.Province("province", body.Province);
        if (province is null && !errors.Has("province")) errors.Add("province", "The field is required (your key is not bound to a province).");
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!));
        if (!links.IsConfigured)
            throw Problem.Status(StatusCodes.Status503ServiceUnavailable, "Digests are not configured.", "Set Pishkhan__UnsubscribeSigningKey: every digest carries a signed unsubscribe link.");
        return TypedResults.Ok(await SendAsync(province!, request.CancellationToken));
    }

    public async Task RunAllAsync(CancellationToken cancellationToken)
    {
        if (!links.IsConfigured)
        {
            logger.LogError("Weekly digest not sent: Pishkhan:UnsubscribeSigningKey is not set");
            return;
        }
        foreach (var province in Provinces.Names.Keys.Order(StringComparer.Ordinal))
        {
            try
            {
                var r = await SendAsync(province, cancellationToken);
                if (r.Recipients > 0)
                    logger.LogInformation("Digest {Week} for {Province}: {Sent} sent, {AlreadySent} before, {Failed} failed, {Waiting} waiting",
                        r.Week, province, r.Sent, r.AlreadySent, r.Failed, r.Waiting);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // One province's trouble must not cost the others their digest; its rows are retried by the queue.
                logger.LogError(e, "Digest for {Province} failed", province);
            }
        }
    }

    public async Task<DigestSendResult> SendAsync(string province, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var weekStart = DigestBuilder.WeekStartOf(now);
        var week = JalaliDate.FormatAscii(weekStart);
        var members = (await store.Table(Tables.Members).ListAsync<MemberEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {province} and Digest eq {true}"), cancellationToken))
            .Where(m => !string.IsNullOrEmpty(m.Email)).ToList();
        int sent = 0, already = 0, failed = 0, waiting = 0;

        foreach (var group in members.GroupBy(ScopeCounty))
        {
            var scope = new DigestScope(province, group.Key, weekStart, now);
            var doc = await snapshots.GetOrAddAsync(province, week, scope.Key, () => builder.BuildAsync(scope, cancellationToken), cancellationToken);

            // Bounded: a province's members at once would be thousands of simultaneous storage calls (two per member),
            // which the storage account throttles and Azurite times out.
            var groupMembers = group.ToList();
            var rows = new (MemberEntity Member, OutboxEntity? Entity)[groupMembers.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, groupMembers.Count),
                new ParallelOptions { MaxDegreeOfParallelism = EnqueueParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
                {
                    var m = groupMembers[i];
                    // The row as stored comes back from the enqueue (insert + safety-net message: two calls), so it is not read again.
                    var (_, row) = await outbox.EnqueueRowAsync(new NotificationRequest($"digest:{province}:{week}:{m.MemberId}", NotificationKinds.Digest, province,
                        m.Email, null, m.Name, new Dictionary<string, string> { ["province"] = province, ["week"] = week, ["scope"] = scope.Key, ["memberId"] = m.MemberId }),
                        SafetyNetDelay, ct);
                    rows[i] = (m, row);
                });

            var claimed = new List<(MemberEntity Member, OutboxEntity Entity)>();
            foreach (var (member, entity) in rows)
            {
                if (entity is null) continue;
                if (entity.Status == OutboxStatus.Sent) already++;
                else if (entity.Status is OutboxStatus.Failed or OutboxStatus.Skipped) failed++;
                else if (Outbox.IsClaimable(entity, clock.GetUtcNow()) && (await outbox.TryClaimAsync(entity, NotificationSender.Lease, cancellationToken)).Claimed)
                    claimed.Add((member, entity));
                else waiting++; // another sender holds it
            }
            if (claimed.Count == 0) continue;

            var rendered = DigestTemplate.Render(doc);
            foreach (var chunk in claimed.Chunk(MailMessage.MaxRecipients))
            {
                var mail = new MailMessage(NotificationKinds.Digest, rendered.Subject, rendered.Html, rendered.Text,
                    chunk.Select(c => links.Recipient(c.Entity.Id, new MailAddress(c.Entity.ToEmail!, c.Entity.ToName), province, c.Member.MemberId)).ToList());
                var outcome = await transport.SendAsync(mail, cancellationToken);
                try
                {
                    await sender.RecordAsync(chunk.Select(c => c.Entity).ToList(), outcome, cancellationToken);
                    if (outcome is SendOutcome.Accepted) sent += chunk.Length;
                    else failed += chunk.Length;
                }
                catch (MailUnavailableException e)
                {
                    logger.LogWarning("Digest batch of {Count} for {Province} not taken: {Reason}; the queue retries each", chunk.Length, province, e.Message);
                    waiting += chunk.Length;
                }
            }
        }
        return new DigestSendResult(province, week, members.Count, sent, already, failed, waiting);
    }

    /// <summary>Null for the province's digest; the county for a county lead.</summary>
    public static string? ScopeCounty(MemberEntity member) =>
        member.Role == MemberRoles.CountyLead && !string.IsNullOrEmpty(member.CountyCode) ? member.CountyCode : null;
}
