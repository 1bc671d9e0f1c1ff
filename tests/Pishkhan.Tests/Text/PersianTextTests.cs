using Pishkhan.Text;

namespace Pishkhan.Tests.Text;

public class PersianTextTests
{
    [Fact]
    public void NormalizesPersianAndArabicIndicDigitsToAscii() =>
        Assert.Equal("0123456789-0123456789", PersianText.NormalizeDigits("۰۱۲۳۴۵۶۷۸۹-٠١٢٣٤٥٦٧٨٩"));

    [Fact]
    public void NormalizesArabicYehAndKafToPersian() =>
        Assert.Equal("کیی", PersianText.NormalizeLetters("\u0643\u064A\u0649"));

    [Fact]
    public void NormalizeAppliesLettersAndDigitsAndTrims() =>
        Assert.Equal("کد 1ی 12", PersianText.Normalize("  \u0643د ۱\u064A ١۲ "));

    [Fact]
    public void ConvertsAsciiDigitsToPersianForProse() =>
        Assert.Equal("آذر ۱۴۰۵", PersianText.ToPersianDigits("آذر 1405"));

    [Fact]
    public void ReturnsSameInstanceWhenNothingChanges()
    {
        var s = "office-12";
        Assert.Same(s, PersianText.NormalizeDigits(s));
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("سلام \u202E دنیا")]
    [InlineData("\u2067isolated\u2069")]
    [InlineData("bell\u0007")]
    [InlineData("c1\u0085")]
    [InlineData("del\u007F")]
    public void FlagsControlCharactersLoneSurrogatesAndBidiOverrides(string s) =>
        Assert.True(PersianText.HasForbiddenCharacters(s, allowNewlines: true));

    // Not InlineData: attribute strings are stored as UTF-8, which turns a lone surrogate into U+FFFD.
    [Fact]
    public void FlagsLoneSurrogates()
    {
        Assert.True(PersianText.HasForbiddenCharacters("\ud800", allowNewlines: true));
        Assert.True(PersianText.HasForbiddenCharacters("\ud800x", allowNewlines: true));
        Assert.True(PersianText.HasForbiddenCharacters("abc\udc00", allowNewlines: true));
        Assert.True(PersianText.HasForbiddenCharacters("\udc00\ud800", allowNewlines: true));
    }

    [Fact]
    public void AllowsPersianSentenceWithZeroWidthNonJoiner() =>
        Assert.False(PersianText.HasForbiddenCharacters("می\u200Cخواهم درخواست\u200Cها را پیگیری کنم.", allowNewlines: false));

    [Fact]
    public void AllowsTabAndPairedSurrogates() =>
        Assert.False(PersianText.HasForbiddenCharacters("a\tb 😀", allowNewlines: false));

    [Fact]
    public void AllowsNewlinesOnlyWhenAsked()
    {
        Assert.True(PersianText.HasForbiddenCharacters("line1\r\nline2", allowNewlines: false));
        Assert.False(PersianText.HasForbiddenCharacters("line1\r\nline2", allowNewlines: true));
    }
}
