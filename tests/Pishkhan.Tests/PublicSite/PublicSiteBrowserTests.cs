using System.Text.RegularExpressions;
using System.Text.Json;
using Microsoft.Playwright;
using Pishkhan.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pishkhan.Tests.PublicSite;

/// <summary>
/// The public site and the published report in real Chromium: Persian, right to left, no page-level sideways scroll,
/// the heading on the first screen and no serious or critical axe-core violation, at phone and laptop widths; then
/// the citizen's flows against the local host (complaint → tracking, rating once, Persian field errors).
/// </summary>
public sealed class PublicSiteBrowserTests(PublicSiteFixture site, ITestOutputHelper output) : IClassFixture<PublicSiteFixture>
{
    private static readonly string AxeScript = Path.Combine(RepoRoot.Path, "node_modules", "axe-core", "axe.min.js");

    /// <summary>Each page as a citizen reaches it (with the fragment its links carry) and the h1 it must show.</summary>
    private string Url(string page) => page switch
    {
        "track.html" => $"{site.SiteUrl}/track.html#code={site.TrackingCode}",
        "rate.html" => $"{site.SiteUrl}/rate.html#token=example-token",
        "offices.html" => $"{site.SiteUrl}/offices.html#province={PublicSiteFixture.Province}&county={PublicSiteFixture.County}",
        "report" => site.ReportUrl,
        _ => $"{site.SiteUrl}/{page}",
    };

    private static readonly Dictionary<string, string> Headings = new()
    {
        ["index.html"] = "خدمات شهروندان در دفاتر پیشخوان دولت",
        ["complain.html"] = "ثبت شکایت از دفتر پیشخوان",
        ["track.html"] = "پیگیری شکایت",
        ["rate.html"] = "امتیاز به خدمت دفتر پیشخوان",
        ["offices.html"] = "یافتن دفتر پیشخوان",
        ["report"] = "رتبه‌بندی دفاتر پیشخوان دولت استان لرستان — مهر ۱۴۰۵",
    };

    /// <summary>What shows that the page has finished drawing what the API sent.</summary>
    private static readonly Dictionary<string, string> Ready = new()
    {
        ["index.html"] = "#reports li",
        ["complain.html"] = "#category option[value='overcharging']",
        ["track.html"] = "#complaint:not([hidden]) #timeline li",
        ["rate.html"] = "#rating",
        ["offices.html"] = "#offices li",
        ["report"] = "svg.bars",
    };

