using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Notifications;
using Pishkhan.Offices;
using Pishkhan.Sanctions;
using Pishkhan.Storage;
using Pishkhan.Text;

namespace Pishkhan.Inspections;

/// <summary>
/// Handles a message of the "inspections" queue: scores the inspection, counts it in OfficeStats, proposes
/// the sanction, schedules the follow-up, closes the requests and follow-ups it answers, notifies the office,
/// and finally moves the inspection from queued to processed under its ETag.
///
/// Idempotency (at-least-once delivery, possibly two deliveries at once): the outcome is a pure function of
/// the inspection, its checklist version, the policies and the office's earlier inspections — "earlier"
/// meaning visited before AND posted before this one, a set that later posts cannot change — so every
/// delivery computes the same outcome. Each effect is keyed by the inspection id: the sanction, follow-up and
/// outbox rows by deterministic keys (insert → 409), request and follow-up closing by ETag transitions that do
/// nothing the second time. "processed" is written last, in one transaction with the OfficeStats counts
/// (<see cref="InspectionStats"/> moves them into OfficeStats about a second later, exactly once), so a crash
/// part-way leaves the message to be redelivered and the effects completed.
/// Storage calls (README "Processing cost"): 1 read (inspection + history), the effects, 1 transaction. A clean
/// inspection whose message carries its row (InspectionMessage, from the POST) reads nothing: its outcome needs no
/// history, and the row's ETag from the POST guards the "processed" write. If the row changed since (a redelivery after
/// the first delivery processed it), that write fails on the ETag and the row is read: the effects ran again, each
/// doing nothing the second time, and the counts are not written twice.
/// </summary>
public sealed class InspectionProcessor(InspectionStore inspections, ChecklistStore checklists, PolicyStore policies, HolidayStore holidays,
    InspectionStats stats, SanctionService sanctions, InspectionAgenda agenda, Outbox outbox, TimeProvider clock,
    ILogger<InspectionProcessor> logger)
{
    public async Task ProcessAsync(BinaryData message, CancellationToken cancellationToken = default)
    {
        // A malformed message or an unknown id throws: the queue retries it maxDequeueCount times, then moves
        // it to inspections-poison, where GET /api/poison/inspections lists it.
        var parsed = Parse(message);
        // A clean inspection as the POST inserted it needs no read; any other, one round trip: the inspection and its
        // office's history (the look-back's rows), one range of the partition.
        var (inspection, history) = parsed is { Row: { Violations: 0, Status: InspectionStatus.Queued } row, RowETag: { Length: > 0 } etag } && row.Id == parsed.Id
            ? (WithETag(row, etag), [])
            : await inspections.FindWithHistoryAsync(parsed.Id, cancellationToken)
              ?? throw new InvalidOperationException("The message names an inspection that does not exist.");
        System.Diagnostics.Activity.Current?.SetTag("pishkhan.inspection.id", inspection.Id); // which inspection a slow or failed run was
        if (inspection.Status == InspectionStatus.Processed)
        {
            // A redelivery: the first delivery may have stopped between "processed" and its counts' flush.
            stats.ScheduleFlush(inspection.OfficeCode);
            return;
        }

        var template = await checklists.GetAsync(inspection.Province, inspection.TemplateVersion, cancellationToken)
            ?? throw new InvalidOperationException("The inspection's checklist version does not exist.");
        var policy = await policies.InspectionAsync(inspection.Province, cancellationToken);
        var sanctionPolicy = await policies.SanctionAsync(inspection.Province, cancellationToken);
        var calendar = await holidays.GetCalendarAsync(inspection.Province, cancellationToken);
        // The counts are written with the "processed" transition (see MarkProcessedAsync).
        var score = InspectionScoring.Score(template, inspection.Items, policy.CriticalFailureScoreCap);
        // A clean inspection has no recurrences and proposes nothing: its history is not needed.
        var earlier = inspection.Violations == 0 ? [] : await EarlierAsync(inspection, history, Math.Max(policy.RecurrenceMonths, sanctionPolicy.LookbackMonths), cancellationToken);
        var evaluation = InspectionScoring.Evaluate(template, inspection.Items, inspection.VisitedAt, earlier, policy, sanctionPolicy, calendar);
        var outcome = evaluation.Outcome;

        // The effects are independent of one another: run them together.
        var sanctionTask = ProposeAsync(evaluation.Proposal);
        var effects = new List<Task> { sanctionTask };
        if (outcome.FollowUpDue is { } due) effects.Add(agenda.ScheduleFollowUpAsync(inspection, due, cancellationToken));
        if (inspection.Kind == InspectionType.FollowUp) effects.Add(agenda.CloseFollowUpsAsync(inspection, cancellationToken));
        if (inspection.Kind == InspectionType.Complaint) effects.Add(agenda.CloseRequestsAsync(inspection, cancellationToken));
        if (inspection.OfficeEmail is { Length: > 0 } email) effects.Add(NotifyOfficeAsync(inspection, outcome, email, cancellationToken));
        await Task.WhenAll(effects);

        async Task<SanctionEntity?> ProposeAsync(SanctionProposal? proposal) =>
            proposal is null ? null : await sanctions.ProposeAsync(inspection, proposal, outcome, cancellationToken);

        // The stored proposal is the record: after a race it is the first delivery's.
        var sanction = await sanctionTask;
        outcome = outcome with { SanctionId = sanction?.Id, SanctionStep = sanction?.StepValue };
        var counts = InspectionStatsDelta.For(inspection, score);
        // Counts another delivery wrote: the office's next flush queries its rows (an earlier flush may have been lost).
        stats.ScheduleFlush(inspection.OfficeCode, await MarkProcessedAsync(inspection, outcome, counts, cancellationToken) ? counts : null);
        logger.LogInformation("Inspection {InspectionId} scored {Score} with {Violations} violations", inspection.Id, outcome.Score, outcome.Violations.Count);
    }

    /// <summary>The inspection id a message names (FormatException when it names none).</summary>
    public static string ParseMessage(BinaryData message) => Parse(message).Id;

    private static InspectionEntity WithETag(InspectionEntity row, string etag)
    {
        row.ETag = new ETag(etag);
        return row;
    }

    private static InspectionMessage Parse(BinaryData message)
    {
        InspectionMessage? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<InspectionMessage>(message.ToMemory().Span, Json.Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException("The inspections message is not {\"id\": \"...\"}.", e);
        }
        return parsed is not null && InspectionIds.TryParse(parsed.Id, out _, out _)
            ? parsed
            : throw new FormatException("The inspections message has no valid inspection id.");
    }

    private static bool PostedBefore(InspectionEntity other, InspectionEntity self) =>
        other.CreatedAt < self.CreatedAt || (other.CreatedAt == self.CreatedAt && string.CompareOrdinal(other.RowKey, self.RowKey) < 0);

    /// <summary>
    /// The earlier inspections (visited and posted before this one) of the last <paramref name="months"/> months,
    /// taken from the rows read with the inspection; a look-back longer than those rows reach is read again.
    /// </summary>
    private async Task<List<EarlierInspection>> EarlierAsync(InspectionEntity inspection, List<InspectionEntity> read, int months, CancellationToken cancellationToken)
    {
        var from = inspection.VisitedAt.AddMonths(-months);
        var history = months <= InspectionStore.MaxHistoryMonths
            ? read.Where(h => string.CompareOrdinal(h.RowKey, InspectionIds.StampFloor(from) + "~") < 0).ToList()
            : await inspections.ListOfficeAsync(inspection.OfficeCode, from, inspection.VisitedAt, cancellationToken);
        return history
            .Where(h => h.RowKey != inspection.RowKey && h.VisitedAt < inspection.VisitedAt && PostedBefore(h, inspection))
            .Select(h => new EarlierInspection(h.VisitedAt, h.FailedCodes.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal),
                h.Violations, h.MajorViolations))
            .ToList();
    }

    private Task NotifyOfficeAsync(InspectionEntity inspection, InspectionOutcome outcome, string email, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string>
        {
            ["inspectionId"] = inspection.Id,
            ["officeCode"] = inspection.OfficeCode,
            ["officeName"] = inspection.OfficeName,
            ["type"] = inspection.Type,
            ["visitedOn"] = JalaliDate.Format(Tehran.DateOf(inspection.VisitedAt)),
            ["score"] = outcome.Score.ToString("0.#", CultureInfo.InvariantCulture),
            ["scoreFa"] = PersianText.ToPersianDigits(outcome.Score.ToString("0.#", CultureInfo.InvariantCulture)),
            ["violations"] = outcome.Violations.Count.ToString(CultureInfo.InvariantCulture),
            ["majorViolation"] = outcome.MajorViolation ? "true" : "false",
            ["correctiveActions"] = string.Join("\n", outcome.CorrectiveActions.Select(a => $"{a.Text} — مهلت: {JalaliDate.Format(a.DueDate)}")),
        };
        if (outcome.FollowUpDue is { } due) data["followUpOn"] = JalaliDate.Format(due);
        if (outcome.SanctionStep is { } step) data["proposedSanctionFa"] = SanctionLadder.PersianName(step);
        return outbox.EnqueueAsync(new NotificationRequest($"inspection-result:{inspection.Id}", NotificationKinds.InspectionResult, inspection.Province,
            email, null, inspection.OfficeName, data), cancellationToken);
    }

    /// <summary>
    /// queued → processed under the inspection's ETag, in one transaction with the row of its OfficeStats counts
    /// (<see cref="InspectionStatsDelta"/>): the counts exist exactly when the inspection is processed, and a
    /// second delivery, finding it processed, adds none. True when this call wrote them.
    /// </summary>
    private async Task<bool> MarkProcessedAsync(InspectionEntity inspection, InspectionOutcome outcome, InspectionStatsDelta counts, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (inspection.Status == InspectionStatus.Processed) return false;
            inspection.Status = InspectionStatus.Processed;
            inspection.ProcessedAt = clock.GetUtcNow();
            inspection.OutcomeJson = JsonSerializer.Serialize(outcome, Json.Options);
            try
            {
                await inspections.Table.SubmitTransactionAsync([
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, inspection, inspection.ETag),
                    new TableTransactionAction(TableTransactionActionType.Add, counts),
                ], cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // Another delivery got there first: it computed the same outcome (and wrote the counts).
            }
            inspection = await inspections.Table.GetOrNullAsync<InspectionEntity>(inspection.PartitionKey, inspection.RowKey, cancellationToken)
                ?? throw new InvalidOperationException("The inspection disappeared while being processed.");
        }
        throw new InvalidOperationException("Could not mark the inspection processed.");
    }
}
