using Pishkhan.Calendar;

namespace Pishkhan.Tests.Calendar;

public class OfficialHolidaysTests
{
    [Fact]
    public void HasTenFixedHolidaysInEachOf1405And1406()
    {
        Assert.Equal(20, OfficialHolidays.Defaults.Count);
        Assert.Equal(20, OfficialHolidays.Defaults.Select(h => h.Date).Distinct().Count());
        Assert.All(OfficialHolidays.Defaults, h => Assert.False(string.IsNullOrWhiteSpace(h.NameFa)));
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
        Assert.Contains(OfficialHolidays.Defaults, h => h.Date == new DateOnly(y, m, d));

    [Fact]
    public void NamesNowruzInPersian() =>
        Assert.Equal("عید نوروز", OfficialHolidays.Defaults.Single(h => h.Date == new DateOnly(2026, 3, 21)).NameFa);
}
