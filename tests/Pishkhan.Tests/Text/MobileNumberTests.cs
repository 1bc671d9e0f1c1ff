using Pishkhan.Text;

namespace Pishkhan.Tests.Text;

public class MobileNumberTests
{
    [Theory]
    [InlineData("09123456789")]
    [InlineData("+989123456789")]
    [InlineData("00989123456789")]
    [InlineData("989123456789")]
    [InlineData("9123456789")]
    [InlineData("۰۹۱۲۳۴۵۶۷۸۹")]
    [InlineData("٠٩١٢٣٤٥٦٧٨٩")]
    [InlineData("0912 345 6789")]
    [InlineData("+98 912-345-6789")]
    [InlineData("  ۰۹۱۲-۳۴۵-۶۷۸۹ ")]
    public void NormalizesEveryCommonFormToZeroNinePrefix(string input)
    {
        Assert.True(MobileNumber.TryNormalize(input, out var mobile));
        Assert.Equal("09123456789", mobile);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("02112345678")]
    [InlineData("0912345678")]
    [InlineData("091234567890")]
    [InlineData("+449123456789")]
    [InlineData("09a23456789")]
    [InlineData("98+9123456789")]
    public void RejectsLandlinesWrongLengthsAndForeignPrefixes(string? input) =>
        Assert.False(MobileNumber.TryNormalize(input, out _));
}
