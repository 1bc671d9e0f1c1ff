using System.Globalization;

namespace Pishkhan.Calendar;

/// <summary>
/// A day off. <see cref="Province"/> is null for the national calendar, else the province whose own
/// addition it is. <see cref="Confirmed"/> is false for a lunar holiday computed from a Hijri calendar
/// that no national admin has confirmed yet.
/// </summary>
public sealed record Holiday(DateOnly Date, string NameFa, string? Province = null, bool Confirmed = true);

/// <summary>The official national holidays of any Jalali year, by rule (no year runs out of holidays).</summary>
public static class OfficialHolidays
{
    // The solar holidays are fixed by law: always the same Jalali dates.
    private static readonly (int Month, int Day, string NameFa)[] Solar =
    [
        (1, 1, "عید نوروز"),
        (1, 2, "عید نوروز"),
        (1, 3, "عید نوروز"),
        (1, 4, "عید نوروز"),
        (1, 12, "روز جمهوری اسلامی ایران"),
        (1, 13, "روز طبیعت"),
        (3, 14, "رحلت حضرت امام خمینی (ره)"),
        (3, 15, "قیام ۱۵ خرداد"),
        (11, 22, "پیروزی انقلاب اسلامی ایران"),
        (12, 29, "روز ملی شدن صنعت نفت ایران"),
    ];

    // The religious holidays follow the lunar Hijri calendar. Iran fixes each month by sighting the moon,
    // which no algorithm reproduces (it is often a day after Umm al-Qura), so these dates are estimates until a
    // national admin confirms them. Day 0 = the last day of the month (29 or 30).
    private static readonly (int Month, int Day, string NameFa)[] Lunar =
    [
        (1, 9, "تاسوعای حسینی"),
        (1, 10, "عاشورای حسینی"),
        (2, 20, "اربعین حسینی"),
        (2, 28, "رحلت رسول اکرم (ص) و شهادت امام حسن مجتبی (ع)"),
        (2, 0, "شهادت امام رضا (ع)"),
        (3, 8, "شهادت امام حسن عسکری (ع)"),
        (3, 17, "میلاد رسول اکرم (ص) و امام جعفر صادق (ع)"),
        (6, 3, "شهادت حضرت فاطمه زهرا (س)"),
        (7, 13, "ولادت امام علی (ع)"),
        (7, 27, "مبعث رسول اکرم (ص)"),
        (8, 15, "ولادت حضرت قائم (عج)"),
        (9, 21, "شهادت امام علی (ع)"),
        (10, 1, "عید سعید فطر"),
        (10, 2, "تعطیل به مناسبت عید سعید فطر"),
        (10, 25, "شهادت امام جعفر صادق (ع)"),
        (12, 10, "عید سعید قربان"),
        (12, 18, "عید سعید غدیر خم"),
    ];

    // Umm al-Qura (tabulated from astronomy) where it reaches (1318–1500 AH, Gregorian 1900–2077), the
    // arithmetic Hijri calendar beyond; both are only estimates of Iran's calendar.
    private static readonly UmAlQuraCalendar UmAlQura = new();
    private static readonly HijriCalendar Arithmetic = new();

    /// <summary>The national holidays of a Jalali year: the solar ones (confirmed) and the lunar estimates.</summary>
    public static IReadOnlyList<Holiday> For(int jalaliYear)
    {
        var first = JalaliDate.FromJalali(jalaliYear, 1, 1);
        var last = JalaliDate.FromJalali(jalaliYear + 1, 1, 1).AddDays(-1);
        var byDate = SolarFor(jalaliYear).ToDictionary(h => h.Date);

        // A Jalali year (365 days) overlaps two or three Hijri years (354 days); one more each side is
        // harmless (the range check drops it) and covers the two calendars disagreeing about a year's end.
        var (hyFirst, hyLast) = (Arithmetic.GetYear(first.ToDateTime(TimeOnly.MinValue)) - 1, Arithmetic.GetYear(last.ToDateTime(TimeOnly.MinValue)) + 1);
        for (var hy = hyFirst; hy <= hyLast; hy++)
            foreach (var (month, day, name) in Lunar)
            {
                if (LunarDate(hy, month, day) is not { } date || date < first || date > last) continue;
                // On a solar holiday the day is off anyway; keep both names and the solar one's confirmation.
                byDate[date] = byDate.TryGetValue(date, out var solar)
                    ? solar with { NameFa = solar.NameFa + "؛ " + name }
                    : new Holiday(date, name, Confirmed: false);
            }
        return [.. byDate.Values.OrderBy(h => h.Date)];
    }

    /// <summary>The solar holidays only (fixed by law), for callers that must not depend on lunar estimates.</summary>
    public static IReadOnlyList<Holiday> SolarFor(params int[] jalaliYears) =>
        [.. from year in jalaliYears
            from h in Solar
            select new Holiday(JalaliDate.FromJalali(year, h.Month, h.Day), h.NameFa)];

    private static DateOnly? LunarDate(int hijriYear, int month, int day)
    {
        foreach (var calendar in new System.Globalization.Calendar[] { UmAlQura, Arithmetic })
        {
            try
            {
                var d = day == 0 ? calendar.GetDaysInMonth(hijriYear, month) : day;
                return DateOnly.FromDateTime(calendar.ToDateTime(hijriYear, month, d, 0, 0, 0, 0));
            }
            catch (ArgumentOutOfRangeException)
            {
                // Outside Umm al-Qura's range (before 1318 or after 1500 AH): try the arithmetic calendar.
            }
        }
        return null;
    }
}
