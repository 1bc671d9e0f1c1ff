using Azure.Data.Tables;
using Microsoft.Playwright;
using Pishkhan.Calendar;
using Pishkhan.Notifications;
using Pishkhan.PublicSite;
using Pishkhan.Rankings;
using Pishkhan.Stats;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Requests;

namespace Pishkhan.Tests.PublicSite;

/// <summary>
/// One local host on Azurite with a small Lorestan (two counties, eight offices, a published ranking), a filed complaint,
/// the public site published to $web with config.js pointing at this host, and Debian's Chromium driven by Playwright.
/// The site is served by Azurite's blob endpoint and the API by the host: two origins, so every call crosses CORS.
/// </summary>
public sealed class PublicSiteFixture : IAsyncLifetime
{
    public const string Province = "lorestan";
    public const string Period = "1405-07";
    public const string County = "ps-khorramabad";
    public const string OtherCounty = "ps-dorud";

    public static readonly string Shots = Environment.GetEnvironmentVariable("PISHKHAN_SHOTS") is { Length: > 0 } dir
        ? dir : Path.Combine(RepoRoot.Path, "TestResults", "site");

    public TestHost Host { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string SiteUrl { get; private set; } = "";
    public string ApiBaseUrl { get; private set; } = "";
    public string ReportUrl { get; private set; } = "";
    public string TrackingCode { get; private set; } = "";

    /// <summary>The SMS pickup folder: with no Kavenegar key, each SMS the host sends is a file here.</summary>
    public string SmsFolder { get; } = Directory.CreateTempSubdirectory("pishkhan-site-sms-").FullName;

    public async Task InitializeAsync()
    {
        Host = await TestHost.StartAsync(settings: new() { ["Pishkhan:Complaints:FilingsPerClient"] = "1000", ["Pishkhan:RequestStatsFlushSeconds"] = "3600", ["Pishkhan:Sms:PickupDirectory"] = SmsFolder });
        await Host.PutOkAsync($"/api/counties/{County}", new { name = "خرم‌آباد", province = Province });
        await Host.PutOkAsync($"/api/counties/{OtherCounty}", new { name = "دورود", province = Province });
        var stats = Host.Services.GetRequiredService<OfficeStatsStore>();
        for (var i = 1; i <= 8; i++)
        {
            var county = i <= 5 ? County : OtherCounty;
            await Host.PutOkAsync($"/api/offices/ps-{i:00}", new
            {
                name = $"دفتر پیشخوان دولت شماره {i}", countyCode = county,
                address = $"خیابان انقلاب، کوچهٔ {i}، پلاک {10 + i}",
                openingHours = new { regular = "07:30-14:30", thursday = "08:00-12:00", afterHours = i % 2 == 1 ? "16:00-20:00" : null },
                managerName = "مریم رضایی", licenseNo = $"LR-1402-00{i}", email = $"office{i}@example.ir",
                phone = i == 2 ? "09121234567" : $"066332211{i:00}",
                status = i == 5 ? "revoked" : "active",
            });
            if (i == 5) continue;
            var completed = 30 + i * 12;
            await stats.ApplyOnceAsync(Period, $"ps-{i:00}", Province, county, "seed", s =>
            {
                s.RequestsReceived = completed + 2;
                s.RequestsCompleted = completed;
                s.CompletedWithinSla = completed - i % 3 * 4;
                s.SlaBreached = i % 3 * 4;
                s.RatingCount = completed / 2;
                s.RatingSum = completed / 2 * (2 + i % 4);
                s.InspectionCount = 1;
                s.InspectionScoreSum = 55 + i * 4;
            });
        }
        await Host.Services.GetRequiredService<RankingJob>().RunAsync(Province, JalaliPeriod.Parse(Period));

        var filed = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Post, "/api/complaints", new
        {
            officeCode = "ps-01", category = "overcharging", description = "بیش از تعرفه پول گرفتند و رسید ندادند.", anonymous = true,
        }, key: null));
        TrackingCode = filed["trackingCode"]!.GetValue<string>();

        ApiBaseUrl = new Uri(Host.Http.BaseAddress!, "/api").ToString();
        SiteUrl = (await Host.Services.GetRequiredService<SitePublisher>().PublishAsync(ApiBaseUrl)).SiteUrl;
        var azurite = await Azurite.SharedAsync();
        ReportUrl = $"{azurite.BlobEndpoint}/$web/{Host.Prefix.ToLowerInvariant()}/rankings/{Period}/{Province}/index.html";

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(Shots);
    }

    /// <summary>
    /// A page in a fresh context. BypassCSP only lets the test inject axe-core (an inline script the pages' own
    /// Content-Security-Policy refuses, as it should).
    /// </summary>
    public async Task<IPage> NewPageAsync(int width, int height = 844)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height }, BypassCSP = true, Locale = "fa-IR", TimezoneId = "Asia/Tehran",
        });
        return await context.NewPageAsync();
    }

    /// <summary>A request the office completed, and the one-time rating token the citizen's message carries.</summary>
    public async Task<string> CompletedRequestTokenAsync(string tag) => (await CompletedRequestMessageAsync(tag)).Data["ratingToken"];

    /// <summary>
    /// A request completed for a citizen with a mobile number and no email, and the text of the rating SMS it
    /// produced in the pickup folder (the citizen's side of the loop: the link in that text is what they open).
    /// </summary>
    public async Task<string> CompletedRequestSmsAsync(string tag)
    {
        var row = await CompletedRequestMessageAsync(tag, sent: r => File.Exists(Path.Combine(SmsFolder, r.Id + ".txt")));
        Assert.Equal(OutboxChannel.Sms, row.Channel);
        return await File.ReadAllTextAsync(Path.Combine(SmsFolder, row.Id + ".txt"));
    }

    /// <summary>Posts, accepts and completes a request (the citizen gave a mobile only) and waits for the completion's message row (and <paramref name="sent"/>).</summary>
    private async Task<OutboxEntity> CompletedRequestMessageAsync(string tag, Func<OutboxEntity, bool>? sent = null)
    {
        var kit = await RequestsKit.SeedAsync(Host, "ilam", tag);
        var id = (await kit.CreateAsync(kit.Body(citizen: new { mobile = "09121234567" })))["id"]!.GetValue<string>();
        await kit.EventOkAsync(id, "accepted", kit.OfficeKeyFor(id));
        await kit.EventOkAsync(id, "completed", kit.OfficeKeyFor(id));
        // The completion's message is written after its answer (RequestOutbox.DispatchInBackground).
        OutboxEntity? row = null;
        await Pishkhan.Tests.Notifications.Poll.UntilAsync(async () => (row = (await Host.Table(Tables.Outbox).QueryAsync<OutboxEntity>(
            TableClient.CreateQueryFilter($"Cause eq {"request-completed:" + id}")).ToListAsync()).SingleOrDefault()) is not null
            && (sent is null || sent(row)), "the completion's message");
        return row!;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Host.DisposeAsync();
        Directory.Delete(SmsFolder, recursive: true);
    }
}
