using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Pishkhan.Calendar;
using Pishkhan.Inspections;
using Pishkhan.Members;
using Pishkhan.Notifications;
using Pishkhan.Offices;
using Pishkhan.Problems;
using Pishkhan.Storage;
using Pishkhan.Text;

namespace Pishkhan.Sanctions;

/// <summary>
/// Proposals, decisions, objections and the sweep that puts confirmed sanctions into effect and ends them.
/// Every state change is an ETag transition on the sanction; the office's Status and ActiveSanctions are
/// recomputed from the office's sanctions (a set, not an increment), so repeating any step is harmless.
/// </summary>
public sealed class SanctionService(Store store, OfficeStore offices, PolicyStore policies, HolidayStore holidays, Outbox outbox,
    TimeProvider clock, ILogger<SanctionService> logger)
{
    private readonly Dictionary<string, (List<MemberEntity> Members, DateTimeOffset At)> _members = new();
    public TableClient Table { get; } = store.Table(Tables.Sanctions);
    public TableClient Timers { get; } = store.Table(Tables.SanctionTimers);

    public async Task<SanctionEntity?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        SanctionEntity.TryParseId(id, out var office, out var rk) ? await Table.GetOrNullAsync<SanctionEntity>(office, rk, cancellationToken) : null;

    public Task<List<SanctionEntity>> ListOfficeAsync(string officeCode, CancellationToken cancellationToken = default) =>
        Table.ListAsync<SanctionEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {officeCode}"), cancellationToken);

    /// <summary>
    /// The one proposal of an inspection: inserted under the inspection's key, so a second delivery finds the
    /// first (409) and returns it unchanged. Notifies the office and members (the outbox dedupes by cause).
    /// </summary>
    public async Task<SanctionEntity> ProposeAsync(InspectionEntity inspection, SanctionProposal proposal, InspectionOutcome outcome,
        CancellationToken cancellationToken)
    {
        var policy = await policies.SanctionAsync(inspection.Province, cancellationToken);
        var entity = new SanctionEntity
        {
            PartitionKey = inspection.OfficeCode, RowKey = inspection.RowKey, Province = inspection.Province, CountyCode = inspection.CountyCode,
            InspectionId = inspection.Id, Step = EnumText.Camel(proposal.Step), Severity = EnumText.Camel(proposal.Severity), PriorPoints = proposal.PriorPoints,
            Reason = ReasonFor(outcome), FineRials = proposal.Step == SanctionStep.Fine ? policy.FineRials : null,
            SuspensionDays = proposal.Step == SanctionStep.TemporarySuspension ? policy.SuspensionDays : null,
            RecordMonths = policy.RecordMonths, ProposedAt = clock.GetUtcNow(),
        };
        if (!await Table.TryAddAsync(entity, cancellationToken))
            entity = (await Table.GetOrNullAsync<SanctionEntity>(entity.PartitionKey, entity.RowKey, cancellationToken))!;
        await NotifyAsync(entity, inspection.OfficeName, inspection.OfficeEmail, NotificationKinds.SanctionProposed, $"sanction-proposed:{entity.Id}", cancellationToken);
        logger.LogInformation("Sanction {SanctionId} proposed: {Step}", entity.Id, entity.Step);
        return entity;
    }

    /// <summary>
    /// An admin confirms or overturns a proposed sanction, or decides on an office's objection. One ETag-guarded
    /// write of the sanction as the admin read it: if it changed meanwhile (another admin, the sweep, an
    /// objection) nothing is written and the caller gets 409 "changed concurrently; retry". The timer, the
    /// office's recount and the notifications follow only once the transition is stored.
    /// </summary>
    public async Task<SanctionEntity> DecideAsync(SanctionEntity sanction, SanctionDecision decision, string reason, string decidedBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var next = Copy(sanction);
        SanctionTimerEntity? timer = null;
        string? notifyCause = null;
        switch (sanction.Status, decision.Decision)
        {
            case (SanctionStatus.Proposed, SanctionDecisionKind.Overturn):
                next.Status = SanctionStatus.Overturned;
                (next.DecidedAt, next.DecidedBy, next.DecisionReason) = (now, decidedBy, reason);
                break;
            case (SanctionStatus.Proposed, SanctionDecisionKind.Confirm):
                var policy = await policies.SanctionAsync(sanction.Province, cancellationToken);
                var decisionDate = Tehran.DateOf(now);
                var calendar = await holidays.GetCalendarAsync(sanction.Province, cancellationToken);
                // The window is whole working days after the day of the decision; the sanction takes
                // effect at the start of the day after the last of them (Tehran time).
                var effectiveAt = policy.ObjectionWindowWorkingDays == 0
                    ? now
                    : Tehran.StartOfDayUtc(calendar.AddWorkingDays(decisionDate, policy.ObjectionWindowWorkingDays).AddDays(1));
                (next.DecidedAt, next.DecidedBy, next.DecisionReason) = (now, decidedBy, reason);
                next.EffectiveAt = effectiveAt;
                next.EndsAt = EndOf(next, effectiveAt);
                next.Status = SanctionStatus.Confirmed;
                timer = SanctionTimerEntity.For(effectiveAt, SanctionTimerEntity.EffectKind, sanction.Id);
                notifyCause = $"sanction-confirmed:{sanction.Id}";
                break;
            case (SanctionStatus.Objected, SanctionDecisionKind.Overturn):
                next.Status = SanctionStatus.Overturned;
                (next.FinalDecisionAt, next.FinalDecisionReason) = (now, reason);
                break;
            case (SanctionStatus.Objected, SanctionDecisionKind.Confirm):
                // The objection is rejected: the sanction takes effect now.
                next.Status = SanctionStatus.Effective;
                (next.FinalDecisionAt, next.FinalDecisionReason) = (now, reason);
                next.EffectiveAt = now;
                next.EndsAt = EndOf(next, now);
                if (next.EndsAt is { } ends) timer = SanctionTimerEntity.For(ends, SanctionTimerEntity.EndKind, sanction.Id);
                notifyCause = $"sanction-confirmed:{sanction.Id}:objection-rejected";
                break;
            default:
                throw Problem.Conflict($"The sanction is {sanction.StatusAt(now)}; only proposed or objected sanctions can be decided.");
        }
        if (!await ReplaceAsync(next, cancellationToken)) throw Problem.ChangedConcurrently("sanction");

        if (timer is not null) await Timers.TryAddAsync(timer, cancellationToken);
        if (next.Status == SanctionStatus.Confirmed && next.EffectiveAt <= now) next = await ApplyEffectAsync(next, cancellationToken) ?? next;
        if (next.Status == SanctionStatus.Effective) await ReconcileOfficeAsync(next.OfficeCode, liftSuspension: false, cancellationToken);
        if (notifyCause is not null && await offices.FindAsync(next.OfficeCode, cancellationToken) is var office)
            await NotifyAsync(next, office?.Name ?? next.OfficeCode, office?.Email, NotificationKinds.SanctionConfirmed, notifyCause, cancellationToken);
        logger.LogInformation("Sanction {SanctionId} decided: {Status}", next.Id, next.Status);
        return next;
    }

    /// <summary>The office objects to a confirmed sanction before its window closes; it then waits for an admin's final decision.</summary>
    public async Task<SanctionEntity> ObjectAsync(SanctionEntity sanction, string reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (sanction.Status != SanctionStatus.Confirmed || !(sanction.EffectiveAt > now))
            throw Problem.Conflict(sanction.Status == SanctionStatus.Objected
                ? "An objection was already filed."
                : "Objections are possible only while a confirmed sanction's objection window is open.");
        var next = Copy(sanction);
        next.Status = SanctionStatus.Objected;
        (next.ObjectedAt, next.ObjectionReason) = (now, reason);
        if (!await ReplaceAsync(next, cancellationToken)) throw Problem.ChangedConcurrently("sanction");
        return next;
    }

    /// <summary>
    /// Applies every timer due by now: confirmed sanctions whose window has passed take effect, effective ones
    /// whose term has passed end. Idempotent and safe to run on several instances at once.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await Timers.ListAsync<SanctionTimerEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {SanctionTimerEntity.Partition} and RowKey lt {now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}"), cancellationToken);
        foreach (var timer in due)
        {
            if (!await ApplyTimerAsync(timer, await FindAsync(timer.SanctionId, cancellationToken), now, cancellationToken))
            {
                logger.LogInformation("Sanction {SanctionId} changed concurrently; its timer stays for the next sweep", timer.SanctionId);
                continue;
            }
            try { await Timers.DeleteEntityAsync(timer.PartitionKey, timer.RowKey, timer.ETag, cancellationToken); }
            catch (Azure.RequestFailedException e) when (e.Status is 404 or 412) { }
        }
        return due.Count;
    }

    /// <summary>
    /// One due timer against the sanction as read. False when the sanction changed between the read and the
    /// ETag-guarded write: nothing was written and the timer must stay, so the next sweep reads it again.
    /// True when the timer is spent (applied now, applied before — the office is then recounted again, which
    /// is harmless — or no longer applicable).
    /// </summary>
    private async Task<bool> ApplyTimerAsync(SanctionTimerEntity timer, SanctionEntity? sanction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (sanction is null) return true;
        if (timer.Kind == SanctionTimerEntity.EffectKind)
        {
            if (sanction.Status == SanctionStatus.Confirmed && sanction.EffectiveAt <= now)
            {
                if (await ApplyEffectAsync(sanction, cancellationToken) is null) return false;
                await ReconcileOfficeAsync(sanction.OfficeCode, liftSuspension: false, cancellationToken);
            }
            else if (sanction.Status == SanctionStatus.Effective)
                await ReconcileOfficeAsync(sanction.OfficeCode, liftSuspension: false, cancellationToken);
        }
        else if (timer.Kind == SanctionTimerEntity.EndKind && sanction.EndsAt <= now)
        {
            if (sanction.Status == SanctionStatus.Effective && !await EndAsync(sanction, cancellationToken)) return false;
            // Lifting is also right when another instance ended it first: the recount decides.
            if (sanction.Status is SanctionStatus.Effective or SanctionStatus.Ended)
                await ReconcileOfficeAsync(sanction.OfficeCode, liftSuspension: sanction.StepValue == SanctionStep.TemporarySuspension, cancellationToken);
        }
        return true;
    }

    /// <summary>
    /// Writes a caller's transition (a decision, an objection) under the sanction's ETag; false when another writer
    /// came first. A 412 may also be this very write, stored but its answer lost to the network timeout (the storage
    /// client's retry met the ETag it had moved on): the stored row then has this write's id, and it counts as
    /// written, so its timer, recount and notifications still follow. (The sweep's own transitions keep the plain
    /// write: a sweep that loses leaves its timer for the next one.)
    /// </summary>
    private async Task<bool> ReplaceAsync(SanctionEntity next, CancellationToken cancellationToken)
    {
        next.WriteId = Guid.NewGuid().ToString("N");
        return (await Table.TryReplaceOwnAsync(next, stored => stored.WriteId == next.WriteId, cancellationToken)).Written;
    }

    /// <summary>Confirmed → effective under the ETag, then the end timer; null (nothing written) when it changed concurrently.</summary>
    private async Task<SanctionEntity?> ApplyEffectAsync(SanctionEntity sanction, CancellationToken cancellationToken)
    {
        var next = Copy(sanction);
        next.Status = SanctionStatus.Effective;
        if (!await Table.TryReplaceAsync(next, cancellationToken)) return null;
        if (next.EndsAt is { } ends) await Timers.TryAddAsync(SanctionTimerEntity.For(ends, SanctionTimerEntity.EndKind, sanction.Id), cancellationToken);
        return next;
    }

    /// <summary>Effective → ended under the ETag; false (nothing written) when it changed concurrently.</summary>
    private async Task<bool> EndAsync(SanctionEntity sanction, CancellationToken cancellationToken)
    {
        var next = Copy(sanction);
        next.Status = SanctionStatus.Ended;
        next.EndedAt = clock.GetUtcNow();
        return await Table.TryReplaceAsync(next, cancellationToken);
    }

    /// <summary>
    /// Sets the office's ActiveSanctions to the number of sanctions in force and its Status to suspended while
    /// a suspension is in force (so request routing, which takes active offices only, leaves it out). The
    /// status goes back to active only when a suspension ends (<paramref name="liftSuspension"/>), so an
    /// office an admin suspended by hand is never reinstated by a notice being recounted.
    /// </summary>
    public async Task ReconcileOfficeAsync(string officeCode, bool liftSuspension, CancellationToken cancellationToken)
    {
        var office = await offices.FindAsync(officeCode, cancellationToken);
        if (office is null) return;
        var now = clock.GetUtcNow();
        var sanctions = await ListOfficeAsync(officeCode, cancellationToken);
        var active = sanctions.Count(s => s.IsActiveAt(now));
        var suspended = sanctions.Any(s => s.IsActiveAt(now) && s.StepValue == SanctionStep.TemporarySuspension);
        await offices.Table.UpdateWithRetryAsync<OfficeEntity>(office.Province, officeCode, current =>
        {
            if (current is null) return null;
            var status = suspended && current.Status == OfficeStatus.Active ? OfficeStatus.Suspended
                : !suspended && liftSuspension && current.Status == OfficeStatus.Suspended ? OfficeStatus.Active
                : current.Status;
            if (current.ActiveSanctions == active && current.Status == status) return null;
            current.ActiveSanctions = active;
            current.Status = status;
            current.UpdatedAt = now;
            return current;
        }, cancellationToken);
        if (suspended) logger.LogInformation("Office {OfficeCode} suspended by a sanction", officeCode);
    }

    /// <summary>The office (its email) and the province's chair, secretary and the lead of the office's county.</summary>
    private async Task NotifyAsync(SanctionEntity sanction, string officeName, string? officeEmail, string kind, string cause, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string>
        {
            ["sanctionId"] = sanction.Id, ["officeCode"] = sanction.OfficeCode, ["officeName"] = officeName,
            ["step"] = sanction.Step, ["stepFa"] = SanctionLadder.PersianName(sanction.StepValue), ["reason"] = sanction.Reason,
            ["inspectionId"] = sanction.InspectionId ?? "",
        };
        if (sanction.FineRials is { } fine) data["fineRials"] = fine.ToString(CultureInfo.InvariantCulture);
        if (sanction.SuspensionDays is { } days) data["suspensionDays"] = days.ToString(CultureInfo.InvariantCulture);
        if (sanction.EffectiveAt is { } at)
        {
            data["effectiveOn"] = JalaliDate.Format(Tehran.DateOf(at));
            if (sanction.Status == SanctionStatus.Confirmed) data["objectionDeadline"] = JalaliDate.Format(Tehran.DateOf(at).AddDays(-1));
        }
        var recipients = new List<(string Email, string Name)>();
        if (officeEmail is { Length: > 0 }) recipients.Add((officeEmail, officeName));
        var members = await MembersAsync(sanction.Province, cancellationToken);
        recipients.AddRange(members
            .Where(m => m.Role is MemberRoles.Chair or MemberRoles.Secretary || (m.Role == MemberRoles.CountyLead && m.CountyCode == sanction.CountyCode))
            .Select(m => (m.Email, m.Name)));
        await Task.WhenAll(recipients.Select(r =>
            outbox.EnqueueAsync(new NotificationRequest(cause, kind, sanction.Province, r.Email, null, r.Name, data), cancellationToken)));
    }

    /// <summary>A province's members, cached for 30 s per instance: a burst of proposals reads them once.</summary>
    private async Task<List<MemberEntity>> MembersAsync(string province, CancellationToken cancellationToken)
    {
        lock (_members)
            if (_members.TryGetValue(province, out var hit) && clock.GetUtcNow() - hit.At < TimeSpan.FromSeconds(30)) return hit.Members;
        var members = await store.Table(Tables.Members).ListAsync<MemberEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {province}"), cancellationToken);
        lock (_members) _members[province] = (members, clock.GetUtcNow());
        return members;
    }

    private static DateTimeOffset? EndOf(SanctionEntity s, DateTimeOffset effectiveAt) => s.StepValue switch
    {
        SanctionStep.TemporarySuspension => effectiveAt.AddDays(s.SuspensionDays ?? 30),
        SanctionStep.LicenceRevocationReferral => null, // in force until the licensing authority decides
        _ => effectiveAt.AddMonths(s.RecordMonths),
    };

    private static string ReasonFor(InspectionOutcome outcome)
    {
        var items = string.Join("؛ ", outcome.Violations.Select(v => v.Critical ? v.Text + " (بحرانی)" : v.Text));
        var text = $"تخلفات بازرسی: {items}";
        return text.Length > 2000 ? text[..2000] : text;
    }

    private static SanctionEntity Copy(SanctionEntity e) => new()
    {
        PartitionKey = e.PartitionKey, RowKey = e.RowKey, ETag = e.ETag, Province = e.Province, CountyCode = e.CountyCode, InspectionId = e.InspectionId,
        Step = e.Step, Severity = e.Severity, PriorPoints = e.PriorPoints, Reason = e.Reason, FineRials = e.FineRials, SuspensionDays = e.SuspensionDays,
        RecordMonths = e.RecordMonths, Status = e.Status, ProposedAt = e.ProposedAt, DecidedAt = e.DecidedAt, DecidedBy = e.DecidedBy,
        DecisionReason = e.DecisionReason, EffectiveAt = e.EffectiveAt, EndsAt = e.EndsAt, ObjectedAt = e.ObjectedAt, ObjectionReason = e.ObjectionReason,
        FinalDecisionAt = e.FinalDecisionAt, FinalDecisionReason = e.FinalDecisionReason, EndedAt = e.EndedAt,
    };
}
