using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using Pishkhan.Bindings;
using Pishkhan.Storage;
using Pishkhan.Telemetry;

namespace Pishkhan.Local;

/// <summary>Mirrors host.json extensions.queues (the Functions defaults, with 2 s polling locally).</summary>
public sealed class QueueListenerOptions
{
    public int BatchSize { get; set; } = 32;
    /// <summary>
    /// The next batch is fetched as soon as no more than this many messages are still being handled (the
    /// Functions host's newBatchThreshold, whose default on one instance is BatchSize / 2): a slow message does not
    /// hold back the rest, and up to BatchSize + this many run at once. Null: BatchSize / 2.
    /// </summary>
    public int? NewBatchThreshold { get; set; }
    public int MaxDequeueCount { get; set; } = 5;
    /// <summary>Delay before a failed message becomes visible again.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long a message being processed stays invisible to other listeners.</summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MinPollingInterval { get; set; } = TimeSpan.FromMilliseconds(100);
    /// <summary>
    /// Test mode for at-least-once delivery (default 1 = off). With N &gt; 1 every message is handled N times at once
    /// (racing duplicates: a lease expired while the first delivery still ran) and then N − 1 more times one after
    /// another (late duplicates: a redelivery after the message was handled but its delete was lost). Handlers must
    /// come out the same as with one delivery; the reliability suite runs a full scenario with 2.
    /// </summary>
    public int DeliverEachMessageTimes { get; set; } = 1;
}

public sealed record QueueListenerBindings(IReadOnlyList<QueueBinding> Bindings);

/// <summary>
/// Polls every bound queue with the Functions queue-trigger semantics: messages are base64 (the
/// client decodes), up to BatchSize are fetched at once and the next batch as soon as no more than
/// NewBatchThreshold are still running, a failure makes the message visible again
/// after VisibilityTimeout, and a message already dequeued MaxDequeueCount times moves to
/// "&lt;queue&gt;-poison" instead of running again. Polling backs off exponentially to
/// MaxPollingInterval while queues are empty.
/// </summary>
public sealed class QueueListener(Store store, QueueListenerBindings bindings, IOptions<QueueListenerOptions> options,
    ILogger<QueueListener> logger) : BackgroundService
{
    private readonly QueueListenerOptions _options = options.Value;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StorageCalls.Tally> _calls = new(StringComparer.Ordinal);

    /// <summary>
    /// The listener's own storage calls on <paramref name="queue"/> — fetches (empty polls too), deletes, visibility
    /// updates, poison moves — without its handler's, which each message's activity records. For the benchmarks.
    /// </summary>
    public StorageCalls.Tally? CallsOf(string queue) => _calls.GetValueOrDefault(queue);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(bindings.Bindings.Select(b => Task.Run(() => ListenAsync(b, stoppingToken), stoppingToken)));

    private async Task ListenAsync(QueueBinding binding, CancellationToken stoppingToken)
    {
        _calls[binding.Queue] = StorageCalls.Begin(); // a handler counts in its own tally (TrackQueueMessageAsync), not in this one
        var queue = store.Queue(binding.Queue);
        var poison = store.Queue(binding.Queue + "-poison");
        var delay = _options.MinPollingInterval;
        var threshold = _options.NewBatchThreshold ?? _options.BatchSize / 2;
        var inFlight = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                inFlight.RemoveAll(t => t.IsCompleted);
                if (inFlight.Count > threshold)
                {
                    await Task.WhenAny(inFlight);
                    continue;
                }
                QueueMessage[] messages = (await queue.ReceiveMessagesAsync(_options.BatchSize, _options.LeaseTime, stoppingToken)).Value;
                if (messages.Length == 0)
                {
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxPollingInterval.Ticks));
                    continue;
                }
                delay = _options.MinPollingInterval;
                inFlight.AddRange(messages.Select(m => HandleAsync(binding, queue, poison, m, stoppingToken)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Storage down: keep polling at the slowest rate until it is back.
                logger.LogWarning("Polling {Queue} failed: {Reason}", binding.Queue, e.GetType().Name);
                await Task.Delay(_options.MaxPollingInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        // Stopping: let the messages in hand finish or observe the cancellation (an unfinished one reappears later).
        await Task.WhenAll(inFlight).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    internal async Task HandleAsync(QueueBinding binding, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        if (message.DequeueCount > _options.MaxDequeueCount)
        {
            await MoveToPoisonAsync(binding, queue, poison, message, stoppingToken);
            return;
        }
        try
        {
            await PishkhanTelemetry.TrackQueueMessageAsync(binding.Function, binding.Queue, message.MessageId, message.DequeueCount,
                () => DeliverAsync(binding, message.Body, stoppingToken));
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "{Function} failed on message {MessageId} (attempt {Attempt})", binding.Function, message.MessageId, message.DequeueCount);
            if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(binding, queue, poison, message, stoppingToken);
                return;
            }
            try
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _options.VisibilityTimeout, cancellationToken: stoppingToken);
            }
            catch (Exception)
            {
                // The lease simply expires and the message reappears: same outcome, later.
            }
        }
    }

    private async Task DeliverAsync(QueueBinding binding, BinaryData body, CancellationToken stoppingToken)
    {
        var times = Math.Max(1, _options.DeliverEachMessageTimes);
        if (times == 1)
        {
            await binding.Handler(body, stoppingToken);
            return;
        }
        await Task.WhenAll(Enumerable.Range(0, times).Select(_ => Task.Run(() => binding.Handler(body, stoppingToken), stoppingToken)));
        for (var i = 1; i < times; i++) await binding.Handler(body, stoppingToken);
    }

    private async Task MoveToPoisonAsync(QueueBinding binding, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        // Send first, then delete: a crash in between leaves a duplicate in poison, never a loss.
        await poison.SendMessageAsync(message.Body, cancellationToken: stoppingToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
        PishkhanTelemetry.QueueMessagesPoisoned.Add(1, new("function", binding.Function), new("messaging.destination.name", binding.Queue));
        logger.LogError("{Function}: message {MessageId} moved to {Queue}-poison after {Attempts} attempts", binding.Function, message.MessageId, binding.Queue, message.DequeueCount);
    }
}
