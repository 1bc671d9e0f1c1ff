using System.Globalization;
using Pishkhan.Text;

namespace Pishkhan.Calendar;

// A date as people type it here: Gregorian ISO "2026-11-24" or Solar Hijri "1405-09-03" (Persian digits
// allowed). The year tells them apart: Jalali input years are 1300–1500, Gregorian ones 1900 and later.
public static class DateInput
{
    public static bool TryParse(string? s, out DateOnly date)
    {
        date = default;
        if (s is null) return false;
        if (JalaliDate.TryParse(s, out date)) return true;
        var t = PersianText.NormalizeDigits(s);
        return t.Length == 10
            && DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
            && date.Year >= 1900;
    }
}
