using Pishkhan.Text;

namespace Pishkhan.Calendar;

// A reporting period: one Solar Hijri month, written "1405-09". Rankings, stats and targets are
// keyed by it, so its string form is fixed-width and sorts in time order.
public readonly record struct JalaliPeriod(int Year, int Month) : IComparable<JalaliPeriod>
{
    private static readonly string[] MonthNames =
        ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];

    // Validated on construction and on `with`; the range is PersianCalendar's own, parsing is stricter.
    public int Year { get; init => field = CheckYear(value); } = CheckYear(Year);
    public int Month { get; init => field = CheckMonth(value); } = CheckMonth(Month);

    private static int CheckYear(int year) =>
        year is >= 1 and <= 9377 ? year : throw new ArgumentOutOfRangeException(nameof(Year), year, "Jalali year out of range.");

    private static int CheckMonth(int month) =>
        month is >= 1 and <= 12 ? month : throw new ArgumentOutOfRangeException(nameof(Month), month, "Jalali month must be 1..12.");

    public static bool TryParse(string? s, out JalaliPeriod period)
    {
        period = default;
        if (s is null) return false;
        var t = PersianText.NormalizeDigits(s);
        if (t.Length != 7 || t[4] != '-') return false;
        if (!JalaliDate.TryDigits(t.AsSpan(0, 4), out var y) || !JalaliDate.TryDigits(t.AsSpan(5, 2), out var m)) return false;
        if (y is < JalaliDate.MinInputYear or > JalaliDate.MaxInputYear || m is < 1 or > 12) return false;
        period = new JalaliPeriod(y, m);
        return true;
    }

    public static JalaliPeriod Parse(string s) =>
        TryParse(s, out var p) ? p : throw new FormatException($"'{s}' is not a Jalali period like 1405-09.");

    public override string ToString() => $"{Year:D4}-{Month:D2}";

    public static JalaliPeriod Containing(DateTimeOffset instant) => Of(Tehran.DateOf(instant));

    public static JalaliPeriod Of(DateOnly tehranDate)
    {
        var (y, m, _) = JalaliDate.Parts(tehranDate);
        return new JalaliPeriod(y, m);
    }

    public DateOnly FirstDay => JalaliDate.FromJalali(Year, Month, 1);
    public DateOnly LastDay => JalaliDate.FromJalali(Year, Month, DaysInMonth);
    public int DaysInMonth => JalaliDate.Persian.GetDaysInMonth(Year, Month);

    public DateTimeOffset StartUtc => Tehran.StartOfDayUtc(FirstDay);
    public DateTimeOffset EndUtc => Tehran.StartOfDayUtc(LastDay.AddDays(1));

    public JalaliPeriod Previous() => Month == 1 ? new(Year - 1, 12) : new(Year, Month - 1);
    public JalaliPeriod Next() => Month == 12 ? new(Year + 1, 1) : new(Year, Month + 1);

    // A period can be ranked only once every event in it has happened.
    public bool IsClosedAt(DateTimeOffset now) => now >= EndUtc;

    public string MonthNameFa => MonthNames[Month - 1];
    public string PersianName => $"{MonthNameFa} {PersianText.ToPersianDigits(Year.ToString(System.Globalization.CultureInfo.InvariantCulture))}";

    public int CompareTo(JalaliPeriod other) => Year != other.Year ? Year.CompareTo(other.Year) : Month.CompareTo(other.Month);

    public static bool operator <(JalaliPeriod a, JalaliPeriod b) => a.CompareTo(b) < 0;
    public static bool operator >(JalaliPeriod a, JalaliPeriod b) => a.CompareTo(b) > 0;
    public static bool operator <=(JalaliPeriod a, JalaliPeriod b) => a.CompareTo(b) <= 0;
    public static bool operator >=(JalaliPeriod a, JalaliPeriod b) => a.CompareTo(b) >= 0;
}
