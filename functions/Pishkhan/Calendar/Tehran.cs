namespace Pishkhan.Calendar;

// Times are stored in UTC; "which day is it?" is always asked in Tehran.
public static class Tehran
{
    public static TimeZoneInfo Zone { get; } = LoadZone();

    public static DateTimeOffset ToTehran(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(ToTehran(instant).DateTime);

    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOf(clock.GetUtcNow());
    }

    public static DateTimeOffset StartOfDayUtc(DateOnly tehranDate) => AtUtc(tehranDate, TimeOnly.MinValue);

    // The instant a Tehran wall-clock time occurs, with offset 0.
    public static DateTimeOffset AtUtc(DateOnly tehranDate, TimeOnly tehranTime)
    {
        var local = tehranDate.ToDateTime(tehranTime, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static TimeZoneInfo LoadZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Tehran");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // A slim container may lack tzdata. Iran abolished DST in 2022, so a fixed UTC+03:30 is
            // right for every date this app handles (only pre-2023 summer times would differ).
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Tehran", TimeSpan.FromMinutes(210), "Tehran", "Iran Standard Time");
        }
    }
}
