using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Calendar;

/// <summary>
/// Holidays table: PK = Jalali year ("1405"); RK = Gregorian date ("2026-04-02") for an edit of the national
/// calendar, "{date}.{province}" ("2026-04-02.lorestan") for a province's own holiday. Columns NameFa,
/// Removed (national rows only: an official holiday taken out), Province ("" for national), UpdatedBy (key id).
/// Rows are edits on top of <see cref="OfficialHolidays.For"/>.
/// </summary>
public sealed class HolidayEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string NameFa { get; set; } = "";
    public bool Removed { get; set; }
    public string Province { get; set; } = "";
    public string UpdatedBy { get; set; } = "";

    [IgnoreDataMember] public DateOnly Date => DateOnly.ParseExact(RowKey.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture);
    [IgnoreDataMember] public bool IsNational => Province.Length == 0;

    public static string PartitionKeyFor(DateOnly date) => JalaliDate.Parts(date).Year.ToString(CultureInfo.InvariantCulture);

    public static string RowKeyFor(DateOnly date, string? province)
    {
        var day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return province is null ? day : day + "." + province;
    }
}

/// <summary>The holidays in force given the stored edits: official ones by rule, national edits winning, province additions.</summary>
public sealed class HolidayBook(IEnumerable<HolidayEntity> edits)
{
    private readonly ILookup<string, HolidayEntity> _byYear = edits.ToLookup(e => e.PartitionKey);

    /// <summary>Jalali years that have stored edits.</summary>
    public IEnumerable<int> EditedYears =>
        _byYear.Select(g => int.TryParse(g.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : 0).Where(y => y > 0);

    /// <summary>The national calendar of a year. An edited day is confirmed, whatever the rule said.</summary>
    public IReadOnlyList<Holiday> National(int year)
    {
        var byDate = OfficialHolidays.For(year).ToDictionary(h => h.Date);
        foreach (var e in Edits(year).Where(e => e.IsNational))
        {
            if (e.Removed) byDate.Remove(e.Date);
            else byDate[e.Date] = new Holiday(e.Date, e.NameFa);
        }
        return [.. byDate.Values.OrderBy(h => h.Date)];
    }

    /// <summary>Every province's own holidays of a year (a national holiday on the same day shadows them).</summary>
    public IReadOnlyList<Holiday> Provincial(int year) =>
        [.. Edits(year).Where(e => !e.IsNational && !e.Removed).Select(e => new Holiday(e.Date, e.NameFa, e.Province)).OrderBy(h => h.Date)];

    /// <summary>The days a province's deadlines skip: the national calendar and that province's own holidays only.</summary>
    public IEnumerable<DateOnly> DaysOff(int year, string? province) =>
        National(year).Select(h => h.Date).Concat(Provincial(year).Where(h => h.Province == province).Select(h => h.Date));

    private IEnumerable<HolidayEntity> Edits(int year) => _byYear[year.ToString(CultureInfo.InvariantCulture)];
}

public sealed class HolidayStore(Store store, PishkhanSettings settings, TimeProvider clock)
{
    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(60);
    private readonly TableClient _table = store.Table(Tables.Holidays);
    private Snapshot? _cached;

    private sealed record Snapshot(HolidayBook Book, DateTimeOffset Until)
    {
        // Bounded without a size limit: keyed by province codes read from stored rows (validated on write, 31 of
        // them) and replaced with the snapshot every minute.
        public ConcurrentDictionary<string, WorkingCalendar> Calendars { get; } = new();
    }

    /// <summary>
    /// The working calendar of a province's deadlines: the national holidays plus the province's own
    /// (null: national only). Cached for a minute per instance.
    /// </summary>
    public async Task<WorkingCalendar> GetCalendarAsync(string? province, CancellationToken cancellationToken = default)
    {
        var snapshot = await SnapshotAsync(cancellationToken);
        return snapshot.Calendars.GetOrAdd(province ?? "", p =>
            WorkingCalendar.ByJalaliYear(year => snapshot.Book.DaysOff(year, p.Length == 0 ? null : p), settings.WorkingHours));
    }

    public async Task<HolidayBook> GetBookAsync(CancellationToken cancellationToken = default) => (await SnapshotAsync(cancellationToken)).Book;

    /// <summary>
    /// Declares or renames a holiday. A national key (no province: the bootstrap key) edits the national
    /// calendar; a province admin adds to its own province's list and may not touch a national holiday.
    /// </summary>
    public async Task<Holiday> PutAsync(DateOnly date, string nameFa, Caller by, CancellationToken cancellationToken)
    {
        if (by.Province is not null) await RefuseNationalAsync(date, cancellationToken);
        await WriteAsync(date, by.Province, nameFa, by.KeyId, cancellationToken);
        return new Holiday(date, nameFa, by.Province);
    }

