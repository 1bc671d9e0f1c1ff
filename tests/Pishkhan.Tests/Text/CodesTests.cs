using Pishkhan.Text;

namespace Pishkhan.Tests.Text;

public class CodesTests
{
    [Theory]
    [InlineData("Teh-0012", "teh-0012")]
    [InlineData(" office-۱۲ ", "office-12")]
    [InlineData("٤٢", "42")]
    [InlineData("ab", "ab")]
    public void NormalizesDigitsCaseAndSpaces(string input, string expected)
    {
        Assert.True(Codes.TryNormalize(input, out var code));
        Assert.Equal(expected, code);
    }

    [Theory]
    [InlineData("دفتر-1")]
    [InlineData("off\u064Aice")]  // Arabic yeh
    [InlineData("\u0643ode")]     // Arabic kaf
    [InlineData("\u212Aelvin")]   // Kelvin sign, which culture-aware lowering would turn into k
    [InlineData("\u0130stanbul")] // Turkish dotted I
    public void RejectsNonAsciiLetters(string input) =>
        Assert.False(Codes.TryNormalize(input, out _));

    [Theory]
    [InlineData(null)]
    [InlineData("a")]
    [InlineData("-ab")]
    [InlineData("a b")]
    [InlineData("a_b")]
    [InlineData("a/b")]
    public void RejectsTooShortLeadingDashAndPunctuation(string? input) =>
        Assert.False(Codes.TryNormalize(input, out _));

    [Fact]
    public void AcceptsFortyCharactersButNotFortyOne()
    {
        Assert.True(Codes.TryNormalize(new string('a', 40), out _));
        Assert.False(Codes.TryNormalize(new string('a', 41), out _));
    }
}