    public static TheoryData<string, int> PagesAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (var page in new[] { "index.html", "complain.html", "track.html", "rate.html", "offices.html", "report" })
            foreach (var width in new[] { 390, 1280 })
                data.Add(page, width);
        return data;
    }

    private async Task<IPage> OpenAsync(string page, int width, int height = 844)
    {
        var p = await site.NewPageAsync(width, height);
        var response = await p.GotoAsync(Url(page));
        Assert.Equal(200, response!.Status);
        await p.WaitForSelectorAsync(Ready[page], new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        return p;
    }

    [Theory]
    [MemberData(nameof(PagesAndWidths))]
    public async Task EveryPageIsPersianRightToLeftFitsTheScreenShowsItsHeadingFirstAndPassesAxe(string page, int width)
    {
        var p = await OpenAsync(page, width);

        Assert.Equal("fa", await p.EvaluateAsync<string>("() => document.documentElement.lang"));
        Assert.Equal("rtl", await p.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).direction"));
        Assert.Equal("rtl", await p.EvaluateAsync<string>("() => getComputedStyle(document.body).direction"));
        var (scrollWidth, innerWidth) = (await p.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), await p.EvaluateAsync<int>("() => innerWidth"));
        Assert.True(scrollWidth <= innerWidth, $"{page} at {width} px: the document is {scrollWidth} px wide");

        Assert.Equal(Headings[page], (await p.Locator("h1").TextContentAsync())!.Trim());
        var box = await p.EvaluateAsync<double[]>("() => { const r = document.querySelector('h1').getBoundingClientRect(); return [r.top, r.bottom, r.height, innerHeight]; }");
        Assert.True(box[0] >= 0 && box[1] <= box[3] && box[2] > 0, $"{page} at {width} px: the h1 spans {box[0]}–{box[1]} of a {box[3]} px screen");

        var violations = await AxeAsync(p);
        Assert.True(violations.Length == 0, $"{page} at {width} px, axe-core serious/critical:\n{string.Join("\n", violations)}");
        output.WriteLine($"{page} {width}px: scrollWidth {scrollWidth}, h1 {box[0]:0}–{box[1]:0}, axe serious/critical 0");
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task TheReportShowsItsTitleAndChartOnAPhonesFirstScreen()
    {
        var p = await OpenAsync("report", 390, 844);
        var chartTop = await p.EvaluateAsync<double>("() => document.querySelector('svg.bars').getBoundingClientRect().top");
        Assert.True(chartTop < 844 - 100, $"the chart starts at {chartTop} px, below the first screen");
        // The county tables scroll inside their own box.
        Assert.True(await p.EvaluateAsync<bool>("() => [...document.querySelectorAll('.scroll')].some(b => b.scrollWidth > b.clientWidth)"));
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublicSiteFixture.Shots, "report-390.png") });
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task NoPageScrollsSidewaysFrom360To1920Pixels()
    {
        var lines = new List<string>();
        foreach (var page in Headings.Keys)
        {
            var p = await OpenAsync(page, 360);
            var widths = new List<string>();
            foreach (var width in new[] { 360, 390, 1280, 1920 })
            {
                await p.SetViewportSizeAsync(width, width < 600 ? 844 : 1000);
                var scrollWidth = await p.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                Assert.True(scrollWidth <= width, $"{page} at {width} px: the document is {scrollWidth} px wide");
                widths.Add($"{width}→{scrollWidth}");
            }
            lines.Add($"{page,-14} {string.Join("  ", widths)}");
            if (page != "report")
            {
                await p.SetViewportSizeAsync(390, 844);
                await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublicSiteFixture.Shots, page.Replace(".html", "") + "-390.png") });
                await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublicSiteFixture.Shots, page.Replace(".html", "") + "-390-full.png"), FullPage = true });
            }
            await p.Context.CloseAsync();
        }
        await File.WriteAllLinesAsync(Path.Combine(PublicSiteFixture.Shots, "widths.txt"), lines);
        foreach (var line in lines) output.WriteLine(line);
    }

    [Fact]
    public async Task AComplaintFiledOnThePhoneGivesATrackingCodeThatTheTrackPageShowsWithoutPersonalData()
    {
        var p = await OpenAsync("complain.html", 390);
        await FillComplaintAsync(p, "ps-02");
        await p.FillAsync("#mobile", "۰۹۱۲ ۳۴۵ ۶۷۸۹");
        await p.FillAsync("#nationalId", "۰۰۱۳۵۴۲۴۱۹");
        await p.ClickAsync("#submit");
        var code = (await p.Locator("#tracking-code").TextContentAsync(new LocatorTextContentOptions { Timeout = 15_000 }))!.Trim();
        Assert.Matches("^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$", code);
        Assert.Contains("شکایت شما ثبت شد", await p.Locator("#result").TextContentAsync());
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublicSiteFixture.Shots, "complain-filed-390.png") });

        await p.ClickAsync("#result a[href^='track.html']");
        await p.WaitForSelectorAsync("#complaint:not([hidden]) #timeline li");
        Assert.Equal(code, await p.Locator("#complaint-code").TextContentAsync());
        var text = await p.Locator("main").InnerTextAsync();
        Assert.Contains("دریافت وجه اضافه", text);
        Assert.Contains("ثبت شکایت", text);
        // Jalali with Persian digits: the deadline is a Persian month name and ۰–۹, no Latin digits anywhere in the case.
        var deadlines = await p.Locator("#deadlines").InnerTextAsync();
        Assert.Matches("[۰-۹]{4}", deadlines);
        Assert.Matches("فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند", deadlines);
        Assert.DoesNotMatch("[0-9]", await p.Locator("#facts").InnerTextAsync() + deadlines + await p.Locator("#timeline").InnerTextAsync());
        // No personal data: neither the mobile nor the national ID nor the text of the complaint.
        Assert.DoesNotContain("۰۹۱۲", text);
        Assert.DoesNotContain("09123456789", text);
        Assert.DoesNotContain("0013542419", text);
        Assert.DoesNotContain("رسید ندادند", text);
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublicSiteFixture.Shots, "track-filed-390.png"), FullPage = true });
        await p.Context.CloseAsync();
    }

    private static async Task FillComplaintAsync(IPage p, string office)
    {
        await p.SelectOptionAsync("#province", PublicSiteFixture.Province);
        await p.WaitForSelectorAsync($"#county option[value='{PublicSiteFixture.County}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await p.SelectOptionAsync("#county", PublicSiteFixture.County);
        await p.WaitForSelectorAsync($"#office option[value='{office}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await p.SelectOptionAsync("#office", office);
        await p.SelectOptionAsync("#category", "overcharging");
        await p.FillAsync("#description", "برای صدور کارت سوخت دو برابر تعرفه از من پول گرفتند.");
    }

    [Fact]
    public async Task BadInputIsShownInPersianNextToItsFieldWhetherTheBrowserOrTheServerFindsIt()
    {
        var p = await OpenAsync("complain.html", 390);
        await FillComplaintAsync(p, "ps-01");
        // Caught in the browser: the national ID's check digit, the mobile's form.
        await p.FillAsync("#nationalId", "1234567890");
        await p.FillAsync("#mobile", "0912");
        await p.ClickAsync("#submit");
        Assert.Equal("کد ملی درست نیست: ده رقم که رقم آخر آن رقم کنترل است.", await p.Locator("#nationalId-error").TextContentAsync());
        Assert.Equal("true", await p.GetAttributeAsync("#nationalId", "aria-invalid"));
        Assert.Equal("شمارهٔ همراه را مانند ۰۹۱۲۱۲۳۴۵۶۷ بنویسید.", await p.Locator("#mobile-error").TextContentAsync());
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublicSiteFixture.Shots, "complain-errors-390.png"), FullPage = true });

        // Caught by the server only: an office that does not exist (a stale list). Its problem-details error comes back in Persian.
        await p.FillAsync("#nationalId", "");
        await p.FillAsync("#mobile", "09121234567");
        await p.EvaluateAsync("() => { const s = document.getElementById('office'); const o = document.createElement('option'); o.value = 'ps-gone'; o.textContent = 'دفتر بسته‌شده'; s.appendChild(o); s.value = 'ps-gone'; }");
        var answer = p.WaitForResponseAsync(r => r.Url.EndsWith("/api/complaints") && r.Request.Method == "POST");
        await p.ClickAsync("#submit");
        Assert.Equal(400, (await answer).Status);
        await p.WaitForFunctionAsync("() => document.getElementById('office-error').textContent.length > 0");
        Assert.Equal("این دفتر در سامانه پیدا نشد؛ دفتر را دوباره از فهرست انتخاب کنید.", await p.Locator("#office-error").TextContentAsync());
        Assert.Equal("", await p.Locator("#nationalId-error").TextContentAsync());
        Assert.DoesNotMatch("[A-Za-z]{4,}", await p.Locator("form").InnerTextAsync());
        await p.Context.CloseAsync();
    }

    /// <summary>Chooses a score (and a comment), sends it, and returns the page's answer.</summary>
    private static async Task<string?> RateAsync(IPage p, int score, string? comment = null)
    {
        await p.CheckAsync($"input[name='score'][value='{score}']");
        if (comment is not null) await p.FillAsync("#comment", comment);
        await p.ClickAsync("#submit");
        await p.WaitForFunctionAsync("() => document.getElementById('message').textContent.length > 0");
        return await p.Locator("#message").TextContentAsync();
    }

    [Fact]
    public async Task TheRatingLinkRatesOnceAndASecondUseIsRefusedInPersianWithTheTokenNeverInAServerAddress()
    {
        var token = await site.CompletedRequestTokenAsync("psr");
        var p = await site.NewPageAsync(390);
        var addresses = new List<string>();
        var bodies = new List<string>();
        p.Request += (_, r) => { addresses.Add(r.Url); if (r.PostData is { } d) bodies.Add(d); };
        await p.GotoAsync($"{site.SiteUrl}/rate.html#token={Uri.EscapeDataString(token)}");
        Assert.Equal("سپاس‌گزاریم. امتیاز ۴ از ۵ ثبت شد و در رتبه‌بندی این ماه به حساب می‌آید.", await RateAsync(p, 4, "کارمند دفتر با حوصله راهنمایی کرد."));
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublicSiteFixture.Shots, "rate-done-390.png") });

        await p.ReloadAsync();
        Assert.Equal("با این پیوند پیش‌تر امتیاز داده شده است. هر پیوند فقط یک بار امتیاز می‌دهد.", await RateAsync(p, 1));
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublicSiteFixture.Shots, "rate-used-390.png") });

        // The fragment never leaves the browser: no requested address carries the token; only the POST body does.
        var secret = token.Split('.')[1];
        Assert.DoesNotContain(addresses, a => a.Contains(secret, StringComparison.Ordinal) || a.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Contains(token, StringComparison.Ordinal));

        await p.GotoAsync($"{site.SiteUrl}/rate.html#token=psr_x_0000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        await p.ReloadAsync();
        Assert.Equal("این پیوند امتیازدهی معتبر نیست. پیوند را از پیامک یا ایمیل خود دوباره و کامل باز کنید.", await RateAsync(p, 5));
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task TheRatingSmsInThePickupFolderLinksToTheRatePageWhichRatesOnceAndRefusesASecondUse()
    {
        var sms = await site.CompletedRequestSmsAsync("pss");
        var link = Regex.Match(sms, @"\S+/rate\.html#token=\S+").Value;
        Assert.True(link.StartsWith(site.SiteUrl + "/rate.html#token=", StringComparison.Ordinal), $"{link} is not on {site.SiteUrl}");
        // (Its length in parts is SmsTextTests' business: this test site's address is longer than a real one.)

        var p = await site.NewPageAsync(390);
        await p.GotoAsync(link);
        Assert.Equal("سپاس‌گزاریم. امتیاز ۵ از ۵ ثبت شد و در رتبه‌بندی این ماه به حساب می‌آید.", await RateAsync(p, 5));
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PublicSiteFixture.Shots, "rate-from-sms-390.png") });

        await p.ReloadAsync();
        Assert.Equal("با این پیوند پیش‌تر امتیاز داده شده است. هر پیوند فقط یک بار امتیاز می‌دهد.", await RateAsync(p, 2));
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task TheOfficesPageShowsHoursTierRankAndTheReportButNoPersonalData()
    {
        var p = await OpenAsync("offices.html", 390);
        var text = await p.Locator("#results").InnerTextAsync();
        Assert.Contains("دفتر پیشخوان دولت شماره 1", text);
        Assert.Contains("۱۶:۰۰ تا ۲۰:۰۰", text);
        Assert.Contains("۰۶۶۳۳۲۲۱۱۰۱", text); // a landline is the office's own
        Assert.DoesNotContain("مریم رضایی", text);
        Assert.DoesNotContain("۰۹۱۲۱۲۳۴۵۶۷", text); // a mobile on an office is a person's
        Assert.DoesNotContain("شماره 5", text); // revoked
        Assert.Matches("سطح\\s*(الف|ب|ج|د)", text);
        var report = await p.GetAttributeAsync("#report a", "href");
        Assert.EndsWith($"/rankings/{PublicSiteFixture.Period}/{PublicSiteFixture.Province}/index.html#county-{PublicSiteFixture.County}", report);
        await p.Context.CloseAsync();
    }

    private static async Task<string[]> AxeAsync(IPage page)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = AxeScript });
        var json = await page.EvaluateAsync<string>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return JSON.stringify(result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.impact + ' ' + v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(' | ')));
            }
            """);
        return JsonSerializer.Deserialize<string[]>(json)!;
    }
}
