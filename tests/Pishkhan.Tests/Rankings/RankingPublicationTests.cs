using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Pishkhan.Bindings;
using Pishkhan.Rankings;
using Pishkhan.Stats;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Rankings;

/// <summary>Ranking a province end to end: stats in, rows stored, report published to Blob Storage, read back over HTTP and in Chromium.</summary>
public sealed class RankingPublicationTests : IAsyncLifetime
{
    private TestHost _host = null!;
    private const string Province = "lorestan";
    private const string Period = "1405-07";

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync();
        await _host.PutOkAsync("/api/counties/rp-khorramabad", new { name = "خرم‌آباد", province = Province });
        await _host.PutOkAsync("/api/counties/rp-borujerd", new { name = "بروجرد", province = Province });
        var stats = _host.Services.GetRequiredService<OfficeStatsStore>();
        for (var i = 1; i <= 12; i++)
        {
            var county = i <= 7 ? "rp-khorramabad" : "rp-borujerd";
            await _host.PutOkAsync($"/api/offices/rp-{i:00}", new { name = $"دفتر پیشخوان شماره {i}", countyCode = county, openingHours = new { regular = "07:30-14:30" } });
            var completed = i == 12 ? 5 : 40 + i * 10; // office 12 is below the minimum volume
            await stats.ApplyOnceAsync(Period, $"rp-{i:00}", Province, county, "seed", s =>
            {
                s.RequestsReceived = completed + 3;
                s.RequestsCompleted = completed;
                s.CompletedWithinSla = completed - (i % 4) * 3;
                s.SlaBreached = (i % 4) * 3;
                s.RatingCount = completed / 2;
                s.RatingSum = completed / 2 * (2 + i % 4);
                s.InspectionCount = 1;
                s.InspectionScoreSum = 50 + i * 4;
            });
        }
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Targets of the period behind plan (the province's active offices, a county's satisfaction) and a meeting with an overdue and a pending decision.</summary>
    private async Task SeedPlanningAsync()
    {
        await _host.PutOkAsync($"/api/targets/{Province}/{Period}/activeOffices", new { planned = 40 });
        await _host.PutOkAsync($"/api/targets/rp-borujerd/{Period}/meanSatisfaction", new { planned = 4.9 });
        await _host.PutOkAsync("/api/members/rp-chair", new { name = "مینا <کریمی>", email = "chair.rp@example.ir", role = "chair", province = Province });
        var today = Pishkhan.Calendar.Tehran.Today(TimeProvider.System);
        string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var meeting = await _host.SendAsync(HttpMethod.Post, "/api/meetings", new
        {
            date = Iso(today.AddDays(-40)), scope = Province, participants = new[] { "rp-chair" },
            decisions = new[]
            {
                new { text = "بازرسی مجدد دفاتر <b>شهرستان</b> بروجرد & گزارش به کارگروه", ownerMemberId = "rp-chair", dueDate = Iso(today.AddDays(-10)) },
                new { text = "آموزش کارکنان دفاتر تازه‌تأسیس", ownerMemberId = "rp-chair", dueDate = Iso(today.AddDays(20)) },
            },
        });
        Assert.True(meeting.StatusCode == HttpStatusCode.Created, await meeting.Content.ReadAsStringAsync());
    }

