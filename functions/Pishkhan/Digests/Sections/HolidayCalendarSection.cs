using Pishkhan.Calendar;
using Pishkhan.Notifications.Templates;
using Pishkhan.Text;

namespace Pishkhan.Digests.Sections;

/// <summary>
/// Next Jalali year's lunar holidays that are still estimates (Hijri calendar, not confirmed by a national
/// admin): deadlines already count them, possibly a day off. Province digests only; the national calendar
/// is confirmed with the national key, so the secretariat passes the warning on.
/// </summary>
public sealed class HolidayCalendarSection(HolidayStore holidays) : IDigestSection
{
    public string Title => "تقویم تعطیلات سال آینده";
    public int Order => 880;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        if (!scope.IsProvince) return null;
        var next = JalaliDate.Parts(Tehran.DateOf(scope.AsOf)).Year + 1;
        var estimated = (await holidays.GetBookAsync(cancellationToken)).National(next).Where(h => !h.Confirmed).ToList();
        if (estimated.Count == 0) return null;
        var year = PersianText.ToPersianDigits(next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var summary = $"فهرست تعطیلات رسمی سال {year} تأیید نشده است: تاریخ {Fa.Number(estimated.Count)} مناسبت قمری برآورد تقویم هجری است "
            + "و ممکن است یک روز جابه‌جا باشد. تقویم رسمی را با کلید ملی ثبت کنید.";
        return DigestBlock.Table(summary, ["تاریخ", "مناسبت"], estimated.Select(h => (IReadOnlyList<string>)[Fa.Date(h.Date), h.NameFa]));
    }
}
