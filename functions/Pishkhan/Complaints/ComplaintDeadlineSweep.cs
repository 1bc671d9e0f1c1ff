using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pishkhan.Calendar;
using Pishkhan.Storage;

namespace Pishkhan.Complaints;

/// <summary>
/// The complaint SLA timer (Schedules.ComplaintDeadlines, hourly): flags open complaints whose due date has
/// passed (timeline entry "overdue", column Overdue) and finishes side effects a crash or an outage left
/// pending. Both passes are idempotent, so a missed or doubled run does no harm. The digest reads
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
        var today = ComplaintRules.Format(Tehran.DateOf(now));

        // A cross-partition query: open complaints are a small share of the table and the sweep runs hourly
        // (README "Complaints" has the figures).
        var late = await complaintStore.Complaints.ListAsync<ComplaintEntity>(
            TableClient.CreateQueryFilter($"IsOpen eq true and Overdue eq false and DueDate lt {today}"), cancellationToken);
        var flagged = 0;
        foreach (var e in late)
        {
            try
            {
                ComplaintEntity? updated = null;
                await complaintStore.Complaints.UpdateWithRetryAsync<ComplaintEntity>(e.PartitionKey, e.RowKey, current =>
                {
                    // Runs again after a lost ETag race: only the last attempt's answer counts.
                    updated = current is not null && ComplaintRules.MarkOverdue(current, now) ? current : null;
                    return updated;
                }, cancellationToken);
                if (updated is null) continue;
                flagged++;
                await complaintEffects.RunAsync(updated, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Could not flag an overdue complaint of office {OfficeCode}: {Reason}", e.OfficeCode, ex.GetType().Name);
            }
        }

        var pending = await complaintStore.Complaints.ListAsync<ComplaintEntity>(
            TableClient.CreateQueryFilter($"EffectsPending eq true and UpdatedAt lt {now - RepairAfter}"), cancellationToken);
        var repaired = 0;
        foreach (var e in pending)
        {
            try
            {
                await complaintEffects.RunAsync(e, cancellationToken);
                repaired++;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Could not finish the effects of a complaint of office {OfficeCode}: {Reason}", e.OfficeCode, ex.GetType().Name);
            }
        }
        logger.LogInformation("Complaint deadlines: {Flagged} newly overdue, {Repaired} pending effects finished", flagged, repaired);
    }
}
