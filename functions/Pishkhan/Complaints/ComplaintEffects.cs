using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Inspections;
using Pishkhan.Notifications;
using Pishkhan.Offices;
using Pishkhan.Problems;
using Pishkhan.Stats;
using Pishkhan.Storage;

namespace Pishkhan.Complaints;

/// <summary>
/// What follows a transition: office statistics, the office's open-complaint count, notifications to the
/// complainant and targeted-inspection requests. Every effect is idempotent (stats by event id through
/// <see cref="OfficeStatsStore.ApplyOnceAsync"/>, notifications by cause through the outbox, inspection
/// requests by a deterministic row key, the open count by recounting), so running the effects of a version
/// twice — a retry, the deadline timer's repair pass, two instances at once — changes nothing. A complaint
/// remembers the last version whose effects completed (<see cref="ComplaintEntity.EffectsDoneVersion"/>);
/// the timer re-runs those left pending by a crash or a storage outage.
/// </summary>
public sealed class ComplaintEffects(ComplaintStore complaints, OfficeStatsStore stats, OfficeStore offices, Outbox outbox, Store store,
    ComplaintPolicy policy, HolidayStore holidays, ILogger<ComplaintEffects> logger)
{
    public const string SystemKeyId = "system";
    private readonly TableClient _inspectionRequests = store.Table(Tables.InspectionRequests);

    /// <summary>Runs the effects of every timeline entry newer than the last completed version, then marks them done.</summary>
    public async Task RunAsync(ComplaintEntity e, CancellationToken cancellationToken)
    {
        if (e.EffectsDoneVersion >= e.Version && !e.EffectsPending) return;
        var pending = e.Timeline.Where(t => t.Version > e.EffectsDoneVersion).ToList();
        ComplaintContactEntity? contact = null;
        async Task<ComplaintContactEntity?> Contact() =>
            contact ??= e.Contactable
                ? await complaints.ReadContactAsync(e.TrackingCode, SystemKeyId, SystemKeyId, AccessPurpose.Notification, cancellationToken)
                : null;

        foreach (var entry in pending)
        {
            switch (entry.Type)
            {
                case ComplaintEvents.Filed:
                    await stats.ApplyOnceAsync(JalaliPeriod.Containing(e.FiledAt).ToString(), e.OfficeCode, e.Province, e.CountyCode,
                        $"complaint-received:{e.TrackingCode}", s => s.ComplaintsReceived++, cancellationToken);
                    if (e.Contactable) await NotifyAsync(e, await Contact(), $"complaint-received:{e.TrackingCode}", NotificationKinds.ComplaintReceived, new()
                    {
                        ["dueDate"] = e.Stage1DueDate,
                        ["dueDateJalali"] = JalaliDate.Format(ComplaintRules.ParseDate(e.Stage1DueDate)),
                    }, cancellationToken);
                    break;
                case ComplaintEvents.Decided:
                    await CountDecisionAsync(e, entry, cancellationToken);
                    if (e.Contactable) await NotifyAsync(e, await Contact(), $"complaint-decided:{e.TrackingCode}:{entry.Stage}", NotificationKinds.ComplaintDecided,
                        DecisionData(e, entry), cancellationToken);
                    if (ComplaintOutcome.IsUpheld(entry.Outcome)) await RaiseInspectionRequestsAsync(e, entry.At, cancellationToken);
                    break;
                case ComplaintEvents.Extended:
                    if (e.Contactable) await NotifyAsync(e, await Contact(), $"complaint-extended:{e.TrackingCode}:{entry.Stage}:{entry.Version}", NotificationKinds.ComplaintExtended, new()
                    {
                        ["newDueDate"] = entry.DueDate!,
                        ["newDueDateJalali"] = JalaliDate.Format(ComplaintRules.ParseDate(entry.DueDate!)),
                        ["reason"] = entry.Reason ?? "",
                    }, cancellationToken);
                    break;
            }
        }
        await RecountOpenAsync(e.OfficeCode, e.Province, cancellationToken);
        await MarkDoneAsync(e, e.Version, cancellationToken);
        await complaints.EffectsDoneAsync(e, cancellationToken);
    }

    /// <summary>
    /// Decided and upheld counts go to the period of the stage-1 decision, so a period's counts describe the
    /// complaints decided in it: a stage-2 decision that changes upheld-ness corrects that period (+1 or −1)
    /// rather than adding to the current one. Withdrawals are not decisions and are not counted.
    /// </summary>
    private async Task CountDecisionAsync(ComplaintEntity e, ComplaintEvent entry, CancellationToken cancellationToken)
    {
        if (entry.Outcome is null or ComplaintOutcome.Withdrawn || e.DecisionPeriod is null) return;
        if (entry.Stage == 1)
        {
            var days = ComplaintRules.DecisionWorkingDays(e, await holidays.GetCalendarAsync(e.Province, cancellationToken));
            var upheld = ComplaintOutcome.IsUpheld(entry.Outcome);
            await stats.ApplyOnceAsync(e.DecisionPeriod, e.OfficeCode, e.Province, e.CountyCode, $"complaint-decided:{e.TrackingCode}", s =>
            {
                s.ComplaintsDecided++;
                if (upheld) s.ComplaintsUpheld++;
                s.ComplaintDecisionDaysHistogram = Histogram.Add(s.ComplaintDecisionDaysHistogram, days);
            }, cancellationToken);
            return;
        }
        var before = ComplaintOutcome.IsUpheld(e.Stage1Outcome);
        var after = ComplaintOutcome.IsUpheld(entry.Outcome);
        if (after && !before)
            await stats.ApplyOnceAsync(e.DecisionPeriod, e.OfficeCode, e.Province, e.CountyCode, $"complaint-upheld:{e.TrackingCode}", s => s.ComplaintsUpheld++, cancellationToken);
        else if (before && !after)
            await stats.ApplyOnceAsync(e.DecisionPeriod, e.OfficeCode, e.Province, e.CountyCode, $"complaint-upheld-reversed:{e.TrackingCode}", s => s.ComplaintsUpheld--, cancellationToken);
    }

    /// <summary>
    /// The escalation rule: an upheld complaint in a critical category, or <see cref="ComplaintPolicy.UpheldThreshold"/>
    /// upheld complaints against one office within <see cref="ComplaintPolicy.UpheldWindowDays"/> days, asks the
    /// county team for a targeted inspection. Request ids come from the cause ("complaint-{code}",
    /// "upheld-{office}-{earliest code in the window}"), so a cause raises one request however often it is seen.
    /// </summary>
    private async Task RaiseInspectionRequestsAsync(ComplaintEntity e, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (policy.IsCritical(e.Category))
            await RaiseAsync(e, $"complaint-{e.TrackingCode}",
                $"Upheld complaint {e.TrackingCode} in the critical category {e.Category} ({ComplaintCategories.Get(e.Category).Fa}).", [e.TrackingCode], at, cancellationToken);

        var since = at.AddDays(-policy.UpheldWindowDays);
        var recent = new List<(string Code, DateTimeOffset UpheldAt)>();
        await foreach (var c in complaints.Complaints.QueryAsync<ComplaintEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {e.OfficeCode} and Upheld eq true and UpheldAt ge {since}"),
                           select: ["TrackingCode", "UpheldAt"], cancellationToken: cancellationToken))
            if (c.UpheldAt is { } u && u <= at) recent.Add((c.TrackingCode, u));
        if (recent.All(r => r.Code != e.TrackingCode)) recent.Add((e.TrackingCode, at));
        if (recent.Count < policy.UpheldThreshold) return;
        var ordered = recent.OrderBy(r => r.UpheldAt).ThenBy(r => r.Code, StringComparer.Ordinal).ToList();
        await RaiseAsync(e, $"upheld-{e.OfficeCode}-{ordered[0].Code}",
            $"{ordered.Count} upheld complaints against office {e.OfficeCode} within {policy.UpheldWindowDays} days (threshold {policy.UpheldThreshold}).",
            ordered.Select(r => r.Code).ToList(), at, cancellationToken);
    }

    private async Task RaiseAsync(ComplaintEntity e, string id, string reason, IReadOnlyList<string> codes, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var added = await _inspectionRequests.TryAddAsync(new InspectionRequestEntity
        {
            PartitionKey = e.CountyCode, RowKey = id, Province = e.Province, OfficeCode = e.OfficeCode, Kind = "complaint", Reason = reason,
            ComplaintIdsJson = JsonSerializer.Serialize(codes, Json.Options), CreatedAt = at,
        }, cancellationToken);
        // The request id holds a tracking code, which is not logged: the office and the rule are enough to find it.
        if (added) logger.LogInformation("Targeted inspection requested for office {OfficeCode} by rule {Rule}", e.OfficeCode, id.Split('-')[0]);
    }

    private static Dictionary<string, string> DecisionData(ComplaintEntity e, ComplaintEvent entry)
    {
        var stage1 = entry.Stage == 1;
        var data = new Dictionary<string, string>
        {
            ["stage"] = entry.Stage.ToString(CultureInfo.InvariantCulture),
            ["outcome"] = entry.Outcome!,
            ["outcomeFa"] = ComplaintOutcome.Fa(entry.Outcome!),
            ["reasons"] = (stage1 ? e.Stage1Reasons : e.Stage2Reasons) ?? "",
            ["remedy"] = (stage1 ? e.Stage1Remedy : e.Stage2Remedy) ?? "",
        };
        if (stage1 && e.EscalationDeadline is { } until)
        {
            data["escalationOpenUntil"] = until;
            data["escalationOpenUntilJalali"] = JalaliDate.Format(ComplaintRules.ParseDate(until));
        }
        return data;
    }

    private async Task NotifyAsync(ComplaintEntity e, ComplaintContactEntity? contact, string cause, string kind, Dictionary<string, string> data,
        CancellationToken cancellationToken)
    {
        if (contact is null || (contact.Email is null && contact.Mobile is null)) return;
        var category = ComplaintCategories.Get(e.Category);
        data["trackingCode"] = e.TrackingCode;
        data["category"] = e.Category;
        data["categoryFa"] = category.Fa;
        data["officeCode"] = e.OfficeCode;
        await outbox.EnqueueAsync(new NotificationRequest(cause, kind, e.Province, contact.Email, contact.Mobile, contact.Name, data), cancellationToken);
    }

    /// <summary>
    /// Sets Offices.OpenComplaints to a fresh count of the office's open complaints under the office row's
    /// ETag. The count is taken after the row is read, so whichever writer succeeds last counted after every
    /// transition before it: the column converges to the truth without per-event bookkeeping.
    /// </summary>
    public async Task RecountOpenAsync(string officeCode, string province, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var office = await offices.Table.GetOrNullAsync<OfficeEntity>(province, officeCode, cancellationToken);
            if (office is null) return;
            var open = 0;
            await foreach (var _ in complaints.Complaints.QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"PartitionKey eq {officeCode} and IsOpen eq true"), select: ["RowKey"], cancellationToken: cancellationToken))
                open++;
            if (office.OpenComplaints == open) return;
            office.OpenComplaints = open;
            if (await offices.Table.TryReplaceAsync(office, cancellationToken)) return;
            await Task.Delay(Random.Shared.Next(1, 5 + attempt * 5), cancellationToken);
        }
        // Left pending: the deadline timer runs the effects again.
        throw Problem.ChangedConcurrently("office's open-complaint count");
    }

    private Task MarkDoneAsync(ComplaintEntity e, int version, CancellationToken cancellationToken) =>
        complaints.Complaints.UpdateWithRetryAsync<ComplaintEntity>(e.PartitionKey, e.RowKey, current =>
        {
            if (current is null) return null;
            var done = Math.Max(current.EffectsDoneVersion, version);
            var pending = current.Version > done;
            if (done == current.EffectsDoneVersion && pending == current.EffectsPending) return null;
            current.EffectsDoneVersion = done;
            current.EffectsPending = pending;
            return current;
        }, cancellationToken);
}
