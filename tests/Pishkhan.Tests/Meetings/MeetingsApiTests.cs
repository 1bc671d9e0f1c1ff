using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Meetings;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Meetings;

public sealed class MeetingsApiTests(MeetingsFixture fixture) : IClassFixture<MeetingsFixture>
{
    private TestHost Host => fixture.Host;

    private async Task<JsonNode> PostAsync(object body, string key = TestHost.BootstrapKey)
    {
        var response = await Host.SendAsync(HttpMethod.Post, "/api/meetings", body, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/meetings → {(int)response.StatusCode}: {text}");
        var meeting = JsonNode.Parse(text)!;
        Assert.Equal($"/api/meetings/{meeting["id"]!.GetValue<string>()}", response.Headers.Location?.ToString());
        return meeting;
    }

    private async Task<JsonNode> GetAsync(string path, string key = TestHost.BootstrapKey)
    {
        var response = await Host.SendAsync(HttpMethod.Get, path, key: key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static object Decision(string text, string dueDate, object? links = null, string owner = "mt-sec") =>
        new { text, ownerMemberId = owner, dueDate, links };

    [Fact]
    public async Task OpenDecisionsPastTheirDueDateAreFlaggedOverdue()
    {
        var meeting = await PostAsync(new
        {
            date = "1405-08-20", scope = "kerman", participants = new[] { "mt-chair", "mt-sec", "mt-lead" }, title = "جلسه آبان",
            decisions = new[]
            {
                Decision("بازرسی سرزده از دفاتر کم‌رتبه", "1405-09-05"),   // five days ago
                Decision("گزارش رضایت شهروندان", "2026-12-15"),            // in two weeks (Gregorian input)
                Decision("پیگیری شکایات معوق", "1405-09-09"),               // yesterday
                Decision("تمدید قرارداد پست", "1405-09-10"),                // today: due, not overdue
            },
        });
        Assert.Equal(("kerman", "kerman", "2026-11-11", "1405-08-20"),
            (meeting["province"]!.GetValue<string>(), meeting["scope"]!.GetValue<string>(), meeting["date"]!.GetValue<string>(), meeting["dateJalali"]!.GetValue<string>()));
        var decisions = meeting["decisions"]!.AsArray();
        Assert.Equal(["d01", "d02", "d03", "d04"], decisions.Select(d => d!["id"]!.GetValue<string>()));
        Assert.Equal([true, false, true, false], decisions.Select(d => d!["overdue"]!.GetValue<bool>()));
        Assert.Equal("2026-12-15", decisions[1]!["dueDate"]!.GetValue<string>());
        Assert.Equal("1405-09-24", decisions[1]!["dueDateJalali"]!.GetValue<string>());
        Assert.All(decisions, d => Assert.Equal("open", d!["status"]!.GetValue<string>()));

        var id = meeting["id"]!.GetValue<string>();
        var done = await Host.SendAsync(HttpMethod.Post, $"/api/meetings/{id}/decisions/d01/status", new { status = "done", note = "انجام شد" });
        var doneView = await Host.ReadJsonAsync(done);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(("done", false, "انجام شد"), (doneView["status"]!.GetValue<string>(), doneView["overdue"]!.GetValue<bool>(), doneView["statusNote"]!.GetValue<string>()));

        var again = await GetAsync($"/api/meetings/{id}");
        Assert.Equal([false, false, true, false], again["decisions"]!.AsArray().Select(d => d!["overdue"]!.GetValue<bool>()));

        var open = (await Host.Services.GetRequiredService<MeetingStore>().OpenDecisionsAsync("kerman", default)).Where(d => d.MeetingId == id).ToList();
        Assert.Equal(["d03", "d04", "d02"], open.Select(d => d.DecisionId));   // earliest due first
        Assert.Equal([(true, 1), (false, 0), (false, 0)], open.Select(d => (d.Overdue, d.DaysOverdue)));
        Assert.Equal("پیگیری شکایات معوق", open[0].Text);
    }

    [Fact]
    public async Task ADecisionBecomesOverdueWhenTheClockPassesItsDueDate()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 6, 30, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        await MeetingsFixture.SeedAsync(host);
        var response = await host.SendAsync(HttpMethod.Post, "/api/meetings", new
        {
            date = "1405-09-10", scope = "mt-c1", participants = new[] { "mt-lead" },
            decisions = new[] { new { text = "بازدید از دفتر", ownerMemberId = "mt-lead", dueDate = "1405-09-12" } },
        });
        var id = (await host.ReadJsonAsync(response))["id"]!.GetValue<string>();
        var meetings = host.Services.GetRequiredService<MeetingStore>();
        Assert.False((await meetings.OpenDecisionsAsync("kerman", default)).Single().Overdue);

        clock.SetUtcNow(new DateTimeOffset(2026, 12, 3, 20, 29, 0, TimeSpan.Zero)); // 1405-09-12 23:59 Tehran: still the due day
        Assert.False((await meetings.OpenDecisionsAsync("kerman", default)).Single().Overdue);
        clock.SetUtcNow(new DateTimeOffset(2026, 12, 3, 20, 31, 0, TimeSpan.Zero)); // 1405-09-13 00:01 Tehran
        Assert.True((await meetings.OpenDecisionsAsync("kerman", default)).Single().Overdue);
        var view = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, $"/api/meetings/{id}"));
        Assert.True(view["decisions"]![0]!["overdue"]!.GetValue<bool>());
    }

