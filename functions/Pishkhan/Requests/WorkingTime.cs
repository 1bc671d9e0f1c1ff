using Pishkhan.Calendar;

namespace Pishkhan.Requests;

/// <summary>
/// SLAs are counted in working hours of <see cref="HolidayStore.GetCalendarAsync"/>: Saturday–Wednesday full
/// days, Thursday as configured (Pishkhan__ThursdayWorkingHours), Friday and holidays (the official defaults
/// plus admins' edits) off, Tehran time.
/// </summary>
public static class WorkingTime
{
    /// <summary>Working hours between two instants on <paramref name="calendar"/> (0 when <paramref name="to"/> is not later).</summary>
    public static double HoursBetween(WorkingCalendar calendar, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) return 0;
        var total = TimeSpan.Zero;
        for (var date = Tehran.DateOf(from); date <= Tehran.DateOf(to); date = date.AddDays(1))
        {
            if (!calendar.IsWorkingDay(date)) continue;
            var start = Tehran.AtUtc(date, calendar.Hours.DayStart);
            var end = start + TimeSpan.FromHours(calendar.Hours.HoursOn(date.DayOfWeek));
            var a = start > from ? start : from;
            var b = end < to ? end : to;
            if (b > a) total += b - a;
        }
        return total.TotalHours;
    }
}