    private async Task<string> ReportHtmlAsync()
    {
        var azurite = await Azurite.SharedAsync();
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip });
        return await http.GetStringAsync($"{azurite.BlobEndpoint}/$web/{_host.Prefix.ToLowerInvariant()}/rankings/{Period}/{Province}/index.html");
    }

    [Fact]
    public async Task TheReportShowsTargetsBehindPlanAndOpenDecisionsEscapedInPersian()
    {
        await SeedPlanningAsync();
        await RankAsync();
        var html = await ReportHtmlAsync();

        var targets = Section(html, "targets-behind");
        Assert.Contains("اهداف عقب از برنامه در مهر ۱۴۰۵", targets);
        Assert.Contains("<td>استان لرستان</td><td>دفاتر فعال</td><td>۴۰</td><td class=\"behind\">۱۲</td>", targets);
        Assert.Contains("<td>شهرستان بروجرد</td><td>میانگین رضایت</td><td>۴٫۹</td>", targets);
        Assert.DoesNotMatch("[0-9]", System.Text.RegularExpressions.Regex.Replace(targets, "<[^>]*>", "")); // Persian digits in the text

        var decisions = Section(html, "open-decisions");
        var today = Pishkhan.Calendar.Tehran.Today(TimeProvider.System);
        Assert.Contains("۲ تصمیم باز است؛ مهلت ۱ مورد گذشته است.", decisions);
        // Escaped, not markup: the decision's and the owner's angle brackets and ampersand.
        Assert.Contains("بازرسی مجدد دفاتر &lt;b&gt;شهرستان&lt;/b&gt; بروجرد &amp; گزارش به کارگروه", decisions);
        Assert.Contains("مینا &lt;کریمی&gt;", decisions);
        Assert.DoesNotContain("<b>", decisions);
        Assert.DoesNotMatch("[0-9]", System.Text.RegularExpressions.Regex.Replace(decisions, "<[^>]*>", ""));
        Assert.Contains($"<td>{Pishkhan.Calendar.JalaliDate.Format(today.AddDays(-10))}</td><td>عقب‌افتاده: ۱۰ روز از مهلت گذشته</td>", decisions);
        Assert.Contains($"<td>{Pishkhan.Calendar.JalaliDate.Format(today.AddDays(20))}</td><td>در مهلت</td>", decisions);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(decisions, "<tr class=\"overdue\">"));
        // Earliest due first.
        Assert.True(decisions.IndexOf("بازرسی مجدد", StringComparison.Ordinal) < decisions.IndexOf("آموزش کارکنان", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutTargetsOrDecisionsTheReportSaysSo()
    {
        await RankAsync();
        var html = await ReportHtmlAsync();
        Assert.Contains("هیچ هدفی از برنامه عقب نیست.", Section(html, "targets-behind"));
        Assert.Contains("تصمیم بازی نمانده است.", Section(html, "open-decisions"));
    }

    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"<section class=\"plan\" id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {id}");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    private Task<Ranking> RankAsync() =>
        _host.Services.GetRequiredService<RankingJob>().RunAsync(Province, Pishkhan.Calendar.JalaliPeriod.Parse(Period));

    [Fact]
    public async Task RankingIsNotFoundBeforePublicationAndServedAfter()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _host.SendAsync(HttpMethod.Get, $"/api/rankings/{Period}?scope={Province}", key: null)).StatusCode);
        await RankAsync();
        var published = await _host.ReadJsonAsync(await _host.SendAsync(HttpMethod.Get, $"/api/rankings/{Period}?scope={Province}", key: null));
        var rows = published["rows"]!.AsArray();
        Assert.Equal(12, rows.Count);
        Assert.Equal(11, rows.Count(r => r!["status"]!.GetValue<string>() == "ranked"));
        Assert.Equal("insufficientData", rows.Single(r => r!["officeCode"]!.GetValue<string>() == "rp-12")!["status"]!.GetValue<string>());
        Assert.Equal(Enumerable.Range(1, 11), rows.Take(11).Select(r => r!["provinceRank"]!.GetValue<int>()));
        Assert.Equal("مهر ۱۴۰۵", published["periodName"]!.GetValue<string>());

        var office = await _host.ReadJsonAsync(await _host.SendAsync(HttpMethod.Get, "/api/offices/" + rows[0]!["officeCode"]!.GetValue<string>()));
        Assert.Equal(1, office["latestRank"]!.GetValue<int>());
        Assert.Equal(Period, office["latestRankPeriod"]!.GetValue<string>());

        var county = await _host.ReadJsonAsync(await _host.SendAsync(HttpMethod.Get, $"/api/rankings/{Period}?scope=rp-borujerd", key: null));
        Assert.All(county["rows"]!.AsArray(), r => Assert.Equal("rp-borujerd", r!["countyCode"]!.GetValue<string>()));
        Assert.Equal(5, county["rows"]!.AsArray().Count);
    }

    [Fact]
    public async Task APublicationUploadsThePeriodsThreeFilesOnlyAndThePublicListNamesThatFolder()
    {
        await RankAsync();

        // No copies under a "latest" folder: the newest report is found through the pointer row (Rankings/README).
        var prefix = _host.Prefix.ToLowerInvariant() + "/rankings/";
        var names = new List<string>();
        await foreach (var item in _host.Store.Blobs.GetBlobContainerClient("$web").GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix })) names.Add(item.Name[prefix.Length..]);
        Assert.Equal([$"{Period}/{Province}/index.html", $"{Period}/{Province}/ranking.csv", $"{Period}/{Province}/ranking.json"], names.Order(StringComparer.Ordinal));
        var reports = await _host.ReadJsonAsync(await _host.SendAsync(HttpMethod.Get, "/api/public/reports", key: null));
        var report = Assert.Single(reports["items"]!.AsArray(), r => r!["province"]!.GetValue<string>() == Province)!;
        Assert.Equal(Period, report["period"]!.GetValue<string>());
        Assert.EndsWith($"/rankings/{Period}/{Province}/index.html", report["reportUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReRunningGivesTheSameRankingAndTheSamePublishedJson()
    {
        var first = await RankAsync();
        var blob = _host.Store.Blobs.GetBlobContainerClient("$web").GetBlobClient($"{_host.Prefix.ToLowerInvariant()}/rankings/{Period}/{Province}/ranking.json");
        var download = (await blob.DownloadContentAsync()).Value;
        Assert.Equal("gzip", download.Details.ContentEncoding);
        var json1 = Gunzip(download.Content);
        var second = await RankAsync();
        var json2 = Gunzip((await blob.DownloadContentAsync()).Value.Content);
        Assert.Equal(json1, json2);
        Assert.Equal(first.Rows.Select(r => (r.OfficeCode, r.Score, r.ProvinceRank)), second.Rows.Select(r => (r.OfficeCode, r.Score, r.ProvinceRank)));
    }

    [Fact]
    public async Task TheNextPeriodTakesMovementAndScoresFromThePreviousRunsCarryOverOrFromOlderRunsRows()
    {
        var first = await RankAsync();
        const string next = "1405-08";
        var stats = _host.Services.GetRequiredService<OfficeStatsStore>();
        for (var i = 1; i <= 12; i++)
        {
            var completed = 40 + (13 - i) * 10; // the order turns round, so every ranked office moves
            await stats.ApplyOnceAsync(next, $"rp-{i:00}", Province, i <= 7 ? "rp-khorramabad" : "rp-borujerd", "seed", s =>
            {
                (s.RequestsReceived, s.RequestsCompleted, s.CompletedWithinSla, s.RatingCount, s.RatingSum) = (completed, completed, completed - i, completed / 2, completed / 2 * 4);
            });
        }
        var job = _host.Services.GetRequiredService<RankingJob>();
        var ranked = await job.RunAsync(Province, Pishkhan.Calendar.JalaliPeriod.Parse(next));
        var before = first.Rows.ToDictionary(r => r.OfficeCode);
        Assert.All(ranked.Rows.Where(r => r.ProvinceRank is not null && before[r.OfficeCode].ProvinceRank is not null), r =>
        {
            Assert.Equal(before[r.OfficeCode].ProvinceRank, r.PreviousProvinceRank);
            Assert.Equal(before[r.OfficeCode].ProvinceRank - r.ProvinceRank, r.Movement);
            Assert.Equal([before[r.OfficeCode].Score!.Value, r.Score!.Value], r.RecentScores);
        });
        Assert.Contains(ranked.Rows, r => r.Movement is not (null or 0));

        // The previous run row carries every row's rank and scores; a run stored before the carry-over columns
        // existed gives the same ranking from its rows' columns.
        var table = _host.Services.GetRequiredService<RankingStore>().Table;
        var run = (await table.GetEntityAsync<RankingRunEntity>(RankingStore.PartitionFor(Province, Period), RankingRunEntity.Key)).Value;
        Assert.Equal(first.Rows.Select(r => (r.OfficeCode, r.Status == RankingStatus.Ranked ? r.ProvinceRank : null)),
            RankingCarryOver.Load(run)!.Select(r => (r.OfficeCode, r.ProvinceRank)));
        run.CarryOver0 = null;
        await table.UpdateEntityAsync(run, run.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
        var fromRows = await job.RunAsync(Province, Pishkhan.Calendar.JalaliPeriod.Parse(next));
        Assert.Equal(ranked.Rows.Select(r => (r.OfficeCode, r.Movement)), fromRows.Rows.Select(r => (r.OfficeCode, r.Movement)));
        Assert.Equal(ranked.Rows.SelectMany(r => r.RecentScores), fromRows.Rows.SelectMany(r => r.RecentScores));

        // Rows published before the RecentScores column existed: the same ranking from their JSON.
        foreach (var row in await table.ListAsync<RankingRowEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter(
                     $"PartitionKey eq {RankingStore.PartitionFor(Province, Period)} and RowKey gt {RankingRunEntity.Key}")))
        {
            row.RecentScores = null;
            await table.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
        }
        var again = await job.RunAsync(Province, Pishkhan.Calendar.JalaliPeriod.Parse(next));
        Assert.Equal(ranked.Rows.Select(r => (r.OfficeCode, r.Movement)), again.Rows.Select(r => (r.OfficeCode, r.Movement)));
        Assert.Equal(ranked.Rows.SelectMany(r => r.RecentScores), again.Rows.SelectMany(r => r.RecentScores));
    }

    private static string Gunzip(BinaryData data)
    {
        using var gzip = new System.IO.Compression.GZipStream(data.ToStream(), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }

    [Fact]
    public async Task RecomputeQueuesAJobThatTheListenerRuns()
    {
        var response = await _host.SendAsync(HttpMethod.Post, $"/api/rankings/{Period}:recompute?province={Province}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await _host.SendAsync(HttpMethod.Get, $"/api/rankings/{Period}?scope={Province}", key: null)).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "The queued ranking was not published in time.");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task RecomputeOfAnOpenPeriodIsAConflict()
    {
        var open = Pishkhan.Calendar.JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString();
        Assert.Equal(HttpStatusCode.Conflict, (await _host.SendAsync(HttpMethod.Post, $"/api/rankings/{open}:recompute?province={Province}")).StatusCode);
    }

    [Theory]
    [InlineData("1300-01")]
    [InlineData("1403-12")] // the month before Pishkhan__ServiceStartPeriod (default 1404-01)
    [InlineData("1499-01")] // not even begun
    public async Task RecomputeOfAPeriodOutsideTheServiceIsA400AndQueuesNothing(string period)
    {
        var queue = _host.Store.Queue(QueueNames.Rankings);
        var before = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var response = await _host.SendAsync(HttpMethod.Post, $"/api/rankings/{period}:recompute?province={Province}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await _host.ReadJsonAsync(response))["errors"]!["period"]![0]!.GetValue<string>();
        Assert.Contains("1404-01", message);
        Assert.Contains("دوره", message);
        Assert.Equal(before, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.SendAsync(HttpMethod.Get, $"/api/rankings/{period}?scope={Province}", key: null)).StatusCode);
    }

    [Fact]
    public async Task DailyTimerQueuesOnlyClosedUnrankedPeriodsWithStats()
    {
        // Azar 1405 (1405-09) is current; Mehr (07) has stats and no ranking; Aban (08) has none.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);
        foreach (var d in new[] { typeof(OfficeStatsStore), typeof(RankingStore), typeof(Pishkhan.Storage.Store), typeof(PishkhanSettings) })
            services.AddSingleton(d, _host.Services.GetRequiredService(d));
        services.AddLogging();
        var queue = _host.Store.Queue(QueueNames.Rankings);
        await queue.ClearMessagesAsync();
        // Stop the host's listener from taking the message before we look: peek right after the run.
        await ActivatorUtilities.CreateInstance<RankingTimer>(services.BuildServiceProvider()).RunAsync(default);
        var peeked = (await queue.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList();
        Assert.DoesNotContain(peeked, b => b.Contains("1405-08") || b.Contains("1405-09"));
        // Queued, or already taken by the listener (then invisible while it ranks, until the run row is written).
        await Pishkhan.Tests.Notifications.Poll.UntilAsync(async () =>
            (await queue.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString().Contains(Period))
            || await _host.Services.GetRequiredService<RankingStore>().GetRunAsync(Province, Period) is not null, "Mehr 1405 queued or ranked");
    }

    [Fact]
    public async Task ThePublishedReportIsRightToLeftAndSortableInChromium()
    {
        await SeedPlanningAsync();
        await RankAsync();
        var azurite = await Azurite.SharedAsync();
        var url = $"{azurite.BlobEndpoint}/$web/{_host.Prefix.ToLowerInvariant()}/rankings/{Period}/{Province}/index.html";
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        var response = await page.GotoAsync(url);
        Assert.Equal(200, response!.Status);

        Assert.Equal("rtl", await page.EvaluateAsync<string>("getComputedStyle(document.body).direction"));
        Assert.Equal("fa", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal(11, await page.Locator("table.ranking tbody tr").CountAsync());
        Assert.Equal(2, await page.Locator("section.county").CountAsync());
        Assert.Contains("مهر ۱۴۰۵", await page.TitleAsync());

        // Click "امتیاز" in the first county table twice: ascending then descending by score.
        var table = page.Locator("table.ranking").First;
        var header = table.Locator("th", new LocatorLocatorOptions { HasText = "امتیاز" }).First;
        await header.ClickAsync();
        var ascending = await ScoresAsync(table);
        Assert.Equal(ascending.Order(), ascending);
        await header.ClickAsync();
        var descending = await ScoresAsync(table);
        Assert.Equal(descending.OrderDescending(), descending);

        // The planning sections: their own tables (not sorted as rankings), right to left, the page never wider than the screen.
        Assert.Equal(2, await page.Locator("section.plan table.plan").CountAsync());
        Assert.Equal(1, await page.Locator("#open-decisions tr.overdue").CountAsync());
        Assert.Equal("rtl", await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('#open-decisions table')).direction"));
        foreach (var width in new[] { 360, 1920, 1100 })
        {
            await page.SetViewportSizeAsync(width, 900);
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"the page scrolls sideways at {width} px");
        }
        Assert.Equal(0, await page.Locator("#open-decisions b").CountAsync());
        Assert.Equal(0, await page.Locator("script[src], link[rel=stylesheet]").CountAsync());
        var shot = Path.Combine(AppContext.BaseDirectory, "TestResults", "ranking-report.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000);
    }

    private static async Task<List<double>> ScoresAsync(ILocator table)
    {
        var values = await table.Locator("tbody tr td:nth-child(4)").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.value)");
        return values.Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    [Fact]
    public async Task PolicyChangesAreVersionedAndUsedByTheNextRanking()
    {
        var policy = new
        {
            province = Province, minimumVolume = 100, normalisation = "minMax",
            indicators = new[] { new { indicator = "slaCompliance", weight = 0.5, shrinkageStrength = 20.0 }, new { indicator = "satisfaction", weight = 0.5, shrinkageStrength = 10.0 } },
            tiers = new[] { new { tier = "alef", minimumScore = 70.0 }, new { tier = "dal", minimumScore = 0.0 } },
        };
        var saved = await _host.PutOkAsync("/api/ranking-policy", policy);
        Assert.Equal(2, saved["version"]!.GetValue<int>());
        var ranking = await RankAsync();
        Assert.Equal(2, ranking.PolicyVersion);
        Assert.Equal(6, ranking.Rows.Count(r => r.Status == RankingStatus.InsufficientData)); // completed < 100: offices 1–5 and 12

        var bad = await _host.SendAsync(HttpMethod.Put, "/api/ranking-policy", new
        {
            province = Province, minimumVolume = 10, normalisation = "minMax",
            indicators = new[] { new { indicator = "slaCompliance", weight = 0.7, shrinkageStrength = 20.0 } },
            tiers = new[] { new { tier = "alef", minimumScore = 0.0 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var current = await _host.ReadJsonAsync(await _host.SendAsync(HttpMethod.Get, $"/api/ranking-policy?province={Province}", key: null));
        Assert.Equal(2, current["version"]!.GetValue<int>());
    }
}
