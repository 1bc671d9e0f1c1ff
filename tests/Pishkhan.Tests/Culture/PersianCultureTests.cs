using System.Globalization;
using Pishkhan.Calendar;
using Pishkhan.Contracts;
using Pishkhan.Inspections;
using Pishkhan.Notifications.Templates;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Culture;

/// <summary>
/// Storage keys, stored values and parsing under the users' own culture. Under fa-IR "yyyy" is a Solar
/// Hijri year, "٫" the decimal separator and U+2212 the minus sign, so anything left to the current culture
/// breaks here even when the suite runs under the invariant culture. ./test.sh also runs the whole suite
/// under LANG=fa_IR.UTF-8.
/// </summary>
[UseCulture("fa-IR")]
public sealed class PersianCultureTests
{
    [Fact]
    public void TheCultureIsPersianWithASolarHijriCalendar() =>
        Assert.IsType<PersianCalendar>(CultureInfo.CurrentCulture.Calendar);

    [Fact]
    public void ContractValidityDatesAreReadAsGregorian()
    {
        var contract = new ContractEntity { ValidFrom = "2026-01-01", ValidTo = "2026-12-31" };
        Assert.Equal((new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)), (contract.From, contract.To));
    }

    [Fact]
    public void HolidayKeysAreGregorianDatesUnderTheJalaliYear()
    {
        var nowruz = new DateOnly(2026, 3, 21);
        Assert.Equal(("1405", "2026-03-21", "2026-03-21.lorestan"),
            (HolidayEntity.PartitionKeyFor(nowruz), HolidayEntity.RowKeyFor(nowruz, null), HolidayEntity.RowKeyFor(nowruz, "lorestan")));
        Assert.Equal(nowruz, new HolidayEntity { RowKey = "2026-03-21.lorestan" }.Date);
    }

    [Fact]
    public void FollowUpKeysSortByTheGregorianDueDate() =>
        Assert.Equal("20261224.lr-o1.s1", FollowUpEntity.RowKeyFor(new DateOnly(2026, 12, 24), "lr-o1", "s1"));

    [Fact]
    public void AHolidayIsListedWithItsGregorianDate() =>
        Assert.Equal("2026-03-21", Pishkhan.Calendar.HolidaysApi.HolidayView.From(new Holiday(new DateOnly(2026, 3, 21), "عید نوروز")).Date);

    [Fact]
    public void ARankFallIsReadFromTheStoredNumber()
    {
        var mail = NotificationTemplates.Render(Pishkhan.Notifications.NotificationKinds.RankingPublished,
            new Dictionary<string, string> { ["period"] = "1405-08", ["movement"] = "-2" }, null, new TemplateContext("https://pishkhan.example"));
        Assert.Contains("۲ پله پایین‌تر", mail.Text);
    }
}
