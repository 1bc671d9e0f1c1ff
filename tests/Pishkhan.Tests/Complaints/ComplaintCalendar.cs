using Microsoft.Extensions.Time.Testing;
using Pishkhan.Calendar;
using Pishkhan.Complaints;

namespace Pishkhan.Tests.Complaints;

// Dates used across the complaint tests (checked against PersianCalendar):
// Tue 2026-11-24 = 1405-09-03; Fri 2026-11-27; Sat 2026-11-28 = 1405-09-07 (a holiday in these tests);
// Tue 2027-03-16 = 1405-12-25, five days before Nowruz 1406 (Sun 2027-03-21).
internal static class ComplaintCalendar
{
    public static readonly DateOnly Holiday = new(2026, 11, 28);

    /// <summary>The fixed solar holidays of 1405–1406 plus Saturday 1405-09-07 as a holiday.</summary>
    public static readonly WorkingCalendar WithHoliday =
        new(OfficialHolidays.SolarFor(1405, 1406).Select(h => h.Date).Append(Holiday), WorkingHours.Default);

    public static readonly WorkingCalendar Defaults = new(OfficialHolidays.SolarFor(1405, 1406).Select(h => h.Date), WorkingHours.Default);

    public static readonly ComplaintPolicy Policy = new();

    /// <summary>A Tehran wall-clock time as an instant.</summary>
    public static DateTimeOffset Tehran(int year, int month, int day, int hour = 10, int minute = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.FromMinutes(210)).ToUniversalTime();

    public static FakeTimeProvider Clock(DateTimeOffset start) => new(start);

    public static NewComplaint Sample(string office = "lr-o1", string category = ComplaintCategories.Delay, ComplaintContact? contact = null) =>
        new(office, "lorestan", "lr-c1", category, "دفتر پیشخوان درخواست من را ده روز معطل کرد.", null, null, contact);
}
