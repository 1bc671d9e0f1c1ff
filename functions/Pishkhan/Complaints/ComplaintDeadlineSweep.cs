using Microsoft.Extensions.Logging;
using Pishkhan.Calendar;

namespace Pishkhan.Complaints;

/// <summary>
/// The complaint SLA timer (Schedules.ComplaintDeadlines, hourly): flags open complaints whose due date has
/// passed (timeline entry "overdue", column Overdue) and finishes side effects a crash or an outage left
/// pending. It reads only the ComplaintSweep rows that are due (two RowKey ranges of one partition) and point-reads
/// their complaints, never a filter of the Complaints table (README "Complaints", "The sweep's index"). Both
/// passes are idempotent, so a missed or doubled run does no harm. The digest reads
/// <see cref="ComplaintStore.ListOverdueAsync"/> / <see cref="ComplaintStore.CountOverdueAsync"/>, which
/// compute overdue from the due date and do not depend on this timer having run.
/// </summary>
public sealed class ComplaintDeadlineSweep(ComplaintStore complaintStore, ComplaintEffects complaintEffects, TimeProvider clock, ILoggerFactory loggerFactory)
{
    /// <summary>Effects still pending after this long were interrupted (a request finishes its own within seconds).</summary>
    public static readonly TimeSpan RepairAfter = TimeSpan.FromMinutes(2);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(ComplaintDeadlineSweep));
        var now = clock.GetUtcNow();
        await complaintStore.BackfillSweepOnceAsync(cancellationToken);

        var flagged = 0;
        foreach (var row in await complaintStore.DueBeforeAsync(ComplaintRules.Format(Tehran.DateOf(now)), cancellationToken))
        {
            try
            {
                // Runs again after a lost ETag race: only the last attempt's answer counts. Null: decided, extended or
                // already flagged since the row was written, so the row has served.
                var updated = await complaintStore.ChangeAsync(row.OfficeCode, row.ComplaintKey,
                    current => current is not null && ComplaintRules.MarkOverdue(current, now) ? current : null, cancellationToken);
                if (updated is not null)
                {
                    flagged++;
                    await complaintEffects.RunAsync(updated, cancellationToken);
                }
                await complaintStore.RemoveAsync(row, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Could not flag an overdue complaint of office {OfficeCode}: {Reason}", row.OfficeCode, ex.GetType().Name);
            }
        }

        var before = now - RepairAfter;
        var repaired = 0;
        foreach (var rows in (await complaintStore.PendingBeforeAsync(before, cancellationToken)).GroupBy(r => (r.OfficeCode, r.ComplaintKey)))
        {
            try
            {
                var e = await complaintStore.GetAsync(rows.Key.OfficeCode, rows.Key.ComplaintKey, cancellationToken);
                // A change newer than the cut-off has its own row and may still be running its effects in its request.
                if (e is not null && (e.EffectsPending || e.EffectsDoneVersion < e.Version) && e.UpdatedAt < before)
                {
                    await complaintEffects.RunAsync(e, cancellationToken);
                    repaired++;
                }
                foreach (var row in rows) await complaintStore.RemoveAsync(row, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Could not finish the effects of a complaint of office {OfficeCode}: {Reason}", rows.Key.OfficeCode, ex.GetType().Name);
            }
        }
        logger.LogInformation("Complaint deadlines: {Flagged} newly overdue, {Repaired} pending effects finished", flagged, repaired);
    }
}
