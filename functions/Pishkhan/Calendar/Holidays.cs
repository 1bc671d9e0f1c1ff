namespace Pishkhan.Calendar;

public sealed record Holiday(DateOnly Date, string NameFa);

public static class OfficialHolidays
{
    // Only the fixed solar-calendar holidays. The religious holidays follow the lunar Hijri calendar,
    // move about eleven days a year and are announced officially, so admins enter them as data each year.
    private static readonly (int Month, int Day, string NameFa)[] Fixed =
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

    public static IReadOnlyList<Holiday> Defaults { get; } = For(1405, 1406);

    public static IReadOnlyList<Holiday> For(params int[] jalaliYears) =>
        [.. from year in jalaliYears
            from h in Fixed
            select new Holiday(JalaliDate.FromJalali(year, h.Month, h.Day), h.NameFa)];
}