    /// <summary>
    /// Takes a holiday out: a national key writes a removal that overrides the rule (the day becomes a
    /// working day everywhere); a province admin deletes its own province's holiday, never a national one.
    /// </summary>
    public async Task DeleteAsync(DateOnly date, Caller by, CancellationToken cancellationToken)
    {
        if (by.Province is null)
        {
            await WriteAsync(date, null, null, by.KeyId, cancellationToken);
            return;
        }
        await RefuseNationalAsync(date, cancellationToken);
        await _table.DeleteEntityAsync(HolidayEntity.PartitionKeyFor(date), HolidayEntity.RowKeyFor(date, by.Province), ETag.All, cancellationToken);
        _cached = null;
    }

    private async Task RefuseNationalAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var book = await GetBookAsync(cancellationToken);
        if (book.National(JalaliDate.Parts(date).Year).Any(h => h.Date == date))
            throw Problem.Forbidden("A national holiday: the national calendar is edited only with a national key. A province admin adds its province's own holidays.");
    }

    private async Task WriteAsync(DateOnly date, string? province, string? nameFa, string updatedBy, CancellationToken cancellationToken)
    {
        var entity = new HolidayEntity
        {
            PartitionKey = HolidayEntity.PartitionKeyFor(date), RowKey = HolidayEntity.RowKeyFor(date, province),
            NameFa = nameFa ?? "", Removed = nameFa is null, Province = province ?? "", UpdatedBy = updatedBy,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        _cached = null;
    }

    private async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_cached is { } c && c.Until > now) return c;
        // The whole table: a few dozen rows a year.
        var snapshot = new Snapshot(new HolidayBook(await _table.ListAsync<HolidayEntity>(null, cancellationToken)), now + CacheTtl);
        _cached = snapshot;
        return snapshot;
    }
}

public sealed class HolidaysApi(HolidayStore holidayStore, TimeProvider clock)
{
    public sealed record PutHoliday(string Name);

    /// <summary>
    /// A holiday as listed. Province: null for the national calendar, else the province whose own holiday
    /// it is. Confirmed: false for a lunar holiday estimated from the Hijri calendar and not yet confirmed.
    /// </summary>
    public sealed record HolidayView(string Date, string JalaliDate, string Name, string Weekday, string? Province = null, bool Confirmed = true)
    {
        public static HolidayView From(Holiday h) => new(h.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Calendar.JalaliDate.FormatAscii(h.Date),
            h.NameFa, Calendar.JalaliDate.WeekdayFa(h.Date), h.Province, h.Confirmed);
    }

    /// <summary>
    /// GET /api/holidays?year=1405 (public): the national holidays and every province's own for a Jalali
    /// year; without a year, the current and next year and any other year with edits.
    /// </summary>
    public async Task<IResult> List(ApiRequest request)
    {
        var yearText = request.Query("year");
        int? year = null;
        if (yearText is not null)
            year = int.TryParse(Text.PersianText.NormalizeDigits(yearText), NumberStyles.Integer, CultureInfo.InvariantCulture, out var y) && y is >= 1300 and <= 1500
                ? y : throw Problem.Field("year", "A Jalali year such as 1405.");
        var book = await holidayStore.GetBookAsync(request.CancellationToken);
        var thisYear = JalaliDate.Parts(Tehran.Today(clock)).Year;
        int[] years = year is { } one ? [one] : [.. book.EditedYears.Append(thisYear).Append(thisYear + 1).Distinct().Order()];
        var holidays = years.SelectMany(y => book.National(y).Concat(book.Provincial(y))).OrderBy(h => h.Date).ThenBy(h => h.Province, StringComparer.Ordinal);
        return TypedResults.Ok(holidays.Select(HolidayView.From).ToList());
    }

    /// <summary>PUT /api/holidays/{date} with {name}: date is Jalali (1405-01-13) or Gregorian (2026-04-02).</summary>
    public async Task<IResult> Put(ApiRequest request)
    {
        var date = ParseDate(request);
        var body = await request.ReadJsonAsync<PutHoliday>();
        var errors = new FieldErrors();
        var name = errors.Name("name", body.Name, 100);
        errors.ThrowIfAny();
        var holiday = await holidayStore.PutAsync(date, name!, request.Caller, request.CancellationToken);
        return TypedResults.Ok(HolidayView.From(holiday));
    }

    public async Task<IResult> Delete(ApiRequest request)
    {
        var date = ParseDate(request);
        await holidayStore.DeleteAsync(date, request.Caller, request.CancellationToken);
        return TypedResults.NoContent();
    }

    private DateOnly ParseDate(ApiRequest request)
    {
        var raw = Text.PersianText.NormalizeDigits(request.RouteValue("date"));
        if (JalaliDate.TryParse(raw, out var jalali)) return jalali;
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var gregorian) && gregorian.Year is >= 2000 and <= 2100)
            return gregorian;
        throw Problem.Field("date", "A Jalali date (1405-01-13) or a Gregorian one (2026-04-02).");
    }
}
