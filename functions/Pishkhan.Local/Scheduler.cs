using NCrontab;
using Pishkhan.Bindings;
using Pishkhan.Telemetry;

namespace Pishkhan.Local;

public sealed record SchedulerBindings(IReadOnlyList<TimerBinding> Bindings);

/// <summary>
/// Fires each timer binding at the occurrences of its six-field NCRONTAB schedule, evaluated in UTC as
/// the Functions runtime on Linux does. Time comes from TimeProvider so tests drive it with a fake clock.
/// Like the runtime, a failed run is logged and not retried; the next occurrence runs as usual.
/// </summary>
public sealed class Scheduler(SchedulerBindings bindings, TimeProvider clock, ILogger<Scheduler> logger) : BackgroundService
{
    public static CrontabSchedule Parse(string schedule) =>
        CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });

    /// <summary>The next occurrence strictly after <paramref name="after"/>, in UTC.</summary>
    public static DateTimeOffset NextOccurrence(string schedule, DateTimeOffset after) =>
        new(DateTime.SpecifyKind(Parse(schedule).GetNextOccurrence(after.UtcDateTime), DateTimeKind.Utc));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(bindings.Bindings.Select(b => RunAsync(b, stoppingToken)));

    private async Task RunAsync(TimerBinding binding, CancellationToken stoppingToken)
    {
        var next = NextOccurrence(binding.Schedule, clock.GetUtcNow());
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = next - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, clock, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
            try
            {
                await PishkhanTelemetry.TrackTimerAsync(binding.Function, () => binding.Handler(stoppingToken));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Timer {Function} failed; the next occurrence runs as scheduled", binding.Function);
            }
            next = NextOccurrence(binding.Schedule, next);
            if (next < clock.GetUtcNow()) next = NextOccurrence(binding.Schedule, clock.GetUtcNow());
        }
    }
}
