using Microsoft.Playwright;
using Pishkhan.Notifications.Templates;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Notifications;

namespace Pishkhan.Tests.Digests;

/// <summary>
/// The digest as a mail client would show it: Debian's chromium, headless, driven by Playwright
/// (never "playwright install": the browser is the system's). Phone-sized viewport.
/// </summary>
public sealed class DigestBrowserTests
{
    public static readonly string ScreenshotPath = Path.Combine(RepoRoot.Path, "TestResults", "digest.png");

    [Fact]
    public async Task ARenderedDigestIsRightToLeftAndFitsAPhoneScreen()
    {
        var mail = DigestTemplate.Render(TemplateSamples.Digest(), "https://pishkhan.example/api/unsubscribe?t=lorestan.m1.sig");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        await page.SetContentAsync(mail.Html);

        Assert.Equal("rtl", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).direction"));
        Assert.Equal("rtl", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('table')).direction"));
        Assert.Equal("fa", await page.EvaluateAsync<string>("() => document.documentElement.lang"));
        // Right-aligned: the heading ends at the right edge, the first column of a table is the rightmost.
        var width = await page.EvaluateAsync<double>("() => document.documentElement.clientWidth");
        Assert.True(await page.EvaluateAsync<double>("() => document.querySelector('h1').getBoundingClientRect().right") > width - 60);
        Assert.True(await page.EvaluateAsync<bool>(
            "() => { const c = document.querySelectorAll('tbody tr')[0].children; return c[0].getBoundingClientRect().left > c[1].getBoundingClientRect().left; }"));
        // Phone: nothing wider than the screen, so no sideways scrolling of the page.
        Assert.True(await page.EvaluateAsync<double>("() => document.documentElement.scrollWidth") <= width);
        // User text stayed text: the <b> in an office name is shown, not applied.
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('td b').length"));

        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath, FullPage = true });
        Assert.True(new FileInfo(ScreenshotPath).Length > 10_000);
    }
}
