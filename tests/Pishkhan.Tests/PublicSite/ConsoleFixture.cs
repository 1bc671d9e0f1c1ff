using System.Text.Json.Nodes;
using Pishkhan.Calendar;
using Pishkhan.Inspections;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.PublicSite;

/// <summary>
/// The public site's fixture (Lorestan: Khorramabad ps-01…ps-05, Dorud ps-06…ps-08, a published ranking, the site in $web,
/// Chromium) and what the working-group console acts on: keys for an admin, a member and the two county teams, a complaint
/// with the complainant's identity in each county, a processed inspection whose proposed sanction waits for the admin, a
/// member, a meeting with an open decision, and planned targets for this month.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Province = PublicSiteFixture.Province;
    public const string County = PublicSiteFixture.County;
    public const string OtherCounty = PublicSiteFixture.OtherCounty;
    public const string ComplainantName = "زهرا احمدی‌نژاد";
    public const string ComplainantMobile = "09121112233";
    public const string ComplainantNationalId = "0013542419";

    /// <summary>Screenshots of the console at 390 px (PISHKHAN_CONSOLE_SHOTS, by default /tmp/console-shots).</summary>
    public static readonly string Shots = Environment.GetEnvironmentVariable("PISHKHAN_CONSOLE_SHOTS") is { Length: > 0 } dir ? dir : "/tmp/console-shots";

    public PublicSiteFixture Site { get; } = new();
    public TestHost Host => Site.Host;
    public string ConsoleUrl => Site.SiteUrl + "/console";
    public string AdminKey { get; private set; } = "";
    public string MemberKey { get; private set; } = "";
    public string InspectorKey { get; private set; } = "";
    public string OtherInspectorKey { get; private set; } = "";
    /// <summary>Complaints with the complainant's identity: one about ps-02 (Khorramabad), one about ps-07 (Dorud).</summary>
    public string Complaint { get; private set; } = "";
    public string OtherCountyComplaint { get; private set; } = "";
    /// <summary>The proposed sanction of ps-04 (Khorramabad) from a processed inspection with a critical failure.</summary>
    public string SanctionId { get; private set; } = "";
    public string Period { get; } = JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString();

    public async Task InitializeAsync()
    {
        await Site.InitializeAsync();
        AdminKey = await Host.IssueKeyAsync("admin", Province);
        MemberKey = await Host.IssueKeyAsync("member", Province);
        InspectorKey = await Host.IssueKeyAsync("inspector", County);
        OtherInspectorKey = await Host.IssueKeyAsync("inspector", OtherCounty);
        Complaint = await FileAsync("ps-02", "کارمند دفتر برای ثبت درخواست، مبلغی جدا از تعرفه خواست و رسید نداد.");
        OtherCountyComplaint = await FileAsync("ps-07", "دفتر در ساعت اعلام‌شده بسته بود و کسی پاسخ نداد.");
        SanctionId = await ProposedSanctionAsync("ps-04");

        await Host.PutOkAsync("/api/members/m-chair", new { name = "رئیس کارگروه", email = "chair@example.ir", role = "chair", province = Province });
        await Host.PutOkAsync("/api/members/m-kh", new { name = "نمایندهٔ خرم‌آباد", email = "kh@example.ir", role = "countyLead", province = Province, countyCode = County });
        var today = Tehran.Today(TimeProvider.System);
        var meeting = await Host.SendAsync(HttpMethod.Post, "/api/meetings", new
        {
            date = JalaliDate.FormatAscii(today.AddDays(-1)), scope = Province, title = "جلسهٔ ماهانهٔ کارگروه", participants = new[] { "m-chair", "m-kh" },
            decisions = new[] { new { text = "بازرسی مجدد دفاتر دارای شکایت واردشده تا پایان ماه", ownerMemberId = "m-kh", dueDate = JalaliDate.FormatAscii(today.AddDays(20)) } },
        });
        Assert.True(meeting.IsSuccessStatusCode, await meeting.Content.ReadAsStringAsync());
        foreach (var scope in new[] { Province, County, OtherCounty })
        {
            await Host.PutOkAsync($"/api/targets/{scope}/{Period}/slaCompliance", new { planned = 0.9 });
            await Host.PutOkAsync($"/api/targets/{scope}/{Period}/activeOffices", new { planned = scope == Province ? 7 : 4 });
        }
        Directory.CreateDirectory(Shots);
    }

    private async Task<string> FileAsync(string office, string description)
    {
        var response = await Host.SendAsync(HttpMethod.Post, "/api/complaints", new
        {
            officeCode = office, category = "overcharging", description,
            complainant = new { name = ComplainantName, mobile = ComplainantMobile, nationalId = ComplainantNationalId },
        }, key: null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await Host.ReadJsonAsync(response))["trackingCode"]!.GetValue<string>();
    }

    /// <summary>An admin's inspection of the office with "no-extra-charges" (critical) failed; processed by the queue; its sanction id.</summary>
    private async Task<string> ProposedSanctionAsync(string office)
    {
        var items = DefaultChecklist.Template.Items.Select(i => new { code = i.Code, result = i.Code == "no-extra-charges" ? "fail" : "pass" }).ToList();
        var posted = await Host.SendAsync(HttpMethod.Post, "/api/inspections", new
        {
            officeCode = office, type = "routine", visitedAt = DateTimeOffset.UtcNow.AddHours(-3), items,
        }, AdminKey);
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        var id = (await Host.ReadJsonAsync(posted))["id"]!.GetValue<string>();
        return (await ProcessedAsync(id))["outcome"]!["sanctionId"]!.GetValue<string>();
    }

    /// <summary>GET /api/inspections/{id} until the queue has processed it.</summary>
    public async Task<JsonNode> ProcessedAsync(string id)
    {
        for (var i = 0; i < 150; i++)
        {
            var view = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspections/" + id, key: AdminKey));
            if (view["status"]?.GetValue<string>() == "processed") return view;
            await Task.Delay(200);
        }
        throw new TimeoutException("The inspection was not processed within 30 s.");
    }

    public Task DisposeAsync() => Site.DisposeAsync();
}
