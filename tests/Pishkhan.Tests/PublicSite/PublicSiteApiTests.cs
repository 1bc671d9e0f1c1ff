using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Pishkhan.PublicSite;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.PublicSite;

/// <summary>The site's publication to $web, its files, the public read routes and CORS, over HTTP without a browser.</summary>
public sealed partial class PublicSiteApiTests(PublicSiteFixture site) : IClassFixture<PublicSiteFixture>
{
    private TestHost Host => site.Host;

    [Fact]
    public async Task PublishingAgainUploadsNothingAndANewApiAddressOnlyConfigJs()
    {
        var publisher = Host.Services.GetRequiredService<SitePublisher>();
        var again = await publisher.PublishAsync(site.ApiBaseUrl);
        Assert.Equal(0, again.Uploaded);
        Assert.Equal(SitePublisher.Files.Count + 1, again.Unchanged);

        var moved = await publisher.PublishAsync("http://127.0.0.1:1/api");
        Assert.Equal(1, moved.Uploaded);
        Assert.Contains("\"apiBaseUrl\":\"http://127.0.0.1:1/api\"", await GetTextAsync("config.js"));
        Assert.Equal(1, (await publisher.PublishAsync(site.ApiBaseUrl)).Uploaded);
    }

    [Theory]
    [InlineData("index.html", "text/html; charset=utf-8", "no-cache")]
    [InlineData("rate.html", "text/html; charset=utf-8", "no-cache")]
    [InlineData("config.js", "text/javascript; charset=utf-8", "no-cache")]
    [InlineData("site.js", "text/javascript; charset=utf-8", "public, max-age=300")]
    [InlineData("site.css", "text/css; charset=utf-8", "public, max-age=300")]
    public async Task EachFileIsServedWithItsContentTypeAndCacheHeader(string file, string contentType, string cacheControl)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync($"{site.SiteUrl}/{file}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.ToString());
        Assert.Equal(cacheControl, response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public void EveryPageIsPersianRightToLeftAndLoadsNothingFromAnotherSite()
    {
        foreach (var page in SitePublisher.Pages.Append("404.html"))
        {
            var html = Encoding.UTF8.GetString(SitePublisher.Files[page]);
            Assert.Contains("<html lang=\"fa\" dir=\"rtl\">", html);
            Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html);
            Assert.Contains("Content-Security-Policy", html);
            Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
            Assert.Single(Regex.Matches(html, "<h1>"));
            // Every input, select and textarea has a label: <label for=id> or an enclosing <label>.
            foreach (Match control in ControlId().Matches(html))
                Assert.Contains($"for=\"{control.Groups[1].Value}\"", html);
        }
    }

    [Fact]
    public void NoScriptWritesMarkupIntoThePage()
    {
        foreach (var (name, content) in SitePublisher.Files.Where(f => f.Key.EndsWith(".js", StringComparison.Ordinal)))
        {
            var script = Encoding.UTF8.GetString(content);
            Assert.DoesNotMatch(@"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", script);
            Assert.Contains("'use strict'", script);
        }
    }

    [Fact]
    public async Task APreflightFromTheSitesOriginIsAllowedAndFromAnotherOriginRefused()
    {
        var origin = new Uri(site.SiteUrl).GetLeftPart(UriPartial.Authority);
        var allowed = await PreflightAsync(origin);
        Assert.True(allowed.IsSuccessStatusCode, $"{(int)allowed.StatusCode}");
        Assert.Equal(origin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Methods")));
        Assert.Contains("content-type", string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

        var refused = await PreflightAsync("http://pishkhan.attacker.example");
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));

        var get = new HttpRequestMessage(HttpMethod.Get, "/api/complaint-categories");
        get.Headers.Add("Origin", origin);
        Assert.Equal(origin, (await Host.Http.SendAsync(get)).Headers.GetValues("Access-Control-Allow-Origin").Single());
        var foreign = new HttpRequestMessage(HttpMethod.Get, "/api/complaint-categories");
        foreign.Headers.Add("Origin", "http://pishkhan.attacker.example");
        Assert.False((await Host.Http.SendAsync(foreign)).Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task APreflightAllowsTheConsolesKeyIdempotencyKeyAndDeleteFromTheSitesOriginOnly()
    {
        var origin = new Uri(site.SiteUrl).GetLeftPart(UriPartial.Authority);
        // What the console sends: its key on every call, an Idempotency-Key with an inspection, DELETE to revoke a key.
        var inspection = await PreflightAsync(origin, "POST", "content-type,idempotency-key,x-api-key", "/api/inspections");
        Assert.Equal(origin, inspection.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var headers = string.Join(",", inspection.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("x-api-key", headers);
        Assert.Contains("idempotency-key", headers);
        Assert.False(inspection.Headers.Contains("Access-Control-Allow-Credentials"));
        var revoke = await PreflightAsync(origin, "DELETE", "x-api-key", "/api/keys/0123456789abcdef");
        Assert.Equal(origin, revoke.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("DELETE", string.Join(",", revoke.Headers.GetValues("Access-Control-Allow-Methods")));

        // Exactly that (the browser compares the request with these lists): GET, POST and DELETE, no PUT (the console plans
        // nothing); the three headers and no other; and no origin but the site's.
        var put = await PreflightAsync(origin, "PUT", "x-api-key", "/api/offices/ps-01");
        Assert.Equal(["DELETE", "GET", "POST"], string.Join(",", put.Headers.GetValues("Access-Control-Allow-Methods")).Split(',').Select(m => m.Trim()).Order());
        var other = await PreflightAsync(origin, "POST", "x-api-key,x-forwarded-for", "/api/keys");
        Assert.Equal(["content-type", "idempotency-key", "x-api-key"],
            string.Join(",", other.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant().Split(',').Select(h => h.Trim()).Order());
        Assert.False((await PreflightAsync("http://pishkhan.attacker.example", "GET", "x-api-key", "/api/me")).Headers.Contains("Access-Control-Allow-Origin"));
    }

    private Task<HttpResponseMessage> PreflightAsync(string origin, string method = "POST", string headers = "content-type", string path = "/api/ratings")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return Host.Http.SendAsync(request);
    }

    [Fact]
    public async Task PublicOfficesShowOnlyPublicFieldsWithTheLatestRankAndTier()
    {
        var response = await Host.SendAsync(HttpMethod.Get, $"/api/public/offices?countyCode={PublicSiteFixture.County}", key: null);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var secret in new[] { "managerName", "مریم رضایی", "licenseNo", "LR-1402", "email", "example.ir", "openComplaints", "activeSanctions", "09121234567" })
            Assert.DoesNotContain(secret, raw);

        var json = await Host.ReadJsonAsync(response);
        var items = json["items"]!.AsArray();
        Assert.Equal(new[] { "ps-01", "ps-02", "ps-03", "ps-04" }, items.Select(i => i!["officeCode"]!.GetValue<string>()).Order());
        Assert.Equal(Enumerable.Range(1, 4), items.Select(i => i!["countyRank"]!.GetValue<int>()));
        Assert.All(items, i => Assert.Contains(i!["tier"]!.GetValue<string>(), new[] { "alef", "be", "jim", "dal" }));
        var first = items.Single(i => i!["officeCode"]!.GetValue<string>() == "ps-01")!;
        Assert.Equal("06633221101", first["phone"]!.GetValue<string>());
        Assert.Equal("16:00-20:00", first["openingHours"]!["afterHours"]!.GetValue<string>());
        Assert.Null(items.Single(i => i!["officeCode"]!.GetValue<string>() == "ps-02")!["phone"]);
        Assert.Equal("مهر ۱۴۰۵", json["ranking"]!["periodName"]!.GetValue<string>());
        Assert.EndsWith($"#county-{PublicSiteFixture.County}", json["ranking"]!["reportUrl"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/public/offices?countyCode=no-such-county", key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.SendAsync(HttpMethod.Get, "/api/public/offices", key: null)).StatusCode);
    }

    [Fact]
    public async Task PublishedReportsListEachProvincesLatestReportThatOpens()
    {
        var json = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/public/reports", key: null));
        var lorestan = json["items"]!.AsArray().Single(i => i!["province"]!.GetValue<string>() == PublicSiteFixture.Province)!;
        Assert.Equal(PublicSiteFixture.Period, lorestan["period"]!.GetValue<string>());
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip });
        var report = await http.GetAsync(lorestan["reportUrl"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Contains("رتبه‌بندی دفاتر پیشخوان دولت استان لرستان", await report.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("06633221100", "06633221100")]
    [InlineData("۰۶۶-۳۳۲۲-۱۱۰۰", "06633221100")]
    [InlineData("+98 21 8888 7777", "02188887777")]
    [InlineData("09121234567", null)]
    [InlineData("+989121234567", null)]
    [InlineData("1234", null)]
    public void OnlyALandlineIsPublishedAsTheOfficesPhone(string phone, string? published) =>
        Assert.Equal(published, PublicSiteApi.PublicPhone(phone));

    private async Task<string> GetTextAsync(string file)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"{site.SiteUrl}/{file}");
    }

    [GeneratedRegex("<(?:input|select|textarea)[^>]*\\sid=\"([^\"]+)\"(?![^>]*type=\"radio\")")]
    private static partial Regex ControlId();
}
