using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Storage;

namespace Pishkhan.Requests;

/// <summary>
/// The working calendar SLAs are counted in: Saturday–Wednesday full days, Thursday as configured
/// (<see cref="PishkhanSettings.ThursdayWorkingHours"/>), Friday and holidays off, Tehran time. Holidays
/// are <see cref="OfficialHolidays.Defaults"/> plus whatever admins entered in the Holidays table
/// (PK Jalali year, RK yyyy-MM-dd), re-read every few minutes. <see cref="LoadHolidaysAsync"/> is the one
/// place to change if holidays move behind a store of their own.
/// </summary>
public sealed class SlaCalendar(Store store, PishkhanSettings settings, TimeProvider clock)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (WorkingCalendar Calendar, DateTimeOffset LoadedAt)? _current;

    public async Task<WorkingCalendar> GetAsync(CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow;
        if (_current is { } c && now - c.LoadedAt < Refresh) return c.Calendar;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && now - again.LoadedAt < Refresh) return again.Calendar;
            var holidays = await LoadHolidaysAsync(cancellationToken);
            var calendar = new WorkingCalendar(holidays, settings.WorkingHours);
            _current = (calendar, now);
            return calendar;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<DateOnly>> LoadHolidaysAsync(CancellationToken cancellationToken)
    {
        var dates = OfficialHolidays.Defaults.Select(h => h.Date).ToHashSet();
        var year = JalaliPeriod.Containing(clock.GetUtcNow()).Year;
        var table = store.Table(Tables.Holidays);
        foreach (var y in new[] { year - 1, year, year + 1 })
        {
            var partition = y.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"),
                               select: ["RowKey"], cancellationToken: cancellationToken))
            {
                if (DateOnly.TryParseExact(e.RowKey, "yyyy-MM-dd", out var d)) dates.Add(d);
            }
        }
        return [.. dates];
    }
}

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
