using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Storage;

namespace Pishkhan.Inspections;

/// <summary>
/// The working calendar for corrective-action and objection deadlines: the fixed official holidays plus
/// whatever the admins entered in the Holidays table (PK = Jalali year, RK = Gregorian date "yyyy-MM-dd"),
/// for the year of the date asked about and the next. Cached for ten minutes per instance.
/// </summary>
public sealed class WorkingDays(Store store, PishkhanSettings settings, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);
    private readonly Dictionary<int, (WorkingCalendar Calendar, DateTimeOffset At)> _cache = new();

    public async Task<WorkingCalendar> ForAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var year = JalaliDate.Parts(date).Year;
        lock (_cache)
            if (_cache.TryGetValue(year, out var hit) && clock.GetUtcNow() - hit.At < CacheFor) return hit.Calendar;

        var holidays = OfficialHolidays.For(year, year + 1).Select(h => h.Date).ToHashSet();
        var table = store.Table(Tables.Holidays);
        foreach (var y in new[] { year, year + 1 })
        {
            var partition = y.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
                if (DateOnly.TryParseExact(row.RowKey, "yyyy-MM-dd", out var d)) holidays.Add(d);
        }
        var calendar = new WorkingCalendar(holidays, settings.WorkingHours);
        lock (_cache) _cache[year] = (calendar, clock.GetUtcNow());
        return calendar;
    }
}
