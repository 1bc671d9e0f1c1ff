using Pishkhan.Http;
using Pishkhan.Problems;

// Not Pishkhan.Tests.Http: that would shadow Pishkhan.Http in every test file.
namespace Pishkhan.Tests.HttpTests;

public sealed class PagingTests
{
    // A storage token whose base64 needs both '-' and '_' (and padding, left out).
    private const string StorageToken = "1!8!bG9y ??>???~";
    // What the hand-written encoder this replaced wrote for it: tokens already handed out stay readable.
    private const string IssuedBefore = "MSE4IWJHOXkgPz8-Pz8_fg";

    [Fact]
    public void AContinuationTokenIsUnpaddedBase64UrlAsBefore() => Assert.Equal(IssuedBefore, Paging.Encode(StorageToken));

    [Fact]
    public void ATokenIssuedBeforeDecodes() => Assert.Equal(StorageToken, Paging.Decode(IssuedBefore));

    [Theory]
    [InlineData("MSE4IWJHOXkgPz8+Pz8/fg")] // plain base64, not base64url
    [InlineData("not a token")]
    [InlineData("AA")]                     // decodes to a control character
    public void AnythingElseIsAFieldError(string token) => Assert.Throws<ApiProblem>(() => Paging.Decode(token));
}
