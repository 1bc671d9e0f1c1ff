using Pishkhan.Text;

namespace Pishkhan.Tests.Text;

public class MaskTests
{
    [Fact]
    public void MasksMiddleOfMobile() => Assert.Equal("0912***4567", Mask.Mobile("09121234567"));

    [Fact]
    public void MasksEmailLocalPartAfterFirstCharacter() => Assert.Equal("a***@example.com", Mask.Email("ali.rezaei@example.com"));

    [Fact]
    public void MasksAllButLastFourOfNationalId() => Assert.Equal("******7890", Mask.NationalId("0123457890"));

    [Fact]
    public void MasksShortOrOddInputsCompletely()
    {
        Assert.Equal("***", Mask.Mobile("0912"));
        Assert.Equal("***", Mask.Email("not-an-email"));
        Assert.Equal("****", Mask.NationalId("1234"));
    }
}
