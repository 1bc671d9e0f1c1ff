using Pishkhan.Telemetry;

namespace Pishkhan.Bindings;

/// <summary>
/// What the Functions app's queue and timer adapters call: finds the handler in the binding table.
/// The local host's QueueListener and Scheduler call the same handlers directly.
/// </summary>
public sealed class Dispatch(IServiceProvider services)
{
    private static readonly Dictionary<string, QueueBinding> QueueBindings = BindingTable.Queues.ToDictionary(b => b.Function);
    private static readonly Dictionary<string, TimerBinding> TimerBindings = BindingTable.Timers.ToDictionary(b => b.Function);

    /// <summary>A queue message as the Functions runtime hands it over (base64 already decoded).</summary>
    public Task RunQueue(string function, string message, CancellationToken cancellationToken)
    {
        var binding = QueueBindings[function];
        return PishkhanTelemetry.TrackQueueMessageAsync(function, binding.Queue, messageId: null, attempt: null,
            () => binding.Handler(services, BinaryData.FromString(message), cancellationToken));
    }

    public Task RunTimer(string function, CancellationToken cancellationToken) =>
        PishkhanTelemetry.TrackTimerAsync(function, () => TimerBindings[function].Handler(services, cancellationToken));
}
