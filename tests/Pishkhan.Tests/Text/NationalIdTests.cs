using Pishkhan.Text;

namespace Pishkhan.Tests.Text;

public class NationalIdTests
{
    // Check digits worked by hand: 0499370899: sum 266, 266 % 11 = 2, check 11 - 2 = 9.
    // 0012345679: sum 112, r = 2, check 9. 1234567891: sum 210, r = 1 < 2, check 1.
    [Theory]
    [InlineData("0499370899")]
    [InlineData("0012345679")]
    [InlineData("1234567891")]
    public void AcceptsNationalIdWithCorrectCheckDigit(string input)
    {
        Assert.True(NationalId.TryNormalize(input, out var id));
        Assert.Equal(input, id);
    }

    [Fact]
    public void NormalizesPersianDigitsAndSurroundingSpaces()
    {
        Assert.True(NationalId.TryNormalize(" ۰۴۹۹۳۷۰۸۹۹ ", out var id));
        Assert.Equal("0499370899", id);
    }

    [Fact]
    public void RejectsNationalIdWithWrongCheckDigit() =>
        Assert.False(NationalId.TryNormalize("0499370898", out _));

    [Fact]
    public void RejectsTenIdenticalDigitsEvenThoughChecksumPasses() =>
        Assert.False(NationalId.TryNormalize("1111111111", out _));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("049937089")]
    [InlineData("04993708990")]
    [InlineData("049-370899")]
    [InlineData("04993708 9")]
    public void RejectsWrongLengthOrNonDigits(string? input)
    {
        Assert.False(NationalId.TryNormalize(input, out var id));
        Assert.Equal("", id);
    }
}
