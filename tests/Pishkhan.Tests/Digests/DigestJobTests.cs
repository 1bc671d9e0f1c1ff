using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Pishkhan.Bindings;
using Pishkhan.Digests;
using Pishkhan.Members;
using Pishkhan.Notifications;
using Pishkhan.Notifications.Templates;
using Pishkhan.Stats;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Notifications;

namespace Pishkhan.Tests.Digests;

/// <summary>The weekly digest end to end: members, stats, POST /api/digests:send, the SendGrid wire.</summary>
public sealed class DigestJobTests : IAsyncLifetime
{
    private FakeSendGrid _sendGrid = null!;
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _sendGrid = await FakeSendGrid.StartAsync();
        _host = await TestHost.StartAsync(settings: new()
        {
            ["Pishkhan:SendGrid:ApiKey"] = "SG.digest-key",
            ["Pishkhan:SendGrid:Host"] = _sendGrid.Url,
            ["Pishkhan:PublicBaseUrl"] = "https://pishkhan.example",
            ["Pishkhan:UnsubscribeSigningKey"] = UnsubscribeTests.SigningKey,
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sendGrid.DisposeAsync();
    }

    private Task PutMemberAsync(string id, string province, string role, string? county = null, bool digest = true, string? email = null) =>
        _host.PutOkAsync($"/api/members/{id}", new { name = "عضو " + id, email = email ?? $"{id}@example.ir", role, province, countyCode = county, digest });

    /// <summary>A province with two counties, three offices, five members and a month of counters.</summary>
    private async Task SeedAsync(string province, string tag)
    {
        await _host.SeedProvinceAsync(province, tag);
        await PutMemberAsync($"{tag}-chair", province, "chair");
        await PutMemberAsync($"{tag}-m2", province, "member");
        await PutMemberAsync($"{tag}-off", province, "member", digest: false);
        await PutMemberAsync($"{tag}-lead1", province, "countyLead", $"{tag}-c1");
        await PutMemberAsync($"{tag}-lead2", province, "countyLead", $"{tag}-c2");

        var stats = _host.Services.GetRequiredService<OfficeStatsStore>();
        var period = DigestBuilder.PeriodOf(DateTimeOffset.UtcNow).ToString();
        await stats.ApplyOnceAsync(period, $"{tag}-o1", province, $"{tag}-c1", "seed", s =>
        {
            s.RequestsCompleted = 40; s.CompletedWithinSla = 28; s.SlaBreached = 12;
            s.ComplaintsReceived = 6; s.ComplaintsDecided = 5; s.ComplaintsUpheld = 4;
            s.InspectionCount = 2; s.InspectionScoreSum = 130; s.Violations = 3; s.MajorViolations = 1;
        });
        await stats.ApplyOnceAsync(period, $"{tag}-o2", province, $"{tag}-c1", "seed", s =>
        {
            s.RequestsCompleted = 100; s.CompletedWithinSla = 98; s.SlaBreached = 2; s.ComplaintsReceived = 1;
        });
        await stats.ApplyOnceAsync(period, $"{tag}-o3", province, $"{tag}-c2", "seed", s =>
        {
            s.RequestsCompleted = 20; s.CompletedWithinSla = 20; s.InspectionCount = 1; s.InspectionScoreSum = 91;
        });
    }

    private async Task<JsonNode> SendNowAsync(object body, HttpStatusCode expected = HttpStatusCode.OK, string key = TestHost.BootstrapKey)
    {
        var response = await _host.SendAsync(HttpMethod.Post, "/api/digests:send", body, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST /api/digests:send → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private List<FakeSendGrid.Received> DigestRequestsTo(string tag) =>
        _sendGrid.Requests.Where(r => r.Body["personalizations"]!.AsArray()
            .Any(p => p!["to"]![0]!["email"]!.GetValue<string>().StartsWith(tag + "-", StringComparison.Ordinal))).ToList();

    [Fact]
    public async Task SendsEachScopeItsDigestInOneBatchWithPersonalUnsubscribeLinks()
    {
        await SeedAsync("markazi", "mk");

        var result = await SendNowAsync(new { province = "markazi" });

        Assert.Equal(4, result["recipients"]!.GetValue<int>());
        Assert.Equal(4, result["sent"]!.GetValue<int>());
        Assert.Equal(JalaliDateOfWeek(), result["week"]!.GetValue<string>());
        var requests = DigestRequestsTo("mk");
        Assert.Equal(3, requests.Count); // the province's two members together, each county lead alone
        var province = requests.Single(r => r.Body["personalizations"]!.AsArray().Count == 2);
        Assert.Equal(["mk-chair@example.ir", "mk-m2@example.ir"],
            province.Body["personalizations"]!.AsArray().Select(p => p!["to"]![0]!["email"]!.GetValue<string>()).Order());
        Assert.DoesNotContain(requests, r => r.Body.ToJsonString().Contains("mk-off@"));

        foreach (var p in province.Body["personalizations"]!.AsArray())
        {
            var memberId = p!["to"]![0]!["email"]!.GetValue<string>().Split('@')[0];
            var url = p["substitutions"]![Substitution.UnsubscribeUrl]!.GetValue<string>();
            Assert.StartsWith($"https://pishkhan.example/api/unsubscribe?t=markazi.{memberId}.", url);
            Assert.Equal($"<{url}>", p["headers"]!["List-Unsubscribe"]!.GetValue<string>());
            Assert.Equal("List-Unsubscribe=One-Click", p["headers"]!["List-Unsubscribe-Post"]!.GetValue<string>());
            Assert.Equal(32, p["custom_args"]!["notificationId"]!.GetValue<string>().Length);
        }
        var subject = province.Body["subject"]!.GetValue<string>();
        Assert.StartsWith("گزارش هفتگی کارگروه پیشخوان — استان مرکزی — هفته‌ی ", subject);
        var html = province.Body["content"]![1]!["value"]!.GetValue<string>();
        Assert.Contains("href=\"" + Substitution.UnsubscribeUrl + "\"", html);
        Assert.Contains("دستور جلسه‌ی پیشنهادی برای جلسه‌ی بعد", html);
        Assert.Contains("تصمیم درباره‌ی «دفتر پیشخوان 1» با ۴ شکایت واردشده", html); // the upheld complaints
        Assert.Contains("شکایات ماه به تفکیک دفتر", html);
        Assert.Contains("نقض مهلت خدمات (SLA) به تفکیک دفتر", html);
        Assert.Contains("بازرسی‌های ماه", html);

        var lead2 = requests.Single(r => r.Body["personalizations"]![0]!["to"]![0]!["email"]!.GetValue<string>() == "mk-lead2@example.ir");
        var countyHtml = lead2.Body["content"]![1]!["value"]!.GetValue<string>();
        Assert.Contains("شهرستان بروجرد", lead2.Body["subject"]!.GetValue<string>());
        Assert.Contains("دفتر پیشخوان 3", countyHtml);
        Assert.DoesNotContain("دفتر پیشخوان 1", countyHtml); // another county's office
        Assert.DoesNotContain("پیام‌های معیوب", countyHtml);
    }

    [Fact]
    public async Task SendingAgainInTheSameWeekSendsNothingTwice()
    {
        await SeedAsync("hamadan", "hm");
        await SendNowAsync(new { province = "hamadan" });
        var before = DigestRequestsTo("hm").Count;

        var again = await SendNowAsync(new { province = "hamadan" });

        Assert.Equal(0, again["sent"]!.GetValue<int>());
        Assert.Equal(4, again["alreadySent"]!.GetValue<int>());
        Assert.Equal(before, DigestRequestsTo("hm").Count);
        Assert.Equal(4, DigestRequestsTo("hm").Sum(r => r.Body["personalizations"]!.AsArray().Count));
    }

    [Fact]
    public async Task AnUnsubscribedMemberGetsNoFurtherDigest()
    {
        await SeedAsync("zanjan", "zj");
        var links = _host.Services.GetRequiredService<UnsubscribeLinks>();
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PostAsync("/api/unsubscribe?t=" + links.Token("zanjan", "zj-m2"), null)).StatusCode);

        var result = await SendNowAsync(new { province = "zanjan" });

        Assert.Equal(3, result["recipients"]!.GetValue<int>());
        Assert.DoesNotContain(_sendGrid.AcceptedRecipients(), r => r == "zj-m2@example.ir");
    }

    [Fact]
    public async Task WhenTheBatchIsNotTakenTheQueueSendsEachRowAloneFromTheSameSnapshot()
    {
        await SeedAsync("semnan", "sn");
        for (var i = 0; i < 4; i++) _sendGrid.Then(503, new Dictionary<string, string> { ["Retry-After"] = "0" }); // every attempt of the first batch

        var result = await SendNowAsync(new { province = "semnan" });

        // The first batch met four 503s and was given back; later batches of the run may have gone out.
        Assert.True(result["waiting"]!.GetValue<int>() >= 1);
        Assert.Equal(4, result["waiting"]!.GetValue<int>() + result["sent"]!.GetValue<int>());
        // The delayed safety-net message of each row, delivered now: one email per member, rendered from the stored digest.
        var outbox = _host.Services.GetRequiredService<Outbox>();
        var sender = _host.Services.GetRequiredService<NotificationSender>();
        var week = JalaliDateOfWeek();
        foreach (var member in new[] { "sn-chair", "sn-m2", "sn-lead1", "sn-lead2" })
        {
            var id = Outbox.IdFor($"digest:semnan:{week}:{member}", $"{member}@example.ir", null);
            var row = await outbox.GetAsync(id);
            if (row!.Status != OutboxStatus.Sent) await sender.SendAsync(id);
            Assert.Equal(OutboxStatus.Sent, (await outbox.GetAsync(id))!.Status);
        }
        var chair = _sendGrid.Requests.Single(r => r.AnsweredWith == 202 && r.Body["personalizations"]![0]!["to"]![0]!["email"]!.GetValue<string>() == "sn-chair@example.ir");
        var p = Assert.Single(chair.Body["personalizations"]!.AsArray())!;
        Assert.StartsWith("<https://pishkhan.example/api/unsubscribe?t=semnan.sn-chair.", p["headers"]!["List-Unsubscribe"]!.GetValue<string>());
        Assert.Contains("استان سمنان", chair.Body["subject"]!.GetValue<string>());
        Assert.Equal(4, _sendGrid.AcceptedRecipients().Count(r => r.StartsWith("sn-", StringComparison.Ordinal)));
        Assert.Equal(0, (await SendNowAsync(new { province = "semnan" }))["sent"]!.GetValue<int>());
    }

    [Fact]
    public async Task SplitsMoreThanAThousandRecipientsIntoCallsOfAtMostAThousand()
    {
        const int members = 1001;
        var table = _host.Table(Tables.Members);
        foreach (var chunk in Enumerable.Range(0, members).Chunk(100))
            await table.SubmitTransactionAsync(chunk.Select(i => new TableTransactionAction(TableTransactionActionType.Add, new MemberEntity
            {
                PartitionKey = "yazd", RowKey = $"yz-many-{i:D4}", Name = "عضو", Email = $"yz-many-{i:D4}@example.ir", Role = MemberRoles.Member, Digest = true,
            })));

        // 1,001 members are enqueued and sent while the caller waits: on a loaded machine (the suite runs twice,
        // once under fa-IR) that has taken longer than the shared client's 30 s, so this call gets its own client.
        using var patient = new HttpClient { BaseAddress = _host.Http.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        var response = await patient.SendAsync(_host.Request(HttpMethod.Post, "/api/digests:send", json: new { province = "yazd" }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /api/digests:send → {(int)response.StatusCode}: {text}");
        var result = JsonNode.Parse(text)!;

        Assert.Equal(members, result["sent"]!.GetValue<int>());
        var calls = DigestRequestsTo("yz");
        Assert.Equal([1, 1000], calls.Select(c => c.Body["personalizations"]!.AsArray().Count).Order());
        Assert.Equal(members, _sendGrid.AcceptedRecipients().Where(r => r.StartsWith("yz-many-", StringComparison.Ordinal)).Distinct().Count());
    }

    [Fact]
    public async Task OnlyAnAdminOfTheProvinceMaySendNow()
    {
        var fars = await _host.IssueKeyAsync("admin", "fars");
        var member = await _host.IssueKeyAsync("member", "ardabil");
        await SendNowAsync(new { province = "ardabil" }, HttpStatusCode.Forbidden, fars);
        await SendNowAsync(new { }, HttpStatusCode.Forbidden, member);
        var own = await SendNowAsync(new { }, HttpStatusCode.OK, fars); // an admin's own province by default
        Assert.Equal("fars", own["province"]!.GetValue<string>());
        var empty = await _host.Http.SendAsync(_host.Request(HttpMethod.Post, "/api/digests:send", fars));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode); // an empty body is allowed too
        await SendNowAsync(new { }, HttpStatusCode.BadRequest); // the bootstrap key has no province of its own
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { "{", "application/json" },
        { "[]", "application/json" },
        { """{"province":1}""", "application/json" },
        { """{"province":"tehran","extra":true}""", "application/json" },
        { """{"province":"atlantis"}""", "application/json" },
        { """{"province":"tehran' or PartitionKey ne '"}""", "application/json" },
        { """{"province":"تهران"}""", "application/json" },
        { """{"province":"ايلام"}""", "application/json" },
        { """{"province":"te\r\nhran"}""", "application/json" },
        { """{"province":"te\u0000hran"}""", "application/json" },
        { """{"province":"\ud800"}""", "application/json" },
        { "{\"province\":\"" + new string('a', 5000) + "\"}", "application/json" },
        { "province=tehran", "application/x-www-form-urlencoded" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task RefusesBadInputWithAProblemAndWritesNothing(string body, string contentType)
    {
        await PutMemberAsync("th-m1", "tehran", "member");
        var before = await _host.CountEntitiesAsync();
        var requestsBefore = _sendGrid.Requests.Count;

        var response = await _host.SendRawAsync(HttpMethod.Post, "/api/digests:send", body, contentType);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await _host.CountEntitiesAsync());
        Assert.Equal(requestsBefore, _sendGrid.Requests.Count);
    }

    private static string JalaliDateOfWeek() => Pishkhan.Calendar.JalaliDate.FormatAscii(DigestBuilder.WeekStartOf(DateTimeOffset.UtcNow));
}
