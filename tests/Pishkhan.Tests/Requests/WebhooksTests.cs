using System.Security.Cryptography;
using System.Text;
using Pishkhan.Problems;
using Pishkhan.Requests;

namespace Pishkhan.Tests.Requests;

public sealed class WebhooksTests
{
    [Fact]
    public void SignatureIsTheHexHmacOfTimestampDotBody()
    {
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_x"), Encoding.UTF8.GetBytes("1700000000.{\"a\":1}")));
        Assert.Equal(expected, Webhooks.Sign("whsec_x", 1700000000, "{\"a\":1}"));
    }

    [Theory]
    [InlineData("https://agency.example.ir/hooks/pishkhan", true)]
    [InlineData("http://127.0.0.1:8080/hook", true)]
    [InlineData("http://localhost/hook", true)]
    [InlineData("http://agency.example.ir/hook", false)]
    [InlineData("https://user:pass@agency.example.ir/hook", false)]
    [InlineData("ftp://agency.example.ir/hook", false)]
    [InlineData("/relative/hook", false)]
    [InlineData("https://agency.example.ir/hook#frag", false)]
    [InlineData("http://10.0.0.1/hook", false)]
    public async Task InDevelopmentAcceptsHttpsAndLoopbackHttpOnly(string url, bool ok)
    {
        var errors = new FieldErrors();
        await WebhookTargetsTests.Targets(development: true).ValidateAsync(errors, "webhookUrl", url, default);
        Assert.Equal(ok, !errors.Any);
    }
}
