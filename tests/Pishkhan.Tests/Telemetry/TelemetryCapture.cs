using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Pishkhan.Tests.Telemetry;

/// <summary>Everything a log entry carries: category, rendered message, structured fields, scopes and exception.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> Fields,
    IReadOnlyList<string> Scopes, string? Exception)
{
    public string Text => string.Join("\n", new[] { Category, Message, Exception ?? "" }
        .Concat(Fields.Select(f => $"{f.Key}={f.Value}")).Concat(Scopes));
}

/// <summary>An ILoggerProvider that keeps every entry of the host, at whatever level the host is configured for.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            var scopes = new List<string>();
            owner._scopes.ForEachScope((scope, list) =>
            {
                list.Add(scope?.ToString() ?? "");
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs) list.AddRange(pairs.Select(p => $"{p.Key}={p.Value}"));
            }, scopes);
            owner._entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), [.. fields], scopes, exception?.ToString()));
        }
    }
}

/// <summary>Activities of the app's sources (and ASP.NET Core's, which carry the caller's trace id), as they stop.</summary>
public sealed class ActivityCapture : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public ActivityCapture()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name.StartsWith("Pishkhan.", StringComparison.Ordinal) || s.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _stopped.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    /// <summary>The app's activities in one trace (a test starts a root activity; HttpClient propagates it).</summary>
    public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId, string source) =>
        Stopped.Where(a => a.TraceId == traceId && a.Source.Name == source).ToList();

    public static string TextOf(Activity a) => string.Join("\n", new[] { a.DisplayName, a.OperationName, a.StatusDescription ?? "" }
        .Concat(a.TagObjects.Select(t => $"{t.Key}={t.Value}"))
        .Concat(a.Baggage.Select(b => $"{b.Key}={b.Value}"))
        .Concat(a.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}"))));

    public void Dispose() => _listener.Dispose();
}

public sealed record CapturedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>Measurements of the Pishkhan meter.</summary>
public sealed class MetricCapture : IDisposable
{
    private readonly ConcurrentQueue<CapturedMeasurement> _measurements = new();
    private readonly MeterListener _listener = new();

    public MetricCapture()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Pishkhan.Telemetry.PishkhanTelemetry.Meter.Name) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public IReadOnlyList<CapturedMeasurement> Measurements => [.. _measurements];

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var t in tags) copy[t.Key] = t.Value;
        _measurements.Enqueue(new CapturedMeasurement(instrument.Name, value, copy));
    }

    public void Dispose() => _listener.Dispose();
}
