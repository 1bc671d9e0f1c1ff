using Pishkhan.Calendar;

namespace Pishkhan.Tests.Calendar;

public class OfficialHolidaysTests
{
    [Theory]
    [InlineData(1405)]
    [InlineData(1407)]
    [InlineData(1410)]
    [InlineData(1456)] // the last year Umm al-Qura reaches
    [InlineData(1500)] // the last year the API accepts: the arithmetic Hijri calendar
    public void EveryYearHasTheTenSolarHolidaysConfirmedAndTheLunarOnesEstimated(int year)
    {
        var holidays = OfficialHolidays.For(year);

        foreach (var day in new[] { 1, 2, 3, 4, 12, 13 })
            Assert.Contains(holidays, h => h.Date == JalaliDate.FromJalali(year, 1, day) && h.Confirmed);
        Assert.Contains(holidays, h => h.Date == JalaliDate.FromJalali(year, 3, 14) && h.Confirmed);
        Assert.Contains(holidays, h => h.Date == JalaliDate.FromJalali(year, 3, 15) && h.Confirmed);
        Assert.Contains(holidays, h => h.Date == JalaliDate.FromJalali(year, 11, 22) && h.Confirmed);
        Assert.Contains(holidays, h => h.Date == JalaliDate.FromJalali(year, 12, 29) && h.Confirmed);
        // 17 lunar holidays a Hijri year; a Jalali year is 11 days longer, so 17 or 18 (fewer only where one
        // falls on a solar holiday and shares its day).
        Assert.InRange(holidays.Count(h => !h.Confirmed), 15, 18);
        Assert.All(holidays, h => Assert.Equal(year, JalaliDate.Parts(h.Date).Year));
        Assert.Equal(holidays.Count, holidays.Select(h => h.Date).Distinct().Count());
    }

    [Fact]
    public void NowruzOf1407And1410IsAHoliday()
    {
        Assert.Contains(OfficialHolidays.For(1407), h => h.Date == new DateOnly(2028, 3, 20) && h.NameFa == "عید نوروز");
        Assert.Contains(OfficialHolidays.For(1410), h => h.Date == new DateOnly(2031, 3, 21) && h.NameFa == "عید نوروز");
    }

    // Hand-checked from 1 Farvardin 1405 = 2026-03-21 and 1 Farvardin 1406 = 2027-03-21
    // (1406's Esfand ends 2028-03-19 because 1407 begins on 2028-03-20).
    [Theory]
    [InlineData(2026, 3, 21)]
    [InlineData(2026, 3, 24)]
    [InlineData(2026, 4, 1)]
    [InlineData(2026, 4, 2)]
    [InlineData(2026, 6, 4)]
    [InlineData(2026, 6, 5)]
    [InlineData(2027, 2, 11)]
    [InlineData(2027, 3, 20)]
    [InlineData(2027, 3, 21)]
    [InlineData(2028, 2, 11)]
    [InlineData(2028, 3, 19)]
    public void IncludesFixedSolarHolidaysAsGregorianDates(int y, int m, int d) =>
        Assert.Contains(OfficialHolidays.For(1405).Concat(OfficialHolidays.For(1406)), h => h.Date == new DateOnly(y, m, d) && h.Confirmed);

    [Fact]
    public void EstimatesAshuraFromUmmAlQuraAsUnconfirmed()
    {
        // 10 Muharram 1448 is Thursday 25 June 2026 in Umm al-Qura (4 Tir 1405); Iran may keep it a day later.
        var ashura = Assert.Single(OfficialHolidays.For(1405), h => h.NameFa == "عاشورای حسینی");
        Assert.Equal(new DateOnly(2026, 6, 25), ashura.Date);
        Assert.False(ashura.Confirmed);
    }

    [Fact]
    public void ALunarHolidayOnASolarOneKeepsBothNamesAndStaysConfirmed()
    {
        // 1 Shawwal 1447 = 20 March 2026 = 29 Esfand 1404, the oil nationalisation day.
        var day = Assert.Single(OfficialHolidays.For(1404), h => h.Date == new DateOnly(2026, 3, 20));
        Assert.Equal("روز ملی شدن صنعت نفت ایران؛ عید سعید فطر", day.NameFa);
        Assert.True(day.Confirmed);
    }

    [Fact]
    public void NamesNowruzInPersian() =>
        Assert.Equal("عید نوروز", OfficialHolidays.For(1405).Single(h => h.Date == new DateOnly(2026, 3, 22)).NameFa);
}
