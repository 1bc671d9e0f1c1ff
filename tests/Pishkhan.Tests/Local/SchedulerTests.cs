using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Bindings;
using Pishkhan.Local;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Local;

public sealed class SchedulerTests
{
    [Fact]
    public void SchedulesAreSixFieldNcrontabEvaluatedInUtc()
    {
        // Saturday 07:00 Tehran is 03:30 UTC; the schedule is written in UTC.
        var next = Scheduler.NextOccurrence("0 30 3 * * 6", new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 3, 30, 0, TimeSpan.Zero), next);
        Assert.Equal(TimeSpan.Zero, next.Offset);
    }

    [Fact]
    public void AFiveFieldScheduleIsRejected()
    {
        Assert.ThrowsAny<Exception>(() => Scheduler.Parse("30 3 * * 6"));
    }

    [Fact]
    public async Task FiresAtEachOccurrenceOfTheFakeClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
        var fired = new ConcurrentQueue<DateTimeOffset>();
        var timer = new TimerBinding("EveryHour", "0 0 * * * *", _ =>
        {
            fired.Enqueue(clock.GetUtcNow());
            return Task.CompletedTask;
        });
        await using var host = await TestHost.StartAsync(timers: [timer], queues: [],
            configure: b => b.Services.AddSingleton<TimeProvider>(clock));

        for (var hour = 1; hour <= 3; hour++)
        {
            await Task.Delay(100);
            clock.Advance(TimeSpan.FromHours(1));
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (fired.Count < hour && DateTime.UtcNow < deadline) await Task.Delay(20);
        }
        Assert.Equal(
            [new(2026, 11, 24, 11, 0, 0, TimeSpan.Zero), new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero), new(2026, 11, 24, 13, 0, 0, TimeSpan.Zero)],
            fired.ToArray());
    }

    [Fact]
    public async Task AFailingRunDoesNotStopLaterOccurrences()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
        var runs = 0;
        var timer = new TimerBinding("Flaky", "0 */10 * * * *", _ =>
            Interlocked.Increment(ref runs) == 1 ? throw new InvalidOperationException() : Task.CompletedTask);
        await using var host = await TestHost.StartAsync(timers: [timer], queues: [],
            configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        for (var i = 1; i <= 2; i++)
        {
            await Task.Delay(100);
            clock.Advance(TimeSpan.FromMinutes(10));
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (Volatile.Read(ref runs) < i && DateTime.UtcNow < deadline) await Task.Delay(20);
        }
        Assert.Equal(2, runs);
    }
}
