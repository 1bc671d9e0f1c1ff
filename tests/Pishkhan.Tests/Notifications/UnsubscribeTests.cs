using System.Net;
using System.Text;
using Azure.Data.Tables;
using Pishkhan.Members;
using Pishkhan.Notifications;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Notifications;

public sealed class UnsubscribeTests : IAsyncLifetime
{
    public const string SigningKey = "test-unsubscribe-signing-key-0123456789";
    private TestHost _host = null!;
    private UnsubscribeLinks Links => _host.Services.GetRequiredService<UnsubscribeLinks>();

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync(settings: new() { ["Pishkhan:UnsubscribeSigningKey"] = SigningKey, ["Pishkhan:PublicBaseUrl"] = "https://pishkhan.example" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> AddMemberAsync(string province, string memberId)
    {
        await _host.PutOkAsync($"/api/members/{memberId}", new { name = "عضو آزمایشی", email = $"{memberId}@example.ir", role = "member", province, digest = true });
        return memberId;
    }

    private async Task<bool> DigestOnAsync(string province, string memberId) =>
        (await _host.Table(Tables.Members).GetEntityAsync<MemberEntity>(province, memberId)).Value.Digest;

    [Fact]
    public void SignsAndVerifiesATokenPerMember()
    {
        var links = new UnsubscribeLinks(new PishkhanSettings { UnsubscribeSigningKey = SigningKey, PublicBaseUrl = "https://p.example" });
        var token = links.Token("lorestan", "m-1");
        Assert.Matches("^lorestan\\.m-1\\.[A-Za-z0-9_-]{22}$", token);
        Assert.True(links.TryVerify(token, out var p, out var m));
        Assert.Equal(("lorestan", "m-1"), (p, m));
        Assert.Equal($"https://p.example/api/unsubscribe?t={token}", links.Url("lorestan", "m-1"));

        Assert.False(links.TryVerify(token.Replace("m-1", "m-2"), out _, out _)); // another member, same signature
        Assert.False(links.TryVerify("tehran" + token[8..], out _, out _));
        Assert.False(links.TryVerify(token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), out _, out _));
        var otherKey = new UnsubscribeLinks(new PishkhanSettings { UnsubscribeSigningKey = "another-key" });
        Assert.False(otherKey.TryVerify(token, out _, out _));
        Assert.False(new UnsubscribeLinks(new PishkhanSettings()).TryVerify(token, out _, out _)); // no key: nothing verifies
    }

    [Fact]
    public async Task OneClickGetUnsubscribesAtOnceAndShowsAPersianPage()
    {
        var member = await AddMemberAsync("ilam", "il-m1");
        var response = await _host.Http.GetAsync("/api/unsubscribe?t=" + Links.Token("ilam", member));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html dir=\"rtl\" lang=\"fa\">", page);
        Assert.Contains("دریافت گزارش هفتگی لغو شد", page);
        Assert.False(await DigestOnAsync("ilam", member));
    }

    [Fact]
    public async Task Rfc8058PostUnsubscribesAndIsIdempotent()
    {
        var member = await AddMemberAsync("ilam", "il-m2");
        var url = "/api/unsubscribe?t=" + Links.Token("ilam", member);
        var form = new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded");

        var first = await _host.Http.PostAsync(url, form);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("unsubscribed", (await _host.ReadJsonAsync(first))["status"]!.GetValue<string>());
        Assert.False(await DigestOnAsync("ilam", member));

        var again = await _host.Http.PostAsync(url, new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal("alreadyUnsubscribed", (await _host.ReadJsonAsync(again))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AValidLinkOfARemovedMemberWritesNothing()
    {
        var before = await _host.CountEntitiesAsync();
        var response = await _host.Http.PostAsync("/api/unsubscribe?t=" + Links.Token("ilam", "il-gone"), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alreadyUnsubscribed", (await _host.ReadJsonAsync(response))["status"]!.GetValue<string>());
        Assert.Equal(before, await _host.CountEntitiesAsync());
    }

    public static TheoryData<string> BadTokens() =>
    [
        "",
        "t=",
        "t=nonsense",
        "t=ilam.il-m3",
        "t=ilam.il-m3.AAAAAAAAAAAAAAAAAAAAAA",
        "t=" + Uri.EscapeDataString("ilam.il-m3' or PartitionKey ne '.AAAAAAAAAAAAAAAAAAAAAA"),
        "t=" + Uri.EscapeDataString("ايلام.il-m3.AAAAAAAAAAAAAAAAAAAAAA"),
        "t=" + Uri.EscapeDataString("ilam.il-m۳.AAAAAAAAAAAAAAAAAAAAAA"),
        "t=" + Uri.EscapeDataString("ilam.il-m3\r\n.AAAAAAAAAAAAAAAAAAAAAA"),
        "t=" + Uri.EscapeDataString("ilam.il-m3\0.AAAAAAAAAAAAAAAAAAAAAA"),
        "t=%ED%A0%80",
        "t=" + new string('a', 300),
        "t=a&t=b",
    ];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task RefusesABadLinkWithAProblemAndChangesNothing(string query)
    {
        var member = await AddMemberAsync("ilam", "il-m3");
        var before = await _host.CountEntitiesAsync();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            var response = await _host.Http.SendAsync(new HttpRequestMessage(method, "/api/unsubscribe?" + query));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.True(await DigestOnAsync("ilam", member));
        Assert.Equal(before, await _host.CountEntitiesAsync());
    }
}
