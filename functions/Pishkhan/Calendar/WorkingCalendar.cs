namespace Pishkhan.Calendar;

// Working days and hours for SLA deadlines. Holidays are data (admins add the lunar ones), so the
// calendar is built from whatever list is current and is immutable afterwards.
public sealed class WorkingCalendar
{
    // A guard against a calendar with no working time at all (e.g. every day a holiday):
    // no deadline is more than a few years of days away.
    private const int MaxDaysScanned = 366 * 10;

    private readonly HashSet<DateOnly> _holidays;

    public WorkingCalendar(IEnumerable<DateOnly> holidays, WorkingHours hours)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        ArgumentNullException.ThrowIfNull(hours);
        // Windows must stay inside one day, or "the day's window" would be ambiguous.
        var dayStart = hours.DayStart.ToTimeSpan().TotalHours;
        if (!(hours.FullDayHours > 0 && dayStart + hours.FullDayHours <= 24))
            throw new ArgumentOutOfRangeException(nameof(hours), "FullDayHours must be positive and end by midnight.");
        if (!(hours.ThursdayHours >= 0 && dayStart + hours.ThursdayHours <= 24))
            throw new ArgumentOutOfRangeException(nameof(hours), "ThursdayHours must be zero or more and end by midnight.");

        _holidays = [.. holidays];
        Hours = hours;
    }

    public WorkingHours Hours { get; }

    public bool IsHoliday(DateOnly date) => _holidays.Contains(date);

    public bool IsWorkingDay(DateOnly date) => !IsHoliday(date) && Hours.HoursOn(date.DayOfWeek) > 0;

    public DateOnly AddWorkingDays(DateOnly from, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var date = from;
        for (var scanned = 0; days > 0; scanned++)
        {
            if (scanned > MaxDaysScanned) throw NoWorkingTime();
            date = date.AddDays(1);
            if (IsWorkingDay(date)) days--;
        }
        return date;
    }

    public int WorkingDaysBetween(DateOnly fromExclusive, DateOnly toInclusive)
    {
        var count = 0;
        for (var d = fromExclusive.AddDays(1); d <= toInclusive; d = d.AddDays(1))
            if (IsWorkingDay(d)) count++;
        return count;
    }

    public DateTimeOffset AddWorkingHours(DateTimeOffset start, double hours)
    {
        if (!(hours >= 0) || double.IsInfinity(hours)) throw new ArgumentOutOfRangeException(nameof(hours), hours, "Hours must be a finite non-negative number.");

        var remaining = TimeSpan.FromHours(hours);
        var now = start.ToUniversalTime();
        var date = Tehran.DateOf(now);
        for (var scanned = 0; scanned <= MaxDaysScanned; scanned++, date = date.AddDays(1))
        {
            if (!IsWorkingDay(date)) continue;
            var windowStart = Tehran.AtUtc(date, Hours.DayStart);
            var windowEnd = windowStart + TimeSpan.FromHours(Hours.HoursOn(date.DayOfWeek));
            if (now < windowStart) now = windowStart;
            if (now >= windowEnd) continue;

            var available = windowEnd - now;
            // Ending exactly at closing time stays on that day: the deadline is "by 16:00", not "next morning".
            if (remaining <= available) return now + remaining;
            remaining -= available;
        }
        throw NoWorkingTime();
    }

    private static InvalidOperationException NoWorkingTime() =>
        new("The working calendar has no working time within ten years.");
}