    [Fact]
    public async Task LinksAreNormalisedAndKept()
    {
        var meeting = await PostAsync(new
        {
            date = "۱۴۰۵-۰۹-۰۱", scope = "mt-c1", participants = new[] { "mt-lead", "MT-LEAD", "mt-chair" },
            decisions = new[]
            {
                Decision("افزایش دفاتر دارای خدمات عصر", "1405-10-01", new
                {
                    targets = new[] { "kerman/۱۴۰۵-۰۹/AFTERHOURSOFFICES", "mt-c1/1405-09/slaCompliance" },
                    offices = new[] { "MT-O1" },
                    complaints = new[] { "ABCD-2345-X" },
                }, owner: "mt-lead"),
            },
        });
        Assert.Equal(["mt-lead", "mt-chair"], meeting["participants"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("mt-c1", meeting["county"]!.GetValue<string>());
        var links = meeting["decisions"]![0]!["links"]!;
        Assert.Equal(["kerman/1405-09/afterHoursOffices", "mt-c1/1405-09/slaCompliance"], links["targets"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(["mt-o1"], links["offices"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(["ABCD-2345-X"], links["complaints"]!.AsArray().Select(t => t!.GetValue<string>()));
        var stored = await GetAsync($"/api/meetings/{meeting["id"]!.GetValue<string>()}");
        Assert.Equal(links.ToJsonString(), stored["decisions"]![0]!["links"]!.ToJsonString());
    }

    [Fact]
    public async Task ListsAProvincesMeetingsNewestFirstAndACountysOwn()
    {
        var older = await PostAsync(new { date = "1405-01-15", scope = "kerman", participants = new[] { "mt-chair" } });
        var county = await PostAsync(new { date = "1405-02-15", scope = "mt-c2", participants = new[] { "mt-chair" },
            decisions = new[] { Decision("ثبت دفاتر جدید", "1405-03-01") } });
        var newer = await PostAsync(new { date = "1405-03-15", scope = "kerman", participants = new[] { "mt-sec" } });

        var all = (await GetAsync("/api/meetings?scope=kerman&pageSize=200"))["items"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
        var expected = new[] { newer, county, older }.Select(m => m["id"]!.GetValue<string>()).ToList();
        Assert.Equal(expected, all.Where(expected.Contains));
        var c2 = (await GetAsync("/api/meetings?scope=mt-c2"))["items"]!.AsArray();
        Assert.Contains(c2, m => m!["id"]!.GetValue<string>() == county["id"]!.GetValue<string>());
        Assert.All(c2, m => Assert.Equal("mt-c2", m!["scope"]!.GetValue<string>()));
        var listed = c2.Single(m => m!["id"]!.GetValue<string>() == county["id"]!.GetValue<string>())!;
        Assert.Equal("ثبت دفاتر جدید", listed["decisions"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListsPageWithAContinuationTokenAndKeepEachMeetingsDecisions()
    {
        var ids = new List<string>();
        for (var i = 1; i <= 5; i++)
            ids.Add((await PostAsync(new { date = $"1404-0{i}-10", scope = "mt-c1", participants = new[] { "mt-lead" },
                decisions = new[] { Decision($"تصمیم {i}", $"1404-0{i}-20", owner: "mt-lead") } }))["id"]!.GetValue<string>());
        var seen = new List<JsonNode>();
        string? token = null;
        do
        {
            var page = await GetAsync("/api/meetings?scope=mt-c1&pageSize=2" + (token is null ? "" : "&continuationToken=" + token));
            seen.AddRange(page["items"]!.AsArray().Select(m => m!));
            token = page["continuationToken"]?.GetValue<string>();
        } while (token is not null && seen.Count < 100);
        var mine = seen.Where(m => ids.Contains(m["id"]!.GetValue<string>())).ToList();
        Assert.Equal(Enumerable.Reverse(ids), mine.Select(m => m["id"]!.GetValue<string>()));
        Assert.Equal(["تصمیم 5", "تصمیم 4", "تصمیم 3", "تصمیم 2", "تصمیم 1"], mine.Select(m => m["decisions"]!.AsArray().Single()!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task StatusChangesFollowTheirRules()
    {
        var meeting = await PostAsync(new { date = "1405-09-01", scope = "kerman", participants = new[] { "mt-chair" },
            decisions = new[] { Decision("یک", "1405-09-20"), Decision("دو", "1405-09-20") } });
        var path = $"/api/meetings/{meeting["id"]!.GetValue<string>()}/decisions";
        async Task<HttpStatusCode> Set(string decision, string status) =>
            (await Host.SendAsync(HttpMethod.Post, $"{path}/{decision}/status", new { status })).StatusCode;

        Assert.Equal(HttpStatusCode.OK, await Set("d01", "done"));
        Assert.Equal(HttpStatusCode.OK, await Set("d01", "done"));        // repeating is harmless
        Assert.Equal(HttpStatusCode.Conflict, await Set("d01", "dropped")); // reopen first
        Assert.Equal(HttpStatusCode.OK, await Set("d01", "open"));
        Assert.Equal(HttpStatusCode.OK, await Set("d01", "dropped"));
        Assert.Equal(HttpStatusCode.NotFound, await Set("d09", "done"));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Post, "/api/meetings/m0000000-00000000/decisions/d01/status", new { status = "done" })).StatusCode);
        var view = await GetAsync($"/api/meetings/{meeting["id"]!.GetValue<string>()}");
        Assert.Equal(["dropped", "open"], view["decisions"]!.AsArray().Select(d => d!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ARetryWithTheSameIdempotencyKeyReturnsTheFirstMeeting()
    {
        var body = new { date = "1405-07-01", scope = "kerman", participants = new[] { "mt-chair" }, decisions = new[] { Decision("یک", "1405-07-20") } };
        async Task<HttpResponseMessage> Send(object b, string key)
        {
            var request = Host.Request(HttpMethod.Post, "/api/meetings", json: b);
            request.Headers.Add("Idempotency-Key", key);
            return await Host.Http.SendAsync(request);
        }
        var key = "meeting-" + Guid.NewGuid();
        var first = await Send(body, key);
        var before = await Host.CountEntitiesAsync();
        var second = await Send(body, key);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, second.StatusCode));
        Assert.Equal((await Host.ReadJsonAsync(first))["id"]!.GetValue<string>(), (await Host.ReadJsonAsync(second))["id"]!.GetValue<string>());
        var other = await Send(body with { date = "1405-07-02" }, key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal(before, await Host.CountEntitiesAsync());
    }

    [Fact]
    public async Task AMeetingWithoutIdempotencyKeyWhoseTransactionAnswerIsLostIsStoredOnceAndCreated()
    {
        // The transaction is stored, its answer lost; the storage client's retry meets the rows it wrote (409).
        var lost = new LostAnswer();
        await using var host = await TestHost.StartAsync(queues: [], timers: [], configure: lost.Register);
        await MeetingsFixture.SeedAsync(host);
        lost.ArmTransaction();

        var response = await host.SendAsync(HttpMethod.Post, "/api/meetings", new
        {
            date = "1405-09-10", scope = "kerman", participants = new[] { "mt-chair" }, decisions = new[] { Decision("یک", "1405-09-20") },
        });

        Assert.Equal(1, lost.Lost);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await host.ReadJsonAsync(response))["id"]!.GetValue<string>();
        var meetings = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, "/api/meetings?scope=kerman"));
        Assert.Equal([id], meetings["items"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        Assert.Single((await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, $"/api/meetings/{id}")))["decisions"]!.AsArray());
    }

    [Fact]
    public async Task MeetingsAreScopedToTheProvinceAndCounty()
    {
        var fars = await Host.IssueKeyAsync("admin", "fars");
        var kerman = await Host.IssueKeyAsync("admin", "kerman");
        var member = await Host.IssueKeyAsync("member", "kerman");
        var c1Inspector = await Host.IssueKeyAsync("inspector", "mt-c1");
        var c2Inspector = await Host.IssueKeyAsync("inspector", "mt-c2");
        var province = await PostAsync(new { date = "1405-06-01", scope = "kerman", participants = new[] { "mt-chair" },
            decisions = new[] { Decision("یک", "1405-06-20") } }, kerman);
        var county = await PostAsync(new { date = "1405-06-02", scope = "mt-c1", participants = new[] { "mt-lead" } }, kerman);
        var provinceId = province["id"]!.GetValue<string>();
        var countyId = county["id"]!.GetValue<string>();
        var before = await Host.CountEntitiesAsync();

        var body = new { date = "1405-06-03", scope = "kerman", participants = new[] { "mt-chair" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Post, "/api/meetings", body, fars)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Post, "/api/meetings", body, member)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Post, "/api/meetings", body with { scope = "mt-c1" }, c1Inspector)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Post, $"/api/meetings/{provinceId}/decisions/d01/status", new { status = "done" }, member)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Post, $"/api/meetings/{provinceId}/decisions/d01/status", new { status = "done" }, fars)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.SendAsync(HttpMethod.Post, "/api/meetings", body, key: null)).StatusCode);
        Assert.Equal(before, await Host.CountEntitiesAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, $"/api/meetings/{provinceId}", key: fars)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, $"/api/meetings/{provinceId}", key: c1Inspector)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, $"/api/meetings/{countyId}", key: c2Inspector)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Get, "/api/meetings?scope=kerman", key: fars)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Get, "/api/meetings?scope=kerman", key: c1Inspector)).StatusCode);
        await GetAsync($"/api/meetings/{provinceId}", member);
        await GetAsync($"/api/meetings/{countyId}", c1Inspector);
        var inspectorsList = await GetAsync("/api/meetings", c1Inspector);            // defaults to the inspector's county
        Assert.All(inspectorsList["items"]!.AsArray(), m => Assert.Equal("mt-c1", m!["scope"]!.GetValue<string>()));
        Assert.Contains(inspectorsList["items"]!.AsArray(), m => m!["id"]!.GetValue<string>() == countyId);
        var membersList = await GetAsync("/api/meetings", member);                     // defaults to the member's province
        Assert.Contains(membersList["items"]!.AsArray(), m => m!["id"]!.GetValue<string>() == provinceId);
    }

    [Fact]
    public async Task ParticipantsOwnersOfficesAndTargetsMustBelongToTheProvince()
    {
        var before = await Host.CountEntitiesAsync();
        var response = await Host.SendAsync(HttpMethod.Post, "/api/meetings", new
        {
            date = "1405-09-01", scope = "kerman", participants = new[] { "mt-chair", "mt-far" },
            decisions = new[]
            {
                Decision("یک", "1405-09-20", new { targets = new[] { "fars/1405-09/slaCompliance", "mt-fc1/1405-09/activeOffices", "kerman/1405-09/x" } }, owner: "mt-far"),
                Decision("دو", "1405-08-01", new { offices = new[] { "no-such-office" } }),
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Host.ReadJsonAsync(response))["errors"]!.AsObject().Select(e => e.Key).Order().ToList();
        Assert.Equal(["decisions[0].links.targets[0]", "decisions[0].links.targets[1]", "decisions[0].links.targets[2]", "decisions[0].ownerMemberId",
            "decisions[1].dueDate", "decisions[1].links.offices[0]", "participants[1]"], errors);
        Assert.Equal(before, await Host.CountEntitiesAsync());
    }
}
