using System.Globalization;
using Pishkhan.Calendar;
using Pishkhan.Text;

namespace Pishkhan.Notifications.Templates;

/// <summary>Numbers and dates as Persian prose shows them: Persian digits, Jalali dates, Tehran time.</summary>
public static class Fa
{
    public static string Number(long n) =>
        PersianText.ToPersianDigits(n.ToString("#,0", CultureInfo.InvariantCulture)).Replace(',', '٬');

    public static string Number(double n, int decimals = 1) =>
        PersianText.ToPersianDigits(Math.Round(n, decimals).ToString("#,0." + new string('#', decimals), CultureInfo.InvariantCulture))
            .Replace(',', '٬').Replace('.', '٫');

    public static string Percent(double fraction) => Number(fraction * 100, 0) + "٪";

    public static string Date(DateOnly date) => JalaliDate.Format(date);

    /// <summary>"۱۴۰۵/۰۹/۱۵ ساعت ۱۰:۳۰" in Tehran time.</summary>
    public static string DateTime(DateTimeOffset instant)
    {
        var local = Tehran.ToTehran(instant);
        return JalaliDate.Format(DateOnly.FromDateTime(local.DateTime)) + " ساعت " +
               PersianText.ToPersianDigits(local.ToString("HH:mm", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A date or instant given as data — ISO 8601 ("2026-12-06", "2026-12-06T07:30:00Z") or an already
    /// Jalali date ("1405-09-15", "۱۴۰۵/۰۹/۱۵"; years below 1600 are read as Jalali) — shown Jalali in
    /// Persian digits; null when absent or unreadable, so a template leaves the line out.
    /// </summary>
    public static string? When(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var s = PersianText.NormalizeDigits(value.Trim());
        if (s.Length == 10 && (s[4] is '-' or '/') && s[7] == s[4] && int.TryParse(s.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            if (year < 1600) return JalaliDate.TryParse(s.Replace('/', '-'), out var jalali) ? Date(jalali) : null;
            return DateOnly.TryParseExact(s.Replace('/', '-'), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? Date(d) : null;
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? DateTime(t) : null;
    }

    /// <summary>A number given as data ("87.5", "12"); null when absent or not a number.</summary>
    public static string? NumberText(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return null;
        if (long.TryParse(PersianText.NormalizeDigits(s), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return Number(n);
        return double.TryParse(PersianText.NormalizeDigits(s), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x)
            ? Number(x)
            : null;
    }
}
