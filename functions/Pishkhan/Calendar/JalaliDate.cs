using System.Globalization;
using Pishkhan.Text;

namespace Pishkhan.Calendar;

// Dates are kept as Gregorian DateOnly (Tehran) and shown or read as Solar Hijri.
public static class JalaliDate
{
    // Calendar instances are safe for concurrent reads; this one is never mutated.
    internal static readonly PersianCalendar Persian = new();

    // Input years outside this range are typos, not history or plans.
    internal const int MinInputYear = 1300;
    internal const int MaxInputYear = 1500;

    private static readonly string[] Weekdays =
        // Indexed by DayOfWeek: Sunday = 0.
        ["یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه", "شنبه"];

    public static (int Year, int Month, int Day) Parts(DateOnly date)
    {
        var dt = date.ToDateTime(TimeOnly.MinValue);
        return (Persian.GetYear(dt), Persian.GetMonth(dt), Persian.GetDayOfMonth(dt));
    }

    public static DateOnly FromJalali(int year, int month, int day) =>
        DateOnly.FromDateTime(Persian.ToDateTime(year, month, day, 0, 0, 0, 0));

    public static string Format(DateOnly date)
    {
        var (y, m, d) = Parts(date);
        return PersianText.ToPersianDigits($"{y:D4}/{m:D2}/{d:D2}");
    }

    public static string FormatAscii(DateOnly date)
    {
        var (y, m, d) = Parts(date);
        return $"{y:D4}-{m:D2}-{d:D2}";
    }

    // Exactly "yyyy-MM-dd" (Persian or Arabic digits allowed), no surrounding spaces.
    public static bool TryParse(string? s, out DateOnly date)
    {
        date = default;
        if (s is null) return false;
        var t = PersianText.NormalizeDigits(s);
        if (t.Length != 10 || t[4] != '-' || t[7] != '-') return false;
        if (!TryDigits(t.AsSpan(0, 4), out var y) || !TryDigits(t.AsSpan(5, 2), out var m) || !TryDigits(t.AsSpan(8, 2), out var d)) return false;
        if (y is < MinInputYear or > MaxInputYear || m is < 1 or > 12) return false;
        if (d < 1 || d > Persian.GetDaysInMonth(y, m)) return false;
        date = FromJalali(y, m, d);
        return true;
    }

    public static string WeekdayFa(DateOnly date) => Weekdays[(int)date.DayOfWeek];

    internal static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return s.Length > 0;
    }
}
