using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Pishkhan.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pishkhan.Tests.PublicSite;

/// <summary>
/// The working-group console in Debian's Chromium: the page checks of the public site per role at 390 and 1,280 px,
/// sign-in and sign-out with the key in sessionStorage only, and the flows against the local host on Azurite: the
/// inspector's checklist on a phone to the processed score, a complaint decided and shown on the public track page, a
/// sanction confirmed and shown in the office view, one POST for a double click or a retried submit; and the scopes
/// (an inspector sees only its county; a member sees no complainant).
/// </summary>
public sealed class ConsoleBrowserTests(ConsoleFixture console, ITestOutputHelper output) : IClassFixture<ConsoleFixture>
{
    private static readonly string AxeScript = Path.Combine(RepoRoot.Path, "node_modules", "axe-core", "axe.min.js");
    private PublicSiteFixture Site => console.Site;

    private string KeyOf(string role) => role switch
    {
        "admin" => console.AdminKey,
        "member" => console.MemberKey,
        "inspector" => console.InspectorKey,
        _ => "",
    };

    /// <summary>Each role's pages, as the menu links them, and what shows the page has drawn the API's answer.</summary>
    private string PageUrl(string page) => page switch
    {
        "case.html" => $"{console.ConsoleUrl}/case.html#code={console.Complaint}",
        "office.html" => $"{console.ConsoleUrl}/office.html#code=ps-04",
        _ => $"{console.ConsoleUrl}/{page}",
    };

    private static readonly Dictionary<string, (string Heading, string Ready)> Pages = new()
    {
        ["signin"] = ("میز کار کارگروه دفاتر پیشخوان", "#signin:not([hidden])"),
        ["index.html"] = ("میز کار کارگروه دفاتر پیشخوان", "#home:not([hidden]) #menu li"),
        ["complaints.html"] = ("صف شکایت‌های در جریان", "#open li"),
        ["case.html"] = ("پروندهٔ شکایت", "#case:not([hidden]) #timeline li"),
        ["inspect.html"] = ("فرم بازرسی دفتر", "#checklist fieldset"),
        ["office.html"] = ("پروندهٔ دفتر", "#sanctions li"),
        ["sanctions.html"] = ("برخوردهای در انتظار تصمیم", "#sanctions li"),
        ["board.html"] = ("اهداف برنامه و رتبه‌بندی", "#targets-body tr"),
        ["admin.html"] = ("کلیدها، دفاتر و جلسه‌ها", "#d-owner option[value='m-chair']"),
    };

    public static TheoryData<string, string, int> RolePagesAndWidths()
    {
        var data = new TheoryData<string, string, int>();
        var pages = new (string Role, string[] Pages)[]
        {
            ("none", ["signin"]),
            ("inspector", ["index.html", "complaints.html", "case.html", "inspect.html", "office.html"]),
            ("admin", ["index.html", "sanctions.html", "board.html", "admin.html"]),
            ("member", ["index.html", "board.html"]),
        };
        foreach (var (role, list) in pages)
            foreach (var page in list)
                foreach (var width in new[] { 390, 1280 })
                    data.Add(role, page, width);
        return data;
    }

    /// <summary>Signs in as a staff member would: the sign-in page, the key pasted, who the key is shown.</summary>
    private async Task<IPage> SignedInAsync(string role, int width = 390, int height = 844)
    {
        var p = await Site.NewPageAsync(width, height);
        await p.GotoAsync($"{console.ConsoleUrl}/index.html");
        if (role == "none") return p;
        await p.FillAsync("#key", KeyOf(role));
        await p.ClickAsync("#signin-submit");
        await p.WaitForSelectorAsync("#who:not([hidden])", new PageWaitForSelectorOptions { Timeout = 15_000 });
        return p;
    }

