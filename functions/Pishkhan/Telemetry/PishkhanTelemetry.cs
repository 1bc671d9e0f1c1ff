using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pishkhan.Telemetry;

/// <summary>
/// The app's OpenTelemetry instruments: one ActivitySource per capability and one Meter. Tags carry
/// function names, routes, queue names, roles and status codes — never a national ID, mobile, email,
/// name or free text (see README "Telemetry"; TelemetryTests proves it for a whole scenario).
/// </summary>
public static class PishkhanTelemetry
{
    public const string Prefix = "Pishkhan";

    /// <summary>Every HTTP route call (HttpGateway): one activity per call, named after the function.</summary>
    public static readonly ActivitySource Intake = new("Pishkhan.Intake");

    /// <summary>Queue messages (both hosts) and timer runs.</summary>
    public static readonly ActivitySource Queues = new("Pishkhan.Queues");

    /// <summary>Monthly ranking: one activity per province ranked and published (RankingJob), tags province and period.</summary>
    public static readonly ActivitySource Ranking = new("Pishkhan.Ranking");

    /// <summary>Sending notifications: one activity per outbox row sent (NotificationSender), tags kind, channel and outcome.</summary>
    public static readonly ActivitySource Email = new("Pishkhan.Email");

    public static readonly IReadOnlyList<ActivitySource> Sources = [Intake, Queues, Ranking, Email];

    public static readonly Meter Meter = new("Pishkhan");

    /// <summary>Tags: function, http.route, http.request.method, http.response.status_code.</summary>
    public static readonly Counter<long> RequestsHandled =
        Meter.CreateCounter<long>("pishkhan.http.requests", "{request}", "HTTP route calls handled, by function and status code.");

    public static readonly Histogram<double> RequestDuration =
        Meter.CreateHistogram<double>("pishkhan.http.request.duration", "s", "Time to answer an HTTP route call.");

    /// <summary>Tags: function, messaging.destination.name.</summary>
    public static readonly Counter<long> QueueMessagesProcessed =
        Meter.CreateCounter<long>("pishkhan.queue.messages.processed", "{message}", "Queue messages handled successfully.");

    public static readonly Counter<long> QueueMessagesFailed =
        Meter.CreateCounter<long>("pishkhan.queue.messages.failed", "{message}", "Queue message attempts that threw (the message is retried, then poisoned).");

    public static readonly Counter<long> QueueMessagesPoisoned =
        Meter.CreateCounter<long>("pishkhan.queue.messages.poisoned", "{message}", "Messages moved to <queue>-poison by the local host (the Functions runtime does it in Azure).");

    /// <summary>Tag: kind (the notification kind). Recorded by NotificationSender when the provider accepts.</summary>
    public static readonly Counter<long> EmailsSent =
        Meter.CreateCounter<long>("pishkhan.email.sent", "{email}", "Emails handed to the provider (or the local pickup folder).");

    /// <summary>Tags: kind, error.type (provider: refused; template: cannot be rendered; attempts: gave up after repeated claims).</summary>
    public static readonly Counter<long> EmailsFailed =
        Meter.CreateCounter<long>("pishkhan.email.failed", "{email}", "Emails that failed for good (refused by the provider, not renderable, or given up).");

    /// <summary>Tag: kind. The SMS equivalents of the two above.</summary>
    public static readonly Counter<long> SmsSent =
        Meter.CreateCounter<long>("pishkhan.sms.sent", "{sms}", "SMS handed to the provider (or the local pickup folder).");

    public static readonly Counter<long> SmsFailed =
        Meter.CreateCounter<long>("pishkhan.sms.failed", "{sms}", "SMS that failed for good (refused by the provider, not renderable, or given up).");

    /// <summary>Counts a notification outcome on the email or SMS counters, and marks the current activity with it.</summary>
    public static void RecordNotification(bool sms, string kind, int count, string? failure)
    {
        var tags = new TagList { { "kind", kind } };
        if (failure is not null) tags.Add("error.type", failure);
        var counter = sms ? failure is null ? SmsSent : SmsFailed : failure is null ? EmailsSent : EmailsFailed;
        counter.Add(count, tags);
        if (Activity.Current is { Source.Name: "Pishkhan.Email" } activity)
        {
            activity.SetTag("pishkhan.notification.outcome", failure is null ? "sent" : "failed");
            if (failure is not null)
            {
                activity.SetTag("error.type", failure);
                activity.SetStatus(ActivityStatusCode.Error, failure);
            }
        }
    }

    public static void RecordRequest(string function, string route, string method, int statusCode, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "function", function },
            { "http.route", route },
            { "http.request.method", method },
            { "http.response.status_code", statusCode },
        };
        RequestsHandled.Add(1, tags);
        RequestDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>
    /// Runs a queue handler inside a consumer activity and counts the outcome. Used by the Functions
    /// adapters (through Dispatch) and the local QueueListener, so both hosts report the same figures.
    /// </summary>
    public static async Task TrackQueueMessageAsync(string function, string queue, string? messageId, long? attempt, Func<Task> handler)
    {
        using var activity = Queues.StartActivity(function, ActivityKind.Consumer);
        var calls = Storage.StorageCalls.Begin();
        activity?.SetTag("function", function);
        activity?.SetTag("messaging.system", "azure_storage_queues");
        activity?.SetTag("messaging.destination.name", queue);
        if (messageId is not null) activity?.SetTag("messaging.message.id", messageId);
        if (attempt is not null) activity?.SetTag("messaging.delivery_count", attempt);
        var tags = new TagList { { "function", function }, { "messaging.destination.name", queue } };
        try
        {
            await handler();
            QueueMessagesProcessed.Add(1, tags);
            RecordStorageCalls(activity, function, calls);
        }
        catch (Exception e)
        {
            QueueMessagesFailed.Add(1, tags);
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
    }

    /// <summary>A timer run (or a delayed background run, such as an office's inspection counts flush) inside an activity (both hosts).</summary>
    public static async Task TrackTimerAsync(string function, Func<Task> handler)
    {
        using var activity = Queues.StartActivity(function, ActivityKind.Internal);
        var calls = Storage.StorageCalls.Begin();
        activity?.SetTag("function", function);
        try
        {
            await handler();
            RecordStorageCalls(activity, function, calls);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
    }

    /// <summary>Tags: function, storage.service (table, queue, blob). One point per operation: its round trips to storage.</summary>
    public static readonly Histogram<long> StorageCallsPerOperation =
        Meter.CreateHistogram<long>("pishkhan.storage.calls", "{call}", "Storage round trips made by one HTTP call, queue message or timer run.");

    /// <summary>Records an operation's storage calls on its activity (pishkhan.storage.calls.*) and in the histogram.</summary>
    public static void RecordStorageCalls(Activity? activity, string function, Storage.StorageCalls.Tally tally)
    {
        activity?.SetTag("pishkhan.storage.calls.table", tally.Table);
        activity?.SetTag("pishkhan.storage.calls.queue", tally.Queue);
        activity?.SetTag("pishkhan.storage.calls.blob", tally.Blob);
        StorageCallsPerOperation.Record(tally.Table, new("function", function), new("storage.service", "table"));
        StorageCallsPerOperation.Record(tally.Queue, new("function", function), new("storage.service", "queue"));
        StorageCallsPerOperation.Record(tally.Blob, new("function", function), new("storage.service", "blob"));
    }
}
