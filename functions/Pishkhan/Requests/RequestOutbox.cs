using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Pishkhan.Bindings;
using Pishkhan.Http;
using Pishkhan.Notifications;
using Pishkhan.Storage;

namespace Pishkhan.Requests;

/// <summary>
/// Sends what a committed change left in its office's "~outbox_" rows: the citizen's completion message
/// (through <see cref="Outbox.EnqueueAsync"/>, idempotent by its cause) and the agency's status callback
/// (a message on request-callbacks), then deletes the rows. If sending fails the rows stay and the hourly
/// SLA sweep sends them; sending twice is harmless (the outbox dedupes by cause, receivers by eventId).
/// </summary>
public sealed class RequestOutbox(Store store, Committers committers, Outbox notifications, ILogger<RequestOutbox> logger)
{
    private readonly TableClient _table = store.Table(Tables.Requests);

    public async Task DispatchAsync(string officeCode, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        try
        {
            foreach (var row in rows) await SendAsync(row, CancellationToken.None);
            await committers.For(_table, officeCode).SubmitAsync(new DeleteUnit([.. rows.Select(r => r.RowKey)]), CancellationToken.None);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The change itself is committed; its messages go out with the next sweep.
            logger.LogWarning("Outbox dispatch for office {OfficeCode} failed ({Reason}); the SLA sweep retries", officeCode, e.GetType().Name);
        }
    }

    /// <summary>
    /// <see cref="DispatchAsync"/> without keeping the caller waiting (nor counting in its storage calls): the
    /// office's event answers after its one transaction. Failures are logged and left to the sweep, as above.
    /// </summary>
    public void DispatchInBackground(string officeCode, IReadOnlyList<OutboxRow> rows)
    {
        if (rows.Count > 0) _ = StorageCalls.RunDetached(() => DispatchAsync(officeCode, rows, CancellationToken.None));
    }

    /// <summary>Sends every outbox row of the office (the sweep's catch-up).</summary>
    public async Task DispatchLeftoversAsync(string officeCode, IEnumerable<TableEntity> bookkeeping, CancellationToken cancellationToken)
    {
        var keys = bookkeeping.Where(e => e.RowKey.StartsWith(RequestIds.OutboxPrefix, StringComparison.Ordinal)).Select(e => e.RowKey).ToList();
        if (keys.Count == 0) return;
        var rows = await Task.WhenAll(keys.Select(k => _table.GetOrNullAsync<OutboxRow>(officeCode, k, cancellationToken)));
        await DispatchAsync(officeCode, rows.OfType<OutboxRow>().ToList(), cancellationToken);
    }

    private async Task SendAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        switch (row.Kind)
        {
            case OutboxKinds.Notification:
                await notifications.EnqueueAsync(JsonSerializer.Deserialize<NotificationRequest>(row.PayloadJson, Json.Stored)!, cancellationToken);
                break;
            case OutboxKinds.Callback:
                await store.Queue(QueueNames.RequestCallbacks).SendMessageAsync(BinaryData.FromString(row.PayloadJson), cancellationToken: cancellationToken);
                break;
        }
    }
}
