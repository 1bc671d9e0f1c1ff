using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Pishkhan.Complaints;
using Pishkhan.Inspections;
using Pishkhan.Notifications;
using Pishkhan.Storage;
using static Pishkhan.Tests.Complaints.ComplaintsHost;

namespace Pishkhan.Tests.Complaints;

public sealed class ComplaintsApiTests(ComplaintsFixture fixture) : IClassFixture<ComplaintsFixture>
{
    private ComplaintsHost H => fixture.Host;
    private const string Period = "1405-09";

    private static string[] Events(JsonNode view) => view["timeline"]!.AsArray().Select(t => t!["event"]!.GetValue<string>()).ToArray();

    private static string Date(JsonNode view, string deadline) => view["deadlines"]![deadline]!["date"]!.GetValue<string>();

    [Fact]
    public async Task FollowsAComplaintThroughBothStagesOverHttp()
    {
        var office = await H.NewOfficeAsync();
        var (code, secret, filed) = await H.FileAsync(Body(office, complainant: new { name = "شاکی", mobile = "۰۹۱۲۱۲۳۴۵۶۷", email = "c1@example.ir" }));
        Assert.False(filed["duplicate"]!.GetValue<bool>());
        // Tue 1405-09-03 + 10 working days, skipping Fridays and the holiday 1405-09-07 from settings.
        Assert.Equal("2026-12-07", filed["stage1Due"]!["date"]!.GetValue<string>());
        Assert.Equal("1405-09-16", filed["stage1Due"]!["jalali"]!.GetValue<string>());

        var status = await H.StatusAsync(code);
        Assert.Equal("underReview", status["status"]!.GetValue<string>());
        Assert.Equal(["filed", "acknowledged"], Events(status));
        Assert.True(status["canWithdraw"]!.GetValue<bool>());
        Assert.False(status["canEscalate"]!.GetValue<bool>());
        Assert.Equal(1, await H.OpenComplaintsAsync(office));
        Assert.Equal(1, (await H.StatsAsync(Period, office))!.ComplaintsReceived);
        // One notification per channel: an email to the address and an SMS to the (normalised) number.
        var received = await H.OutboxAsync($"complaint-received:{code}");
        Assert.Equal([OutboxChannel.Email, OutboxChannel.Sms], received.Select(r => r.Channel).Order(StringComparer.Ordinal));
        var email = received.Single(r => !r.IsSms);
        Assert.Equal((NotificationKinds.ComplaintReceived, "09121234567", "c1@example.ir"), (email.Kind, email.ToMobile, email.ToEmail));
        Assert.Equal(("09121234567", null), received.Where(r => r.IsSms).Select(r => (r.ToMobile, r.ToEmail)).Single());

        var decided = await H.DecideAsync(code, "partlyUpheld", H.InspectorC1);
        Assert.Equal("decided", decided["status"]!.GetValue<string>());
        Assert.Equal("2026-12-07", Date(decided, "escalationOpenUntil"));
        var stats = (await H.StatsAsync(Period, office))!;
        Assert.Equal((1L, 1L), (stats.ComplaintsDecided, stats.ComplaintsUpheld));
        Assert.Equal(1, Pishkhan.Stats.Histogram.Parse(stats.ComplaintDecisionDaysHistogram)[0]);
        Assert.Equal(0, await H.OpenComplaintsAsync(office));
        Assert.Equal(2, (await H.OutboxAsync($"complaint-decided:{code}:1")).Count); // email and SMS
        status = await H.StatusAsync(code);
        Assert.Equal(("decided", "partlyUpheld"), (status["status"]!.GetValue<string>(), status["outcome"]!.GetValue<string>()));
        Assert.True(status["canEscalate"]!.GetValue<bool>());

        var escalated = await H.EscalateAsync(code, secret);
        Assert.Equal(("escalated", 2), (escalated["status"]!.GetValue<string>(), escalated["stage"]!.GetValue<int>()));
        Assert.Equal("2026-12-19", Date(escalated, "stage2"));
        Assert.Equal(1, await H.OpenComplaintsAsync(office));

        var closed = await H.DecideAsync(code, "dismissed", TestHostKey);
        Assert.Equal(("closed", "dismissed"), (closed["status"]!.GetValue<string>(), closed["outcome"]!.GetValue<string>()));
        stats = (await H.StatsAsync(Period, office))!;
        Assert.Equal((1L, 0L), (stats.ComplaintsDecided, stats.ComplaintsUpheld));
        Assert.Equal(0, await H.OpenComplaintsAsync(office));
        Assert.Equal(2, (await H.OutboxAsync($"complaint-decided:{code}:2")).Count);
        Assert.Equal(["filed", "acknowledged", "decided", "escalated", "decided"], Events(await H.StatusAsync(code)));

        var again = await H.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/escalation", new { secret, reason = "دوباره" }, key: null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    private const string TestHostKey = Infrastructure.TestHost.BootstrapKey;

    [Fact]
    public async Task FilingAnswers201WithLocationAndAnAnonymousComplaintSendsNothing()
    {
        var office = await H.NewOfficeAsync();
        var response = await H.Host.SendAsync(HttpMethod.Post, "/api/complaints", Body(office, anonymous: true), key: null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await H.Host.ReadJsonAsync(response);
        var code = json["trackingCode"]!.GetValue<string>();
        Assert.Equal($"/api/complaints/{code}", response.Headers.Location!.OriginalString);
        Assert.Empty(await H.OutboxAsync($"complaint-received:{code}"));
        var view = await H.OkAsync(HttpMethod.Get, $"/api/complaints/{code}/case", null, H.AdminA);
        Assert.True(view["complaint"]!["anonymous"]!.GetValue<bool>());
        Assert.Null(view["complainant"]);
    }

    [Fact]
    public async Task TheSameComplaintWithinADayReturnsTheFirstTrackingCode()
    {
        var office = await H.NewOfficeAsync();
        var text = $"کارمند دفتر ۵۰۰۰۰ ریال اضافه گرفت {Guid.NewGuid():N}";
        var (code, _, _) = await H.FileAsync(Body(office, text, complainant: new { mobile = "09121110000", nationalId = "0499370899" }));
        var again = await H.Host.SendAsync(HttpMethod.Post, "/api/complaints",
            Body(office, "  " + text.Replace("۵۰۰۰۰", "50000").Replace("ی", "ي").Replace("ک", "ك").Replace(" ", "  "),
                complainant: new { mobile = "+98 912 111 0000", nationalId = "۰۴۹۹۳۷۰۸۹۹" }), key: null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var json = await H.Host.ReadJsonAsync(again);
        Assert.Equal(code, json["trackingCode"]!.GetValue<string>());
        Assert.True(json["duplicate"]!.GetValue<bool>());
        Assert.Null(json["secret"]);
        Assert.Single(await H.RowsAsync<ComplaintEntity>(Tables.Complaints, TableClient.CreateQueryFilter($"PartitionKey eq {office}")));
        Assert.Equal(1, (await H.StatsAsync(Period, office))!.ComplaintsReceived);

        var otherOffice = await H.NewOfficeAsync();
        var (other, _, _) = await H.FileAsync(Body(otherOffice, text, complainant: new { mobile = "09121110000", nationalId = "0499370899" }));
        Assert.NotEqual(code, other);
        var (otherPerson, _, _) = await H.FileAsync(Body(office, text, complainant: new { mobile = "09121110001" }));
        Assert.NotEqual(code, otherPerson);
    }

    [Fact]
    public async Task StageTwoMustBeDecidedByADifferentPersonOverHttp()
    {
        var office = await H.NewOfficeAsync();
        var (code, secret, _) = await H.FileAsync(office);
        await H.DecideAsync(code, "dismissed", H.AdminA);
        await H.EscalateAsync(code, secret);
        var same = await H.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/decision", new { outcome = "upheld", reasons = "دلایل کافی وجود دارد", remedy = "جبران" }, H.AdminA);
        Assert.Equal(HttpStatusCode.Forbidden, same.StatusCode);
        Assert.Equal("application/problem+json", same.Content.Headers.ContentType?.MediaType);
        var inspector = await H.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/decision", new { outcome = "upheld", reasons = "دلایل کافی وجود دارد", remedy = "جبران" }, H.InspectorC1);
        Assert.Equal(HttpStatusCode.Forbidden, inspector.StatusCode);
        Assert.Equal("escalated", (await H.StatusAsync(code))["status"]!.GetValue<string>());
        var other = await H.DecideAsync(code, "upheld", H.AdminB);
        Assert.Equal("closed", other["status"]!.GetValue<string>());
        Assert.NotEqual(other["stage1Decision"]!["decidedBy"]!.GetValue<string>(), other["stage2Decision"]!["decidedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task StageTwoIsRefusedToAKeyTheStageOneDeciderIssuedItselfOrOneIssuedByThatKey()
    {
        var office = await H.NewOfficeAsync();
        var (code, secret, _) = await H.FileAsync(office);
        await H.DecideAsync(code, "dismissed", H.AdminA);
        await H.EscalateAsync(code, secret);
        var a2 = await H.Host.IssueKeyAsync("admin", ComplaintsHost.Province, key: H.AdminA);
        var a3 = await H.Host.IssueKeyAsync("admin", ComplaintsHost.Province, key: a2);
        foreach (var key in new[] { a2, a3 })
        {
            var response = await H.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/decision",
                new { outcome = "upheld", reasons = "دلایل کافی وجود دارد", remedy = "جبران" }, key);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.Equal("escalated", (await H.StatusAsync(code))["status"]!.GetValue<string>());

        // The key records its issuer and the person at the root of the chain.
        static string Id(string key) => key.Split('_')[1];
        var view = await H.OkAsync(HttpMethod.Get, $"/api/keys/{Id(a3)}", null, H.AdminB);
        Assert.Equal((Id(a2), Id(H.AdminA)), (view["issuedBy"]!.GetValue<string>(), view["person"]!.GetValue<string>()));
        var root = await H.OkAsync(HttpMethod.Get, $"/api/keys/{Id(H.AdminA)}", null, H.AdminB);
        Assert.Equal(("bootstrap", Id(H.AdminA)), (root["issuedBy"]!.GetValue<string>(), root["person"]!.GetValue<string>()));

        Assert.Equal("closed", (await H.DecideAsync(code, "upheld", H.AdminB))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnInspectorHandlesOnlyItsOwnCounty()
    {
        var (code, _, _) = await H.FileAsync("lr-o3"); // county lr-c2
        Assert.Equal(HttpStatusCode.NotFound, (await H.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}/case", key: H.InspectorC1)).StatusCode);
        var decide = await H.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/decision", new { outcome = "dismissed", reasons = "دلایل کافی وجود ندارد" }, H.InspectorC1);
        Assert.Equal(HttpStatusCode.NotFound, decide.StatusCode);
        var list = await H.OkAsync(HttpMethod.Get, "/api/complaints?pageSize=200", null, H.InspectorC1);
        Assert.DoesNotContain(list["items"]!.AsArray(), i => i!["trackingCode"]!.GetValue<string>() == code);
        var own = await H.OkAsync(HttpMethod.Get, "/api/complaints?officeCode=lr-o3&status=open", null, H.InspectorC2);
        Assert.Contains(own["items"]!.AsArray(), i => i!["trackingCode"]!.GetValue<string>() == code);
        Assert.Equal(HttpStatusCode.Forbidden, (await H.Host.SendAsync(HttpMethod.Get, "/api/complaints?officeCode=lr-o3", key: H.InspectorC1)).StatusCode);
        await H.DecideAsync(code, "dismissed", H.InspectorC2);
    }

    [Fact]
    public async Task MembersAndAgenciesHaveNoComplaintRoutes()
    {
        var (code, _, _) = await H.FileAsync("lr-o1");
        Assert.Equal(HttpStatusCode.Forbidden, (await H.Host.SendAsync(HttpMethod.Get, "/api/complaints", key: H.Member)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await H.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}/case", key: H.Member)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await H.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}/case", key: H.OfficeO1)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await H.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}/access-log", key: H.InspectorC1)).StatusCode);
    }

    [Fact]
    public async Task EscalationAndWithdrawalNeedTheSecretOrAnAdminOfTheProvince()
    {
        var office = await H.NewOfficeAsync();
        var (code, secret, _) = await H.FileAsync(office);
        var wrong = await H.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/withdrawal", new { secret = TrackingCode.NewSecret() }, key: null);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var none = await H.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/withdrawal", new { reason = "منصرف شدم" }, key: H.Member);
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        var foreignAdmin = await H.Host.IssueKeyAsync("admin", "fars");
        Assert.Equal(HttpStatusCode.Forbidden, (await H.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/withdrawal", new { }, key: foreignAdmin)).StatusCode);
        Assert.Equal("underReview", (await H.StatusAsync(code))["status"]!.GetValue<string>());

        var withdrawn = await H.OkAsync(HttpMethod.Post, $"/api/complaints/{code}/withdrawal", new { secret = secret.ToLowerInvariant(), reason = "مشکل حل شد" }, null);
        Assert.Equal(("withdrawn", "withdrawn"), (withdrawn["status"]!.GetValue<string>(), withdrawn["outcome"]!.GetValue<string>()));
        Assert.Equal(0, await H.OpenComplaintsAsync(office));
        Assert.Equal(0L, (await H.StatsAsync(Period, office))!.ComplaintsDecided);

        var (byPhone, _, _) = await H.FileAsync(office);
        await H.DecideAsync(byPhone, "dismissed", H.InspectorC1);
        var onBehalf = await H.OkAsync(HttpMethod.Post, $"/api/complaints/{byPhone}/escalation", new { reason = "شاکی تلفنی اعتراض کرد" }, H.AdminA);
        Assert.Equal("escalated", onBehalf["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnExtensionMovesTheDeadlineAndTellsTheComplainant()
    {
        var office = await H.NewOfficeAsync();
        var (code, _, _) = await H.FileAsync(office);
        var view = await H.OkAsync(HttpMethod.Post, $"/api/complaints/{code}/extension", new { newDueDate = "1405-09-23", reason = "استعلام از اداره ثبت لازم است" }, H.InspectorC1);
        Assert.Equal("2026-12-14", Date(view, "stage1"));
        Assert.Equal(1, view["stage1Extensions"]!.GetValue<int>());
        var told = Assert.Single(await H.OutboxAsync($"complaint-extended:{code}:1:"));
        Assert.Equal(NotificationKinds.ComplaintExtended, told.Kind);
        Assert.Equal("استعلام از اداره ثبت لازم است", told.Data["reason"]);
        Assert.Equal("۱۴۰۵/۰۹/۲۳", told.Data["newDueDateJalali"]);
        var status = await H.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}", key: null);
        var text = await status.Content.ReadAsStringAsync();
        Assert.Contains("\"extended\"", text);
        Assert.Contains("2026-12-14", text);
        Assert.DoesNotContain("استعلام", text);
    }

    [Fact]
    public async Task ReadingTheCaseShowsTheComplainantAndIsLogged()
    {
        var office = await H.NewOfficeAsync();
        var (code, _, _) = await H.FileAsync(Body(office, complainant: new { name = "رضا کریمی", mobile = "09351112233", nationalId = "0499370899" }));
        var view = await H.OkAsync(HttpMethod.Get, $"/api/complaints/{code}/case", null, H.InspectorC1);
        Assert.Equal("09351112233", view["complainant"]!["mobile"]!.GetValue<string>());
        Assert.Equal("0499370899", view["complainant"]!["nationalId"]!.GetValue<string>());
        Assert.StartsWith("دفتر پیشخوان", view["description"]!.GetValue<string>());

        var log = await H.OkAsync(HttpMethod.Get, $"/api/complaints/{code}/access-log", null, H.AdminA);
        var entries = log["items"]!.AsArray();
        var inspectorKeyId = H.InspectorC1.Split('_')[1];
        Assert.Contains(entries, e => e!["keyId"]!.GetValue<string>() == inspectorKeyId && e["purpose"]!.GetValue<string>() == "caseView"
            && e["role"]!.GetValue<string>() == "inspector");
        // The acknowledgement read the contact too: the app's own reads are logged as "system".
        Assert.Contains(entries, e => e!["keyId"]!.GetValue<string>() == "system" && e["purpose"]!.GetValue<string>() == "notification");
    }

    [Fact]
    public async Task TheOfficeSeesItsComplaintsWithoutAnyIdentifier()
    {
        var (code, _, _) = await H.FileAsync("lr-o1");
        var list = await H.OkAsync(HttpMethod.Get, "/api/complaints?pageSize=200", null, H.OfficeO1);
        var items = list["items"]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Null(i!["trackingCode"]));
        Assert.DoesNotContain(code, list.ToJsonString());
        var officeView = await H.OkAsync(HttpMethod.Get, "/api/offices/lr-o1", null, H.OfficeO1);
        Assert.True(officeView["openComplaints"]!.GetValue<int>() >= 1);
        // An office key cannot look at another office's complaints by passing a filter.
        var other = await H.OkAsync(HttpMethod.Get, "/api/complaints?officeCode=lr-o3", null, H.OfficeO1);
        Assert.Equal(items.Count, other["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task AnAdminListsAndFiltersTheProvince()
    {
        var office = await H.NewOfficeAsync("lr-c2");
        var (open, _, _) = await H.FileAsync(office, ComplaintCategories.Misconduct);
        var (done, _, _) = await H.FileAsync(office, ComplaintCategories.Delay);
        await H.DecideAsync(done, "dismissed", H.AdminA);
        var all = await H.OkAsync(HttpMethod.Get, $"/api/complaints?officeCode={office}", null, H.AdminA);
        Assert.Equal(2, all["items"]!.AsArray().Count);
        var openOnly = await H.OkAsync(HttpMethod.Get, $"/api/complaints?officeCode={office}&status=open", null, H.AdminA);
        Assert.Equal([open], openOnly["items"]!.AsArray().Select(i => i!["trackingCode"]!.GetValue<string>()));
        var decided = await H.OkAsync(HttpMethod.Get, "/api/complaints?countyCode=lr-c2&status=decided&pageSize=200", null, H.AdminA);
        Assert.Contains(decided["items"]!.AsArray(), i => i!["trackingCode"]!.GetValue<string>() == done);
        Assert.All(decided["items"]!.AsArray(), i => Assert.Equal("lr-c2", i!["countyCode"]!.GetValue<string>()));
        var misconduct = await H.OkAsync(HttpMethod.Get, "/api/complaints?province=lorestan&category=misconduct&pageSize=200", null, TestHostKey);
        Assert.Contains(misconduct["items"]!.AsArray(), i => i!["trackingCode"]!.GetValue<string>() == open);
        Assert.All(misconduct["items"]!.AsArray(), i => Assert.Equal("misconduct", i!["category"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnUpheldComplaintInACriticalCategoryRequestsAnInspection()
    {
        var office = await H.NewOfficeAsync();
        var (code, _, _) = await H.FileAsync(office, ComplaintCategories.Overcharging);
        await H.DecideAsync(code, "upheld", H.InspectorC1);
        var request = Assert.Single(await H.RowsAsync<InspectionRequestEntity>(Tables.InspectionRequests,
            TableClient.CreateQueryFilter($"PartitionKey eq {"lr-c1"} and OfficeCode eq {office}")));
        Assert.Equal(($"complaint-{code}", "complaint", "open"), (request.RowKey, request.Kind, request.Status));
        Assert.Contains(code, request.ComplaintIdsJson);
    }

    [Fact]
    public async Task ThreeUpheldComplaintsAgainstOneOfficeRequestOneInspection()
    {
        var office = await H.NewOfficeAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {"lr-c1"} and OfficeCode eq {office}");
        var codes = new List<string>();
        for (var i = 0; i < 4; i++) codes.Add((await H.FileAsync(office, ComplaintCategories.Delay)).Code);
        await H.DecideAsync(codes[0], "dismissed", H.InspectorC1);
        await H.DecideAsync(codes[1], "upheld", H.InspectorC1);
        await H.DecideAsync(codes[2], "partlyUpheld", H.InspectorC1);
        Assert.Empty(await H.RowsAsync<InspectionRequestEntity>(Tables.InspectionRequests, filter));
        H.Clock.Advance(TimeSpan.FromMinutes(1));
        await H.DecideAsync(codes[3], "upheld", H.InspectorC1);
        var request = Assert.Single(await H.RowsAsync<InspectionRequestEntity>(Tables.InspectionRequests, filter));
        Assert.Equal($"upheld-{office}-", request.RowKey[..(8 + office.Length)]);
        Assert.DoesNotContain(codes[0], request.ComplaintIdsJson);
        Assert.All(codes.Skip(1), c => Assert.Contains(c, request.ComplaintIdsJson));

        // A fourth upheld complaint in the same window is the same cause: still one request.
        var (fifth, _, _) = await H.FileAsync(office, ComplaintCategories.Misconduct);
        await H.DecideAsync(fifth, "upheld", H.InspectorC1);
        Assert.Single(await H.RowsAsync<InspectionRequestEntity>(Tables.InspectionRequests, filter));
    }

    [Fact]
    public async Task DismissedComplaintsRequestNoInspection()
    {
        var office = await H.NewOfficeAsync();
        for (var i = 0; i < 3; i++)
            await H.DecideAsync((await H.FileAsync(office, ComplaintCategories.PrivacyBreach)).Code, "dismissed", H.InspectorC1);
        Assert.Empty(await H.RowsAsync<InspectionRequestEntity>(Tables.InspectionRequests,
            TableClient.CreateQueryFilter($"PartitionKey eq {"lr-c1"} and OfficeCode eq {office}")));
        var stats = (await H.StatsAsync(Period, office))!;
        Assert.Equal((3L, 3L, 0L), (stats.ComplaintsReceived, stats.ComplaintsDecided, stats.ComplaintsUpheld));
    }

    [Fact]
    public async Task AStageTwoUpholdingCorrectsTheStageOnePeriod()
    {
        var office = await H.NewOfficeAsync();
        var (code, secret, _) = await H.FileAsync(office);
        await H.DecideAsync(code, "dismissed", H.InspectorC1);
        Assert.Equal(0L, (await H.StatsAsync(Period, office))!.ComplaintsUpheld);
        await H.EscalateAsync(code, secret);
        await H.DecideAsync(code, "upheld", H.AdminA);
        var stats = (await H.StatsAsync(Period, office))!;
        Assert.Equal((1L, 1L), (stats.ComplaintsDecided, stats.ComplaintsUpheld));
    }

    [Fact]
    public async Task CategoriesArePublicWithPersianAndEnglishLabels()
    {
        var list = await H.OkAsync(HttpMethod.Get, "/api/complaint-categories", null, null);
        Assert.Equal(8, list.AsArray().Count);
        var overcharging = list.AsArray().Single(c => c!["code"]!.GetValue<string>() == "overcharging")!;
        Assert.Equal("Overcharging", overcharging["en"]!.GetValue<string>());
        Assert.Equal("دریافت وجه اضافه", overcharging["fa"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnknownButWellFormedTrackingCodeIs404()
    {
        var code = TrackingCode.New();
        Assert.Equal(HttpStatusCode.NotFound, (await H.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}", key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await H.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}/case", key: H.AdminA)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await H.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/decision",
            new { outcome = "dismissed", reasons = "دلایل کافی وجود ندارد" }, H.AdminA)).StatusCode);
    }

    [Fact]
    public async Task ATrackingCodeTypedInLowerCaseWithSpacesIsFound()
    {
        var (code, _, _) = await H.FileAsync("lr-o2");
        var typed = Uri.EscapeDataString(code.ToLowerInvariant().Replace("-", " "));
        var view = await H.OkAsync(HttpMethod.Get, $"/api/complaints/{typed}", null, null);
        Assert.Equal(code, view["trackingCode"]!.GetValue<string>());
    }
}
