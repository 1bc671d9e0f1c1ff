namespace Pishkhan.Local.Demo;

/// <summary>
/// The clock of the demo's private seeding host (DemoRunner): real time plus an offset. The demo moves the
/// offset into the previous Jalali month so its simulated month of requests, complaints and inspections lands
/// in that period's stats (and can be ranked), then sets it back to zero. The public host never has it.
/// </summary>
public sealed class DemoClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;

    /// <summary>Makes "now" the given instant (keeps running from there).</summary>
    public void Set(DateTimeOffset now) => Offset = now - System.GetUtcNow();
}
