using Pishkhan.Calendar;

namespace Pishkhan.Tests.Calendar;

public class JalaliPeriodTests
{
    private static readonly JalaliPeriod Azar1405 = new(1405, 9);

    [Theory]
    [InlineData("1405-09")]
    [InlineData("۱۴۰۵-۰۹")]
    [InlineData("١٤٠٥-٠٩")]
    public void ParsesPeriodWithAsciiPersianOrArabicDigits(string input)
    {
        Assert.True(JalaliPeriod.TryParse(input, out var period));
        Assert.Equal(Azar1405, period);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1405-9")]
    [InlineData("1405-13")]
    [InlineData("1405-00")]
    [InlineData("1299-12")]
    [InlineData("1501-01")]
    [InlineData("1405/09")]
    [InlineData(" 1405-09")]
    [InlineData("1405-09-01")]
    public void RejectsMalformedPeriods(string? input) =>
        Assert.False(JalaliPeriod.TryParse(input, out _));

    [Fact]
    public void ParseThrowsFormatExceptionOnBadInput() =>
        Assert.Throws<FormatException>(() => JalaliPeriod.Parse("1405-13"));

    [Fact]
    public void RejectsOutOfRangeMonthOnConstructionAndWith()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new JalaliPeriod(1405, 13));
        Assert.Throws<ArgumentOutOfRangeException>(() => Azar1405 with { Month = 0 });
    }

    [Fact]
    public void WritesFixedWidthPeriod()
    {
        Assert.Equal("1405-09", Azar1405.ToString());
        Assert.Equal("1405-01", new JalaliPeriod(1405, 1).ToString());
    }

    [Fact]
    public void KnowsAzar1405DaysAndInstants()
    {
        Assert.Equal(new DateOnly(2026, 11, 22), Azar1405.FirstDay);
        Assert.Equal(new DateOnly(2026, 12, 21), Azar1405.LastDay);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 20, 30, 0, TimeSpan.Zero), Azar1405.StartUtc);
        Assert.Equal(new DateTimeOffset(2026, 12, 21, 20, 30, 0, TimeSpan.Zero), Azar1405.EndUtc);
    }

    [Fact]
    public void EsfandHasTwentyNineDaysExceptInLeapYears()
    {
        Assert.Equal(new DateOnly(2027, 3, 20), new JalaliPeriod(1405, 12).LastDay);
        Assert.Equal(new DateOnly(2025, 3, 20), new JalaliPeriod(1403, 12).LastDay);
    }

    [Fact]
    public void FindsPeriodContainingInstantByTehranDate()
    {
        Assert.Equal(new JalaliPeriod(1405, 8), JalaliPeriod.Containing(new DateTimeOffset(2026, 11, 21, 20, 29, 59, TimeSpan.Zero)));
        Assert.Equal(Azar1405, JalaliPeriod.Containing(new DateTimeOffset(2026, 11, 21, 20, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new JalaliPeriod(1405, 1), JalaliPeriod.Containing(new DateTimeOffset(2026, 3, 21, 0, 0, 0, TimeSpan.FromMinutes(210))));
    }

    [Fact]
    public void StepsAcrossYearBoundaries()
    {
        Assert.Equal(new JalaliPeriod(1404, 12), new JalaliPeriod(1405, 1).Previous());
        Assert.Equal(new JalaliPeriod(1406, 1), new JalaliPeriod(1405, 12).Next());
        Assert.Equal(new JalaliPeriod(1405, 10), Azar1405.Next());
    }

    [Fact]
    public void IsClosedFromTheFirstInstantOfTheNextMonth()
    {
        Assert.False(Azar1405.IsClosedAt(Azar1405.EndUtc.AddTicks(-1)));
        Assert.True(Azar1405.IsClosedAt(Azar1405.EndUtc));
        Assert.True(Azar1405.IsClosedAt(new DateTimeOffset(2026, 12, 22, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void NamesMonthsInPersianWithPersianDigits()
    {
        Assert.Equal("آذر", Azar1405.MonthNameFa);
        Assert.Equal("فروردین", new JalaliPeriod(1405, 1).MonthNameFa);
        Assert.Equal("اسفند", new JalaliPeriod(1405, 12).MonthNameFa);
        Assert.Equal("آذر ۱۴۰۵", Azar1405.PersianName);
    }

    [Fact]
    public void OrdersByYearThenMonth()
    {
        var sorted = new[] { new JalaliPeriod(1406, 1), Azar1405, new JalaliPeriod(1405, 12), new JalaliPeriod(1404, 12) }.Order().ToArray();
        Assert.Equal(["1404-12", "1405-09", "1405-12", "1406-01"], sorted.Select(p => p.ToString()));
        Assert.True(new JalaliPeriod(1404, 12) < new JalaliPeriod(1405, 1));
    }
}
