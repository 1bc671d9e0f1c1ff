using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Pishkhan.Calendar;
using Pishkhan.Complaints;
using Pishkhan.Notifications;
using Pishkhan.Offices;
using Pishkhan.Stats;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using static Pishkhan.Tests.Inspections.InspectionTestKit;

namespace Pishkhan.Tests.Reliability;

/// <summary>
/// Parallel writers on one office (its stats row and summary columns) and on one complaint (one state machine):
/// counts stay exact and every race has exactly one winner with a valid state after it.
/// </summary>
public sealed class ConcurrencyTests : IAsyncLifetime
{
    private const string Province = "qom";
    private const string Tag = "cc";
    private readonly string _pickup = ReliabilitySettings.NewPickupDirectory();
    private TestHost _host = null!;
    private string _inspector = "";
    private string _admin = "";

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(timers: [], settings: ReliabilitySettings.For(_pickup, ("Pishkhan:Local:Queues:BatchSize", "32")));
        await _host.SeedProvinceAsync(Province, Tag);
        _inspector = await _host.IssueKeyAsync("inspector", $"{Tag}-c1");
        _admin = await _host.IssueKeyAsync("admin", Province);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_pickup, recursive: true);
    }

    private string Period => JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString();

    private async Task<(string Code, string Secret, DateOnly Due)> FileAsync(string office, int n)
    {
        var response = await _host.SendAsync(HttpMethod.Post, "/api/complaints", new
        {
            officeCode = office, category = "delay", description = $"درخواست من در دفتر معطل ماند؛ مورد شماره {n} {Guid.NewGuid():N}",
            complainant = new { name = "شاکی", email = $"c{n}@example.ir" },
        }, key: null);
        var json = await _host.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToJsonString());
        return (json["trackingCode"]!.GetValue<string>(), json["secret"]!.GetValue<string>(), DateOnly.Parse(json["stage1Due"]!["date"]!.GetValue<string>(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task FiftyParallelWritersOnOneOfficeKeepItsCountsExact()
    {
        var office = $"{Tag}-o1";
        // 50 complaints and 20 inspections at once, all counted on one stats row (and the office's open-complaints column).
        var filing = Enumerable.Range(0, 50).Select(i => FileAsync(office, i)).ToList();
        var posting = Enumerable.Range(0, 20).Select(i => PostAsync(_host,
            Body(office, visitedAt: DateTimeOffset.UtcNow.AddMinutes(-10 - i), items: i % 4 == 0 ? Items(("waiting-area", "fail")) : null), _inspector)).ToList();
        var complaints = await Task.WhenAll(filing);
        var inspections = await Task.WhenAll(posting);
        await Task.WhenAll(inspections.Select(id => WaitProcessedAsync(_host, id, seconds: 60)));

        // 30 decisions at once on 30 different complaints of the same office: 15 upheld, 15 dismissed.
        var decisions = await Task.WhenAll(complaints.Take(30).Select((c, i) => _host.SendAsync(HttpMethod.Post, $"/api/complaints/{c.Code}/decision", new
        {
            outcome = i % 2 == 0 ? "upheld" : "dismissed", reasons = "مدارک و اظهارات طرفین بررسی شد.",
            remedy = i % 2 == 0 ? "انجام فوری درخواست و عذرخواهی" : null,
        }, i % 3 == 0 ? _inspector : _admin)));
        Assert.All(decisions, d => Assert.Equal(HttpStatusCode.OK, d.StatusCode));

        // Fifty writers on one stats row: under load a filing's count can lose all its ETag attempts; the filing is
        // then answered and its effects stay pending for the hourly repair pass (ComplaintDeadlineSweep), which this
        // host's timers do not run. Finish them as that pass does: exactly once, whatever ran before.
        var store = _host.Services.GetRequiredService<ComplaintStore>();
        var effects = _host.Services.GetRequiredService<ComplaintEffects>();
        foreach (var c in complaints)
            await effects.RunAsync((await store.FindAsync(c.Code, CancellationToken.None))!, CancellationToken.None); // a no-op when done

        var stats = (await _host.Services.GetRequiredService<OfficeStatsStore>().GetAsync(Period, office))!;
        var failedInspections = inspections.Length / 4 + (inspections.Length % 4 > 0 ? 1 : 0);
        Assert.Equal((50, 30, 15), (stats.ComplaintsReceived, stats.ComplaintsDecided, stats.ComplaintsUpheld));
        Assert.Equal((20, failedInspections), (stats.InspectionCount, stats.Violations));
        var officeRow = (await _host.Services.GetRequiredService<OfficeStore>().FindAsync(office, CancellationToken.None))!;
        Assert.Equal(20, officeRow.OpenComplaints);

        ReliabilityFigures.Write("concurrency-office", new
        {
            complaintsFiledAtOnce = 50, inspectionsPostedAtOnce = 20, decisionsAtOnce = 30,
            stats = new { stats.ComplaintsReceived, stats.ComplaintsDecided, stats.ComplaintsUpheld, stats.InspectionCount, stats.Violations },
            openComplaints = officeRow.OpenComplaints,
        });
    }

    [Fact]
    public async Task FiftyRequestsAcceptedCompletedAndRatedAtOnceOnOneOfficeCountExactly()
    {
        var office = $"{Tag}-o3";
        var agency = await _host.IssueKeyAsync("agency", $"{Tag}-post");
        var officeKey = await _host.IssueKeyAsync("office", office);
        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var post = _host.Request(HttpMethod.Post, "/api/requests", agency, new
            {
                contractId = $"{Tag}-k1", serviceCode = "parcel", officeCode = office, externalRef = $"cc-{i}",
                citizen = new { email = $"citizen.{i}@example.ir" },
            });
            post.Headers.Add("Idempotency-Key", $"cc-request-{i}");
            using var response = await _host.Http.SendAsync(post);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await _host.ReadJsonAsync(response))["id"]!.GetValue<string>();
        }));
        // Every step at once for all 50 (plus a duplicate of each step racing it: exactly one of the two is applied).
        foreach (var type in new[] { "accepted", "completed" })
        {
            var answers = await Task.WhenAll(ids.Concat(ids).Select(id => _host.SendAsync(HttpMethod.Post, $"/api/requests/{id}/events", new { type }, officeKey)));
            Assert.Equal(50, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        }
        var completions = await EventuallyAsync(async () =>
        {
            var rows = (await _host.Table(Tables.Outbox).ListAsync<OutboxEntity>(null)).Where(o => o.Kind == NotificationKinds.RequestCompleted && ids.Contains(o.Data["requestId"])).ToList();
            return rows.Count == 50 ? rows : null;
        });
        // 50 ratings at once, each token also used a second time at once: 50 count, 50 are 409.
        var tokens = completions.Select(o => o.Data["ratingToken"]).ToList();
        var ratings = await Task.WhenAll(tokens.Concat(tokens).Select((t, i) => _host.SendAsync(HttpMethod.Post, "/api/ratings", new { token = t, score = 1 + i % 5 }, key: null)));
        Assert.Equal(50, ratings.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(ratings.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));

        await _host.Services.GetRequiredService<Pishkhan.Requests.RequestStats>().FlushNowAsync(office);
        var stats = (await _host.Services.GetRequiredService<OfficeStatsStore>().GetAsync(Period, office))!;
        Assert.Equal((50, 50, 50), (stats.RequestsReceived, stats.RequestsCompleted, stats.RatingCount));
        var view = await _host.ReadJsonAsync(await _host.SendAsync(HttpMethod.Get, $"/api/requests?officeCode={office}&pageSize=200", key: officeKey));
        Assert.All(view["items"]!.AsArray(), r => Assert.Equal("completed", r!["status"]!.GetValue<string>()));

        ReliabilityFigures.Write("concurrency-requests", new
        {
            requestsPostedAtOnce = 50, eventsAtOnce = "2 steps × (50 + 50 racing duplicates)", ratingsAtOnce = "50 tokens, each used twice at once",
            stats = new { stats.RequestsReceived, stats.RequestsCompleted, stats.RatingCount, stats.RatingSum },
            ratingsAccepted = ratings.Count(r => r.StatusCode == HttpStatusCode.Created), ratingsRefused409 = ratings.Count(r => r.StatusCode == HttpStatusCode.Conflict),
        });
    }

    [Fact]
    public async Task RacingDecisionsWithdrawalsAndExtensionsOnOneComplaintHaveOneWinnerAndAValidState()
    {
        var office = $"{Tag}-o2";
        var rounds = new List<object>();
        for (var round = 0; round < 5; round++)
        {
            var (code, secret, due) = await FileAsync(office, 1000 + round);
            HttpRequestMessage Decide(string outcome, string key) => _host.Request(HttpMethod.Post, $"/api/complaints/{code}/decision", key, new
            {
                outcome, reasons = "مدارک و اظهارات طرفین بررسی شد.", remedy = outcome == "upheld" ? "انجام فوری درخواست" : null,
            });
            var closing = new List<(string Kind, HttpRequestMessage Request)>();
            for (var i = 0; i < 4; i++)
            {
                closing.Add(("decided", Decide("upheld", _admin)));
                closing.Add(("decided", Decide("dismissed", _inspector)));
                closing.Add(("withdrawn", _host.Request(HttpMethod.Post, $"/api/complaints/{code}/withdrawal", null, new { secret, reason = "مشکل حل شد" })));
            }
            var extensions = Enumerable.Range(1, 4).Select(k => _host.Request(HttpMethod.Post, $"/api/complaints/{code}/extension", _admin,
                new { newDueDate = due.AddDays(k).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), reason = "استعلام از اداره مربوط در جریان است." })).ToList();

            // Interleaved, so that extensions sometimes land before the complaint closes and sometimes after.
            var all = extensions.Select((r, i) => (r, order: i * 4 + round % 4)).Concat(closing.Select((c, i) => (c.Request, order: i + 1))).OrderBy(x => x.order).ToList();
            var sent = all.ToDictionary(x => x.Item1, x => _host.Http.SendAsync(x.Item1));
            await Task.WhenAll(sent.Values);
            var closingAnswers = closing.Select(c => sent[c.Request].Result).ToList();
            var extensionAnswers = extensions.Select(r => sent[r].Result).ToList();

            // Exactly one closing transition wins; every loser is told it lost (409), nothing else.
            var winners = closingAnswers.Select((a, i) => (a, closing[i].Kind)).Where(x => x.a.StatusCode == HttpStatusCode.OK).ToList();
            Assert.Single(winners);
            Assert.All(closingAnswers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
            // Extensions: at most the policy's two, each refused one a 409 (closed or exhausted) or 400 (not after the new due date).
            var extended = extensionAnswers.Count(a => a.StatusCode == HttpStatusCode.OK);
            Assert.InRange(extended, 0, 2);
            Assert.All(extensionAnswers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.BadRequest }));

            var view = (await _host.ReadJsonAsync(await _host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}/case")))["complaint"]!;
            var winner = winners[0].Kind;
            Assert.Equal(winner, view["status"]!.GetValue<string>());
            Assert.Equal(extended, view["stage1Extensions"]!.GetValue<int>());
            var timeline = view["timeline"]!.AsArray().Select(e => e!["event"]!.GetValue<string>()).ToList();
            Assert.Single(timeline, e => e is "decided" or "withdrawn");
            Assert.Equal(extended, timeline.Count(e => e == "extended"));
            rounds.Add(new { winner, extended, losers = closingAnswers.Count - 1, extensionStatuses = extensionAnswers.Select(a => (int)a.StatusCode).ToList() });
        }

        // The office's counters agree with the winners: one decision counted per decided complaint, none open.
        var stats = (await _host.Services.GetRequiredService<OfficeStatsStore>().GetAsync(Period, office))!;
        var decided = rounds.Count(r => ((dynamic)r).winner == "decided");
        Assert.Equal((5, decided), (stats.ComplaintsReceived, stats.ComplaintsDecided));
        Assert.Equal(0, (await _host.Services.GetRequiredService<OfficeStore>().FindAsync(office, CancellationToken.None))!.OpenComplaints);
        var decisionMails = (await _host.Table(Tables.Outbox).ListAsync<OutboxEntity>(null))
            .Count(o => o.Kind == NotificationKinds.ComplaintDecided && o.Province == Province && o.ToEmail!.StartsWith("c100", StringComparison.Ordinal));
        Assert.Equal(decided, decisionMails);

        ReliabilityFigures.Write("concurrency-complaint", new { requestsPerRound = 16, rounds });
    }
}