    private async Task<IPage> OpenAsync(string role, string page, int width = 390, int height = 844)
    {
        var p = await SignedInAsync(role, width, height);
        if (page is not ("signin" or "index.html")) await p.GotoAsync(PageUrl(page));
        await p.WaitForSelectorAsync(Pages[page].Ready, new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 20_000 });
        return p;
    }

    [Theory]
    [MemberData(nameof(RolePagesAndWidths))]
    public async Task EveryConsolePageIsPersianRightToLeftFitsTheScreenShowsItsHeadingFirstAndPassesAxe(string role, string page, int width)
    {
        var p = await OpenAsync(role, page, width);
        Assert.Equal("fa", await p.EvaluateAsync<string>("() => document.documentElement.lang"));
        Assert.Equal("rtl", await p.EvaluateAsync<string>("() => getComputedStyle(document.body).direction"));
        var (scrollWidth, innerWidth) = (await p.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), await p.EvaluateAsync<int>("() => innerWidth"));
        Assert.True(scrollWidth <= innerWidth, $"{role} {page} at {width} px: the document is {scrollWidth} px wide");
        Assert.Equal(Pages[page].Heading, (await p.Locator("h1").TextContentAsync())!.Trim());
        var box = await p.EvaluateAsync<double[]>("() => { const r = document.querySelector('h1').getBoundingClientRect(); return [r.top, r.bottom, r.height, innerHeight]; }");
        Assert.True(box[0] >= 0 && box[1] <= box[3] && box[2] > 0, $"{role} {page} at {width} px: the h1 spans {box[0]}–{box[1]} of a {box[3]} px screen");
        var violations = await AxeAsync(p);
        Assert.True(violations.Length == 0, $"{role} {page} at {width} px, axe-core serious/critical:\n{string.Join("\n", violations)}");
        if (width == 390)
        {
            var name = $"{role}-{page.Replace(".html", "")}-390";
            await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Shots, name + ".png") });
            await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Shots, name + "-full.png"), FullPage = true });
        }
        output.WriteLine($"{role} {page} {width}px: scrollWidth {scrollWidth}, h1 {box[0]:0}–{box[1]:0}, axe serious/critical 0");
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task TheKeyLivesInSessionStorageOnlyShowsWhoItIsAndSignOutForgetsIt()
    {
        var addresses = new List<string>();
        var p = await SignedInAsync("inspector");
        p.Request += (_, r) => addresses.Add(r.Url);
        Assert.Equal("تیم بازرسی شهرستان — شهرستان خرم‌آباد، استان لرستان", await p.Locator("#who-text").TextContentAsync());
        Assert.Equal(console.InspectorKey, await p.EvaluateAsync<string>("() => sessionStorage.getItem('pishkhan-api-key')"));
        Assert.Equal(0, await p.EvaluateAsync<int>("() => localStorage.length"));
        Assert.DoesNotContain(console.InspectorKey, p.Url, StringComparison.Ordinal);
        await p.GotoAsync($"{console.ConsoleUrl}/complaints.html");
        await p.WaitForSelectorAsync("#open li");
        Assert.DoesNotContain(addresses, a => a.Contains(console.InspectorKey, StringComparison.Ordinal));
        // The menu hides what the API would refuse an inspector: sanctions, the board, keys.
        var menu = await p.Locator("#nav").InnerTextAsync();
        Assert.Contains("شکایت‌ها", menu);
        Assert.DoesNotContain("برخوردها", menu);
        Assert.DoesNotContain("کلیدها", menu);

        await p.ClickAsync("#signout");
        await p.WaitForSelectorAsync("#signin:not([hidden])");
        Assert.Null(await p.EvaluateAsync<string?>("() => sessionStorage.getItem('pishkhan-api-key')"));
        Assert.Equal("از میز کار خارج شدید. کلید از این مرورگر پاک شد.", await p.Locator("#message").TextContentAsync());
        await p.GotoAsync($"{console.ConsoleUrl}/complaints.html");
        await p.WaitForSelectorAsync("#signin:not([hidden])");
        Assert.Equal("برای دیدن این بخش ابتدا با کلید خود وارد شوید.", await p.Locator("#message").TextContentAsync());
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Shots, "signin-required-390.png") });

        await p.FillAsync("#key", "pk_0123456789abcdef_notakey");
        await p.ClickAsync("#signin-submit");
        await p.WaitForFunctionAsync("() => document.getElementById('key-error').textContent.length > 0");
        Assert.Equal("این کلید پذیرفته نشد: نادرست، منقضی یا باطل‌شده است.", await p.Locator("#key-error").TextContentAsync());
        Assert.Null(await p.EvaluateAsync<string?>("() => sessionStorage.getItem('pishkhan-api-key')"));
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task ARevokedKeyReturnsToSignInWithAPersianMessage()
    {
        var key = await console.Host.IssueKeyAsync("inspector", ConsoleFixture.County, console.AdminKey);
        var p = await Site.NewPageAsync(390);
        await p.GotoAsync($"{console.ConsoleUrl}/index.html");
        await p.FillAsync("#key", key);
        await p.ClickAsync("#signin-submit");
        await p.WaitForSelectorAsync("#who:not([hidden])");
        // The home page's own calls finish first: one answered 401 after the revocation below would send the page back
        // to sign-in itself, and that navigation aborted the test's (net::ERR_ABORTED once under the full suite's load).
        await p.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var keyId = key.Split('_')[1];
        Assert.Equal(HttpStatusCode.NoContent, (await console.Host.SendAsync(HttpMethod.Delete, "/api/keys/" + keyId, key: console.AdminKey)).StatusCode);
        await p.GotoAsync($"{console.ConsoleUrl}/complaints.html");
        await p.WaitForSelectorAsync("#signin:not([hidden])", new PageWaitForSelectorOptions { Timeout = 15_000 });
        Assert.Equal("کلید شما پذیرفته نشد: منقضی یا باطل شده است. کلید تازه را از دبیرخانهٔ کارگروه بگیرید و دوباره وارد شوید.",
            await p.Locator("#message").TextContentAsync());
        Assert.Null(await p.EvaluateAsync<string?>("() => sessionStorage.getItem('pishkhan-api-key')"));
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Shots, "signin-expired-390.png") });
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task TheInspectorFilesAFullChecklistOnAPhoneAndSeesTheProcessedScore()
    {
        var p = await SignedInAsync("inspector");
        var calls = new List<string>();
        p.Request += (_, r) => { if (r.Url.StartsWith(Site.ApiBaseUrl, StringComparison.Ordinal)) calls.Add(r.Method + " " + new Uri(r.Url).AbsolutePath); };
        await p.GotoAsync($"{console.ConsoleUrl}/inspect.html");
        await p.WaitForSelectorAsync("#checklist fieldset");
        var template = await console.Host.ReadJsonAsync(await console.Host.SendAsync(HttpMethod.Get, "/api/inspection-templates/current", key: console.InspectorKey));
        var items = template["items"]!.AsArray();
        Assert.Equal(items.Count, await p.Locator("#checklist fieldset.item").CountAsync());
        Assert.Equal(items.Count(i => i!["critical"]?.GetValue<bool>() == true), await p.Locator("#checklist fieldset.item.critical").CountAsync());
        // Grouped by category: as many headings as categories.
        Assert.Equal(items.Select(i => i!["category"]!.GetValue<string>()).Distinct().Count(), await p.Locator("#checklist section.category > h2").CountAsync());

        await p.SelectOptionAsync("#office", "ps-03");
        foreach (var item in items)
        {
            var code = item!["code"]!.GetValue<string>();
            var result = code switch { "queue-system-working" => "fail", "after-hours-as-declared" => "na", _ => "pass" };
            await p.CheckAsync($"#item-{code}-{result}");
        }
        await p.FillAsync("#item-queue-system-working-note", "دستگاه نوبت‌دهی خاموش بود.");
        // The running score is the server's rule: weighted share of the applicable items passed.
        var applicable = items.Where(i => i!["code"]!.GetValue<string>() != "after-hours-as-declared").Sum(i => i!["weight"]!.GetValue<int>());
        var failed = items.Single(i => i!["code"]!.GetValue<string>() == "queue-system-working")!["weight"]!.GetValue<int>();
        var expected = Math.Round(100.0 * (applicable - failed) / applicable, 1, MidpointRounding.AwayFromZero);
        var running = await p.Locator("#score").TextContentAsync();
        Assert.Contains(Persian(expected), running);
        Assert.Contains(Persian(items.Count) + " از " + Persian(items.Count), running);
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Shots, "inspector-inspect-filled-390.png") });

        await p.ClickAsync("#submit");
        await p.WaitForSelectorAsync("#outcome-score", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var posted = calls.Count(c => c == "POST /api/inspections");
        Assert.Equal(1, posted);
        var id = (await console.Host.ReadJsonAsync(await console.Host.SendAsync(HttpMethod.Get, "/api/inspections?officeCode=ps-03", key: console.InspectorKey)))["items"]!
            .AsArray().Single()!["id"]!.GetValue<string>();
        var processed = await console.ProcessedAsync(id);
        Assert.Equal(expected, processed["outcome"]!["score"]!.GetValue<double>());
        Assert.StartsWith(Persian(expected), (await p.Locator("#outcome-score").TextContentAsync())!);
        var outcome = await p.Locator("#outcome").InnerTextAsync();
        Assert.Contains("سامانه نوبت‌دهی فعال است", outcome); // the violation and its corrective action
        Assert.Contains("بازدید پیگیری", outcome);
        Assert.Matches("فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند", outcome);
        // Persian digits and Jalali dates throughout; the office code is the one Latin identifier.
        Assert.DoesNotMatch("[0-9]", (await p.Locator("#outcome-facts").InnerTextAsync()).Replace("ps-03", "", StringComparison.Ordinal) + await p.Locator("#actions").InnerTextAsync());
        var scroll = await p.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scroll <= 390, $"the outcome is {scroll} px wide");
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Shots, "inspector-inspect-outcome-390.png"), FullPage = true });

        var line = $"inspection form, open → processed outcome: {calls.Count} API calls ({string.Join(", ", calls.GroupBy(c => c).Select(g => $"{g.Count()}× {g.Key}"))})";
        output.WriteLine(line);
        await File.WriteAllTextAsync(Path.Combine(ConsoleFixture.Shots, "inspection-calls.txt"), line + Environment.NewLine);
        await p.Context.CloseAsync();
    }

    /// <summary>A number as Intl.NumberFormat('fa-IR') writes it: Persian digits, the Arabic decimal separator, one decimal at most.</summary>
    private static string Persian(double value) => string.Concat(value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)
        .Select(c => c == '.' ? '\u066B' : char.IsAsciiDigit(c) ? (char)('\u06F0' + (c - '0')) : c));

    /// <summary>Ticks every item "pass" in the page's own form (the test of what is posted, not of clicking).</summary>
    private static Task PassEverythingAsync(IPage p) =>
        p.EvaluateAsync("() => document.querySelectorAll('#checklist input[type=radio][value=pass]').forEach(r => { r.checked = true; r.dispatchEvent(new Event('change', { bubbles: true })); })");

    [Fact]
    public async Task ADoubleClickOnSubmitPostsOnce()
    {
        var p = await SignedInAsync("inspector");
        var posts = new List<string>();
        p.Request += (_, r) => { if (r.Method == "POST" && r.Url.EndsWith("/api/inspections", StringComparison.Ordinal)) posts.Add(r.Headers.GetValueOrDefault("idempotency-key", "")); };
        await p.GotoAsync($"{console.ConsoleUrl}/inspect.html");
        await p.WaitForSelectorAsync("#checklist fieldset");
        await p.SelectOptionAsync("#office", "ps-01");
        await PassEverythingAsync(p);
        await p.DblClickAsync("#submit");
        await p.EvaluateAsync("() => document.getElementById('inspection').requestSubmit()"); // a third try, past the disabled button
        await p.WaitForSelectorAsync("#outcome-score", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Single(posts);
        var list = await console.Host.ReadJsonAsync(await console.Host.SendAsync(HttpMethod.Get, "/api/inspections?officeCode=ps-01", key: console.InspectorKey));
        Assert.Single(list["items"]!.AsArray());
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task ASubmitRetriedAfterALostAnswerKeepsItsIdempotencyKeyAndTheServerKeepsOneInspection()
    {
        var p = await SignedInAsync("inspector");
        var keys = new List<string>();
        var lost = false;
        await p.RouteAsync("**/api/inspections", async route =>
        {
            if (route.Request.Method == "POST") keys.Add(route.Request.Headers.GetValueOrDefault("idempotency-key", ""));
            if (route.Request.Method == "POST" && !lost)
            {
                lost = true;
                await route.FetchAsync(); // the server stores it …
                await route.AbortAsync("connectionreset"); // … and the answer is lost on a bad connection
                return;
            }
            await route.ContinueAsync();
        });
        await p.GotoAsync($"{console.ConsoleUrl}/inspect.html");
        await p.WaitForSelectorAsync("#checklist fieldset");
        await p.SelectOptionAsync("#office", "ps-02");
        await PassEverythingAsync(p);
        await p.ClickAsync("#submit");
        await p.WaitForFunctionAsync("() => document.getElementById('message').textContent.includes('ارتباط برقرار نشد')");
        await p.ClickAsync("#submit");
        await p.WaitForSelectorAsync("#outcome-score", new PageWaitForSelectorOptions { Timeout = 30_000 });

        Assert.Equal(2, keys.Count);
        Assert.Equal(keys[0], keys[1]);
        Assert.Matches("^[0-9a-f-]{32,36}$", keys[0]);
        var list = await console.Host.ReadJsonAsync(await console.Host.SendAsync(HttpMethod.Get, "/api/inspections?officeCode=ps-02", key: console.InspectorKey));
        Assert.Single(list["items"]!.AsArray());
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task TheInspectorDecidesAComplaintAndThePublicTrackPageShowsTheDecision()
    {
        var p = await OpenAsync("inspector", "case.html");
        // The case view is the one place with the complainant's identity.
        var identity = await p.Locator("#identity").InnerTextAsync();
        Assert.Contains(ConsoleFixture.ComplainantName, identity);
        Assert.Contains("۰۹۱۲۱۱۱۲۲۳۳", identity);

        // The server's rule, shown in Persian next to its field: an upheld complaint needs a remedy.
        await p.SelectOptionAsync("#outcome", "upheld");
        await p.FillAsync("#reasons", "رسید پرداخت و تعرفهٔ مصوب بررسی شد؛ دریافت وجه اضافه محرز است.");
        var answer = p.WaitForResponseAsync(r => r.Url.EndsWith("/decision", StringComparison.Ordinal));
        await p.ClickAsync("#decide-submit");
        Assert.Equal(400, (await answer).Status);
        await p.WaitForFunctionAsync("() => document.getElementById('remedy-error').textContent.length > 0");
        Assert.Equal("پر کردن این بخش لازم است.", await p.Locator("#remedy-error").TextContentAsync());
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Shots, "inspector-case-error-390.png"), FullPage = true });

        await p.FillAsync("#remedy", "بازگرداندن مبلغ اضافه به شاکی ظرف سه روز کاری");
        await p.ClickAsync("#decide-submit");
        await p.WaitForFunctionAsync("() => document.getElementById('message').textContent.startsWith('تصمیم ثبت شد')");
        await p.WaitForSelectorAsync("#decide-box[hidden]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

        await p.GotoAsync($"{Site.SiteUrl}/track.html#code={console.Complaint}");
        await p.WaitForSelectorAsync("#complaint:not([hidden]) #timeline li");
        var facts = await p.Locator("#facts").InnerTextAsync();
        Assert.Contains("وارد دانسته شد", facts);
        Assert.Contains("اعلام نتیجه", await p.Locator("#timeline").InnerTextAsync());
        Assert.DoesNotContain(ConsoleFixture.ComplainantName, await p.Locator("main").InnerTextAsync());
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task TheAdminConfirmsAProposedSanctionAndTheOfficeViewShowsIt()
    {
        var p = await OpenAsync("admin", "sanctions.html");
        var card = p.Locator($"#sanctions li[data-id='{console.SanctionId}']");
        Assert.Contains("دفتر ps-04", await card.InnerTextAsync());
        await card.Locator("textarea").FillAsync("دریافت وجه اضافه در گزارش بازرسی مستند است؛ برخورد پیشنهادی تأیید می‌شود.");
        await card.Locator("button.confirm").ClickAsync();
        await p.WaitForFunctionAsync($"() => document.querySelector(\"#sanctions li[data-id='{console.SanctionId}'] .status\").textContent.startsWith('تأیید شد')");
        await p.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Shots, "admin-sanctions-confirmed-390.png"), FullPage = true });
        var api = await console.Host.ReadJsonAsync(await console.Host.SendAsync(HttpMethod.Get, "/api/sanctions/" + console.SanctionId, key: console.AdminKey));
        Assert.Equal("confirmed", api["status"]!.GetValue<string>());

        await p.GotoAsync($"{console.ConsoleUrl}/office.html#code=ps-04");
        var row = p.Locator($"#sanctions li[data-id='{console.SanctionId}']");
        await row.WaitForAsync();
        Assert.Equal("confirmed", await row.GetAttributeAsync("data-status"));
        var text = await row.InnerTextAsync();
        Assert.Contains("تأییدشده", text);
        Assert.Contains("مهلت اعتراض تا", text);
        Assert.Contains("برخورد پیشنهادی تأیید می‌شود", text);
        await p.Context.CloseAsync();
    }

    [Fact]
    public async Task AnInspectorSeesOnlyItsOwnCountysComplaintsAndOfficesInEveryConsoleView()
    {
        var own = await OfficesAsync(console.InspectorKey);
        var p = await OpenAsync("inspector", "complaints.html");
        // The queue: exactly the complaints the API gives this key, none of the other county's.
        var shown = await p.Locator("#overdue li[data-code], #open li[data-code]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.code)");
        var api = await console.Host.ReadJsonAsync(await console.Host.SendAsync(HttpMethod.Get, "/api/complaints?status=open&pageSize=200", key: console.InspectorKey));
        Assert.Equal(api["items"]!.AsArray().Select(i => i!["trackingCode"]!.GetValue<string>()).Order(), shown.Order());
        Assert.DoesNotContain(console.OtherCountyComplaint, shown);
        var offices = await p.Locator("#open li[data-office], #overdue li[data-office]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.office)");
        Assert.All(offices, o => Assert.Contains(o, own));

        // The inspection form lists the county's offices only.
        await p.GotoAsync($"{console.ConsoleUrl}/inspect.html");
        await p.WaitForSelectorAsync("#checklist fieldset");
        var options = await p.Locator("#office option").EvaluateAllAsync<string[]>("els => els.map(e => e.value).filter(v => v)");
        Assert.NotEmpty(options);
        Assert.All(options, o => Assert.Contains(o, own));
        Assert.DoesNotContain("ps-07", options);

        // Another county's case and office, reached by address: the API refuses and the page shows nothing of them.
        await p.GotoAsync($"{console.ConsoleUrl}/case.html#code={console.OtherCountyComplaint}");
        await p.WaitForFunctionAsync("() => document.getElementById('message').textContent.length > 0");
        Assert.True(await p.Locator("#case").IsHiddenAsync());
        var text = await p.Locator("main").InnerTextAsync();
        Assert.DoesNotContain(ConsoleFixture.ComplainantName, text);
        Assert.DoesNotContain("بسته بود", text);
        await p.GotoAsync($"{console.ConsoleUrl}/office.html#code=ps-07");
        await p.WaitForFunctionAsync("() => document.getElementById('message').textContent.length > 0");
        Assert.True(await p.Locator("#office").IsHiddenAsync());
        Assert.DoesNotContain("شماره 7", await p.Locator("main").InnerTextAsync());

        // The other county's team sees its own complaint and not this county's.
        var q = await SignedInAsync("none");
        await q.FillAsync("#key", console.OtherInspectorKey);
        await q.ClickAsync("#signin-submit");
        await q.WaitForSelectorAsync("#who:not([hidden])");
        await q.GotoAsync($"{console.ConsoleUrl}/complaints.html");
        await q.WaitForSelectorAsync("#open li");
        var theirs = await q.Locator("#overdue li[data-code], #open li[data-code]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.code)");
        Assert.Contains(console.OtherCountyComplaint, theirs);
        Assert.DoesNotContain(console.Complaint, theirs);
        await q.Context.CloseAsync();
        await p.Context.CloseAsync();
    }

    private async Task<HashSet<string>> OfficesAsync(string key)
    {
        var json = await console.Host.ReadJsonAsync(await console.Host.SendAsync(HttpMethod.Get, "/api/offices?pageSize=200", key: key));
        var set = json["items"]!.AsArray().Select(i => i!["officeCode"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(new[] { "ps-01", "ps-02", "ps-03", "ps-04", "ps-05" }, set.Order());
        return set;
    }

    [Fact]
    public async Task AMemberSeesTheBoardAndDecisionsButNoComplainantAnywhere()
    {
        var p = await OpenAsync("member", "index.html");
        await p.WaitForSelectorAsync("#decisions li");
        var seen = new List<string> { await p.Locator("main").InnerTextAsync() };
        Assert.Contains("بازرسی مجدد دفاتر دارای شکایت واردشده", seen[0]);
        await p.GotoAsync($"{console.ConsoleUrl}/board.html");
        await p.WaitForSelectorAsync("#targets-body tr");
        await p.WaitForSelectorAsync("#top li");
        seen.Add(await p.Locator("main").InnerTextAsync());
        Assert.Contains("انجام در مهلت", seen[1]);
        Assert.Contains("رتبه‌بندی مهر ۱۴۰۵", seen[1]);
        Assert.True(await p.Locator("#targets-body td.green, #targets-body td.amber, #targets-body td.red").CountAsync() > 0);
        // The complaint pages are not for a member: the menu has no link and the case page refuses, as the API does.
        Assert.DoesNotContain("شکایت‌ها", await p.Locator("#nav").InnerTextAsync());
        foreach (var page in new[] { $"case.html#code={console.Complaint}", "complaints.html", "office.html#code=ps-02" })
        {
            await p.GotoAsync($"{console.ConsoleUrl}/{page}");
            await p.WaitForFunctionAsync("() => document.getElementById('message').textContent.length > 0 || !document.getElementById('who').hidden && document.querySelector('main dl dd')");
            await p.WaitForTimeoutAsync(500);
            seen.Add(await p.Locator("main").InnerTextAsync());
        }
        foreach (var text in seen)
        {
            Assert.DoesNotContain(ConsoleFixture.ComplainantName, text);
            Assert.DoesNotContain("۰۹۱۲۱۱۱۲۲۳۳", text);
            Assert.DoesNotContain(ConsoleFixture.ComplainantMobile, text);
            Assert.DoesNotContain("۰۰۱۳۵۴۲۴۱۹", text);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await console.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{console.Complaint}/case", key: console.MemberKey)).StatusCode);
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
