using System.Collections.Concurrent;

namespace Pishkhan.Calendar;

// Working days and hours for SLA deadlines. Holidays are data (official ones by rule, admins' edits on
// top), so the calendar is built from whatever list is current and is immutable afterwards.
public sealed class WorkingCalendar
{
    // A guard against a calendar with no working time at all (e.g. every day a holiday):
    // no deadline is more than a few years of days away.
    private const int MaxDaysScanned = 366 * 10;

    private readonly Func<DateOnly, bool> _isHoliday;

    public WorkingCalendar(IEnumerable<DateOnly> holidays, WorkingHours hours)
        : this(new HashSet<DateOnly>(holidays ?? throw new ArgumentNullException(nameof(holidays))).Contains, hours)
    {
    }

    private WorkingCalendar(Func<DateOnly, bool> isHoliday, WorkingHours hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        // Windows must stay inside one day, or "the day's window" would be ambiguous.
        var dayStart = hours.DayStart.ToTimeSpan().TotalHours;
        if (!(hours.FullDayHours > 0 && dayStart + hours.FullDayHours <= 24))
            throw new ArgumentOutOfRangeException(nameof(hours), "FullDayHours must be positive and end by midnight.");
        if (!(hours.ThursdayHours >= 0 && dayStart + hours.ThursdayHours <= 24))
            throw new ArgumentOutOfRangeException(nameof(hours), "ThursdayHours must be zero or more and end by midnight.");

        _isHoliday = isHoliday;
        Hours = hours;
    }

    /// <summary>
    /// A calendar whose holidays are asked for one Jalali year at a time, the first time a date of that
    /// year is looked at: a deadline far ahead finds its year's holidays instead of an empty list.
    /// </summary>
    public static WorkingCalendar ByJalaliYear(Func<int, IEnumerable<DateOnly>> holidaysOfYear, WorkingHours hours)
    {
        ArgumentNullException.ThrowIfNull(holidaysOfYear);
        // Bounded: one small set per Jalali year a date falls in (DateOnly spans ~10,000 years), and HolidayStore
        // builds a new calendar every minute.
        var years = new ConcurrentDictionary<int, HashSet<DateOnly>>();
        return new(date => years.GetOrAdd(JalaliDate.Persian.GetYear(date.ToDateTime(TimeOnly.MinValue)), year => [.. holidaysOfYear(year)]).Contains(date), hours);
    }

    public WorkingHours Hours { get; }

    public bool IsHoliday(DateOnly date) => _isHoliday(date);

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
