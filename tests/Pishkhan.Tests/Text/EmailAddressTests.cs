using Pishkhan.Text;

namespace Pishkhan.Tests.Text;

public class EmailAddressTests
{
    [Fact]
    public void TrimsAndLowerCasesOnlyTheDomain()
    {
        Assert.True(EmailAddress.TryNormalize("  Ali.Rezaei@Example.IR ", out var email));
        Assert.Equal("Ali.Rezaei@example.ir", email);
    }

    [Theory]
    [InlineData("a@example.com\r\nBcc: x@evil.com")]
    [InlineData("a@exa\rmple.com")]
    [InlineData("a\n@example.com")]
    [InlineData("a\0@example.com")]
    [InlineData("a@exam\u202Eple.com")]
    public void RejectsLineBreaksAndControlCharacters(string input) =>
        Assert.False(EmailAddress.TryNormalize(input, out _));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("a@b@example.com")]
    [InlineData("Ali <ali@example.com>")]
    [InlineData("ali@")]
    [InlineData("@example.com")]
    public void RejectsMalformedAddressesAndDisplayNames(string? input) =>
        Assert.False(EmailAddress.TryNormalize(input, out _));

    [Fact]
    public void RejectsAddressesLongerThan254Characters()
    {
        var tooLong = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 3)) + ".example.com";
        Assert.True(tooLong.Length > 254);
        Assert.False(EmailAddress.TryNormalize(tooLong, out _));
    }
}
