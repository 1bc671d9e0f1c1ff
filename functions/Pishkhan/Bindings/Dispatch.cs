using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Telemetry;

namespace Pishkhan.Bindings;

/// <summary>
/// The composition root of the handlers: builds each handler's class from the container (its constructor
/// names what it touches) and picks the method its BindingTable row names. The Functions adapters and the
/// local host both run handlers through here, by function name.
/// </summary>
public sealed class Dispatch(IServiceProvider services, FunctionCatalog catalog)
{
    private readonly ConcurrentDictionary<string, Delegate> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _queues = catalog.Queues.ToDictionary(q => q.Function, q => q.Queue, StringComparer.Ordinal);

    public HttpHandler Http(string function) => Resolve(function, BindingTable.Http[function].Handler);

    public QueueHandler Queue(string function) => Resolve(function, BindingTable.Queues[function]);

    public TimerHandler Timer(string function) => Resolve(function, BindingTable.Timers[function]);

    /// <summary>A queue message as the Functions runtime hands it over (base64 already decoded).</summary>
    public Task RunQueue(string function, string message, string? messageId, long? attempt, CancellationToken cancellationToken) =>
        PishkhanTelemetry.TrackQueueMessageAsync(function, _queues[function], messageId, attempt,
            () => Queue(function)(BinaryData.FromString(message), cancellationToken));

    public Task RunTimer(string function, CancellationToken cancellationToken) =>
        PishkhanTelemetry.TrackTimerAsync(function, () => Timer(function)(cancellationToken));

    private TDelegate Resolve<TDelegate>(string function, HandlerMethod<TDelegate> method) where TDelegate : Delegate =>
        (TDelegate)_handlers.GetOrAdd(function, _ => method.Bind(services.GetRequiredService(method.Type)));
}
