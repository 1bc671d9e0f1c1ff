using Pishkhan.Calendar;

namespace Pishkhan.Tests.Calendar;

public class JalaliDateTests
{
    // Hand-checked: the March 2026 equinox falls after Tehran noon on 20 March, so Nowruz 1405 is
    // 21 March 2026; Azar starts on day 6*31 + 2*30 + 1 = 247 of the year, which is 22 November.
    [Theory]
    [InlineData(2026, 3, 21, "1405-01-01")]
    [InlineData(2026, 11, 22, "1405-09-01")]
    [InlineData(2026, 11, 24, "1405-09-03")]
    [InlineData(2025, 3, 21, "1404-01-01")]
    [InlineData(2025, 3, 20, "1403-12-30")]
    public void FormatsGregorianDatesAsJalali(int y, int m, int d, string expected) =>
        Assert.Equal(expected, JalaliDate.FormatAscii(new DateOnly(y, m, d)));

    [Fact]
    public void FormatsWithPersianDigitsAndSlashes() =>
        Assert.Equal("۱۴۰۵/۰۹/۰۳", JalaliDate.Format(new DateOnly(2026, 11, 24)));

    [Theory]
    [InlineData("1405-09-03")]
    [InlineData("۱۴۰۵-۰۹-۰۳")]
    public void ParsesJalaliDateToGregorian(string input)
    {
        Assert.True(JalaliDate.TryParse(input, out var date));
        Assert.Equal(new DateOnly(2026, 11, 24), date);
    }

    [Fact]
    public void AcceptsThirtiethOfEsfandOnlyInLeapYear()
    {
        Assert.True(JalaliDate.TryParse("1403-12-30", out var date));
        Assert.Equal(new DateOnly(2025, 3, 20), date);
        Assert.False(JalaliDate.TryParse("1405-12-30", out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1405-07-31")] // Mehr has 30 days
    [InlineData("1405-13-01")]
    [InlineData("1405-00-10")]
    [InlineData("1405-01-00")]
    [InlineData("1405/09/03")]
    [InlineData("1405-9-3")]
    [InlineData(" 1405-09-03")]
    [InlineData("1299-01-01")]
    [InlineData("1405-0a-03")]
    public void RejectsMalformedOrImpossibleDates(string? input) =>
        Assert.False(JalaliDate.TryParse(input, out _));

    [Theory]
    [InlineData(2026, 3, 21, "شنبه")]
    [InlineData(2026, 11, 22, "یکشنبه")]
    [InlineData(2026, 11, 24, "سه‌شنبه")]
    [InlineData(2026, 11, 26, "پنج‌شنبه")]
    [InlineData(2026, 11, 27, "جمعه")]
    public void NamesWeekdaysInPersian(int y, int m, int d, string expected) =>
        Assert.Equal(expected, JalaliDate.WeekdayFa(new DateOnly(y, m, d)));
}
