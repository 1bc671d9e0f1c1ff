using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Calendar;

/// <summary>
/// Holidays table: PK = Jalali year ("1405"), RK = Gregorian date (yyyy-MM-dd); columns NameFa, Removed,
/// UpdatedBy. Rows are edits on top of <see cref="OfficialHolidays.Defaults"/>: an added holiday (lunar
/// holidays move every year) or a removed default. Official holidays are national, so any admin may edit
/// them; every edit records the key that made it.
/// </summary>
public sealed class HolidayEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string NameFa { get; set; } = "";
    public bool Removed { get; set; }
    public string UpdatedBy { get; set; } = "";
    [IgnoreDataMember] public DateOnly Date => DateOnly.ParseExact(RowKey, "yyyy-MM-dd");
}

public sealed class HolidayStore(Store store, PishkhanSettings settings, TimeProvider clock)
{
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(60);
    private readonly TableClient _table = store.Table(Tables.Holidays);
    private (WorkingCalendar Calendar, DateTimeOffset Until)? _cached;

    /// <summary>The working calendar in force: defaults plus admins' edits, cached for a minute per instance.</summary>
    public async Task<WorkingCalendar> GetCalendarAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        if (_cached is { } c && c.Until > now) return c.Calendar;
        var holidays = await ListAsync(cancellationToken);
        var calendar = new WorkingCalendar(holidays.Select(h => h.Date), settings.WorkingHours);
        _cached = (calendar, now + CacheTtl);
        return calendar;
    }

    public async Task<List<Holiday>> ListAsync(CancellationToken cancellationToken = default)
    {
        var edits = await _table.ListAsync<HolidayEntity>(null, cancellationToken);
        var byDate = OfficialHolidays.Defaults.ToDictionary(h => h.Date);
        foreach (var e in edits)
        {
            if (e.Removed) byDate.Remove(e.Date);
            else byDate[e.Date] = new Holiday(e.Date, e.NameFa);
        }
        return byDate.Values.OrderBy(h => h.Date).ToList();
    }

    public async Task SetAsync(DateOnly date, string? nameFa, string updatedBy, CancellationToken cancellationToken)
    {
        var entity = new HolidayEntity
        {
            PartitionKey = JalaliDate.Parts(date).Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
            RowKey = date.ToString("yyyy-MM-dd"), NameFa = nameFa ?? "", Removed = nameFa is null, UpdatedBy = updatedBy,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        _cached = null;
    }
}

public sealed class HolidaysApi(HolidayStore holidayStore)
{
    public sealed record PutHoliday(string Name);

    public sealed record HolidayView(string Date, string JalaliDate, string Name, string Weekday)
    {
        public static HolidayView From(Holiday h) => new(h.Date.ToString("yyyy-MM-dd"), Calendar.JalaliDate.FormatAscii(h.Date), h.NameFa, Calendar.JalaliDate.WeekdayFa(h.Date));
    }

    /// <summary>GET /api/holidays?year=1405 (public): the holidays in force for a Jalali year.</summary>
    public async Task<IResult> List(ApiRequest request)
    {
        var yearText = request.Query("year");
        int? year = null;
        if (yearText is not null)
            year = int.TryParse(Text.PersianText.NormalizeDigits(yearText), out var y) && y is >= 1300 and <= 1500 ? y : throw Problem.Field("year", "A Jalali year such as 1405.");
        var holidays = await holidayStore.ListAsync(request.CancellationToken);
        return TypedResults.Ok(holidays.Where(h => year is null || JalaliDate.Parts(h.Date).Year == year).Select(HolidayView.From).ToList());
    }

    /// <summary>PUT /api/holidays/{date} with {name}: date is Jalali (1405-01-13) or Gregorian (2026-04-02).</summary>
    public async Task<IResult> Put(ApiRequest request)
    {
        var date = ParseDate(request);
        var body = await request.ReadJsonAsync<PutHoliday>();
        var errors = new FieldErrors();
        var name = errors.Name("name", body.Name, 100);
        errors.ThrowIfAny();
        await holidayStore.SetAsync(date, name, request.Caller.KeyId, request.CancellationToken);
        return TypedResults.Ok(HolidayView.From(new Holiday(date, name!)));
    }

    public async Task<IResult> Delete(ApiRequest request)
    {
        var date = ParseDate(request);
        await holidayStore.SetAsync(date, null, request.Caller.KeyId, request.CancellationToken);
        return TypedResults.NoContent();
    }

    private DateOnly ParseDate(ApiRequest request)
    {
        var raw = Text.PersianText.NormalizeDigits(request.RouteValue("date"));
        if (JalaliDate.TryParse(raw, out var jalali)) return jalali;
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", out var gregorian) && gregorian.Year is >= 2000 and <= 2100) return gregorian;
        throw Problem.Field("date", "A Jalali date (1405-01-13) or a Gregorian one (2026-04-02).");
    }
}
