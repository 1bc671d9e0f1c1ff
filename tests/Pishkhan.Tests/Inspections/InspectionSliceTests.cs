using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Inspections;
using Pishkhan.Notifications;
using Pishkhan.Stats;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using static Pishkhan.Tests.Inspections.InspectionTestKit;

namespace Pishkhan.Tests.Inspections;

/// <summary>End to end over HTTP against the local host and Azurite, the queue listener processing the inspections.</summary>
public sealed class InspectionSliceTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task PostedInspectionIsProcessedProposesASanctionAndNotifiesTheOffice()
    {
        await Host.SeedProvinceAsync("lorestan", "lr1");
        await PutMembersAsync(Host, "lorestan", "lr1");
        var inspector = await Host.IssueKeyAsync("inspector", "lr1-c1");
        var visitedAt = DateTimeOffset.UtcNow.AddHours(-3);

        var id = await PostAsync(Host, Body("lr1-o1", visitedAt: visitedAt, items: Items(("no-extra-charges", "fail"), ("waiting-area", "fail"), ("accessibility", "na"))), inspector);
        var inspection = await WaitProcessedAsync(Host, id, inspector);

        var outcome = inspection["outcome"]!;
        Assert.True(outcome["majorViolation"]!.GetValue<bool>());
        Assert.True(outcome["capped"]!.GetValue<bool>());
        Assert.Equal(50, outcome["score"]!.GetValue<double>());
        Assert.Equal(["no-extra-charges", "waiting-area"], outcome["violations"]!.AsArray().Select(v => v!["code"]!.GetValue<string>()));
        Assert.Equal(2, outcome["correctiveActions"]!.AsArray().Count);
        Assert.NotNull(outcome["followUpDue"]);
        Assert.Equal("writtenWarning", outcome["sanctionStep"]!.GetValue<string>());
        Assert.Equal(id, outcome["sanctionId"]!.GetValue<string>());

        // The proposal exists, awaiting an admin's decision.
        var sanctions = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/sanctions?officeCode=lr1-o1"));
        var sanction = Assert.Single(sanctions["items"]!.AsArray())!;
        Assert.Equal("proposed", sanction["status"]!.GetValue<string>());
        Assert.Equal("writtenWarning", sanction["step"]!.GetValue<string>());
        Assert.Equal(id, sanction["inspectionId"]!.GetValue<string>());

        // The office's notification is in the outbox; the proposal went to the office, the chair and the county lead.
        var results = await OutboxAsync(Host, NotificationKinds.InspectionResult);
        var result = Assert.Single(results, r => r.ToEmail == "office1@example.ir");
        Assert.Equal("50", result.Data["score"]);
        var proposed = (await OutboxAsync(Host, NotificationKinds.SanctionProposed)).Where(o => o.Cause == $"sanction-proposed:{id}").Select(o => o.ToEmail).Order();
        Assert.Equal(["chair.lr1@example.ir", "lead.lr1@example.ir", "office1@example.ir"], proposed);

        // Counted in the Jalali month of the visit.
        var stats = await Host.Services.GetRequiredService<OfficeStatsStore>().GetAsync(JalaliPeriod.Containing(visitedAt).ToString(), "lr1-o1");
        Assert.Equal((1, 50.0, 1, 2, 1), (stats!.InspectionCount, stats.InspectionScoreSum, stats.RoutineInspections, stats.Violations, stats.MajorViolations));

        // A follow-up visit is on the county team's agenda.
        var followUps = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspection-followups?status=open", key: inspector));
        Assert.Equal(id, Assert.Single(followUps["items"]!.AsArray())!["sourceInspectionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task OfficeSeesItsOwnInspectionsAndNoOther()
    {
        await Host.SeedProvinceAsync("ilam", "il1");
        var id = await PostAsync(Host, Body("il1-o1"));
        await WaitProcessedAsync(Host, id);
        var own = await Host.IssueKeyAsync("office", "il1-o1");
        var other = await Host.IssueKeyAsync("office", "il1-o2");
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Get, $"/api/inspections/{id}", key: own)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, $"/api/inspections/{id}", key: other)).StatusCode);
        var list = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspections", key: own));
        Assert.Equal(id, Assert.Single(list["items"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Empty((await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspections", key: other)))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/inspections?officeCode=il1-o1", key: other)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Post, "/api/inspections", Body("il1-o1"), own)).StatusCode);
    }

    [Fact]
    public async Task InspectorInspectsOnlyTheOfficesOfItsCounty()
    {
        await Host.SeedProvinceAsync("qom", "qm1");
        var inspector = await Host.IssueKeyAsync("inspector", "qm1-c2");
        var before = await Host.CountEntitiesAsync();
        var response = await Host.SendAsync(HttpMethod.Post, "/api/inspections", Body("qm1-o1"), inspector);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await Host.CountEntitiesAsync());
        var id = await PostAsync(Host, Body("qm1-o3"), inspector);
        var countyList = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspections", key: inspector));
        Assert.Equal(id, Assert.Single(countyList["items"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Get, "/api/inspections?countyCode=qm1-c1", key: inspector)).StatusCode);
    }

    [Fact]
    public async Task RetryWithTheSameIdempotencyKeyReturnsTheFirstInspection()
    {
        await Host.SeedProvinceAsync("yazd", "yz1");
        var body = Body("yz1-o1");
        async Task<HttpResponseMessage> Send(object b)
        {
            var request = Host.Request(HttpMethod.Post, "/api/inspections", json: b);
            request.Headers.Add("Idempotency-Key", "visit-2026-05-06-yz1-o1");
            return await Host.Http.SendAsync(request);
        }
        var first = await Host.ReadJsonAsync(await Send(body));
        var second = await Host.ReadJsonAsync(await Send(body));
        Assert.Equal(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
        var other = await Send(Body("yz1-o1", items: Items(("licence-displayed", "fail"))));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        await WaitProcessedAsync(Host, first["id"]!.GetValue<string>());
        var all = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspections?officeCode=yz1-o1"));
        Assert.Single(all["items"]!.AsArray());
    }

    [Fact]
    public async Task UnannouncedVisitCountsAfterHoursAvailabilityAndStaffTraining()
    {
        await Host.SeedProvinceAsync("zanjan", "zj1");
        var visitedAt = DateTimeOffset.UtcNow.AddHours(-1);
        var id = await PostAsync(Host, Body("zj1-o1", "unannounced", visitedAt, Items(("after-hours-as-declared", "fail")),
            new { officeOpen = false, staff = new { present = 4, trained = 3 } }));
        await WaitProcessedAsync(Host, id);
        var stats = await Host.Services.GetRequiredService<OfficeStatsStore>().GetAsync(JalaliPeriod.Containing(visitedAt).ToString(), "zj1-o1");
        Assert.Equal((1, 0, 1, 0, 4, 3), (stats!.AfterHoursChecks, stats.AfterHoursOpen, stats.InspectionCount, stats.RoutineInspections, stats.StaffCount, stats.StaffTrained));
    }

    [Fact]
    public async Task ComplaintInspectionClosesTheRequestsItAnswers()
    {
        await Host.SeedProvinceAsync("semnan", "sn1");
        var requests = Host.Table(Tables.InspectionRequests);
        await requests.AddEntityAsync(new InspectionRequestEntity
        {
            PartitionKey = "sn1-c1", RowKey = "req-complaints-1", Province = "semnan", OfficeCode = "sn1-o1", Reason = "سه شکایت تأییدشده",
            ComplaintIdsJson = "[\"ABCD-2345-X\",\"EFGH-6789-Y\"]", CreatedAt = DateTimeOffset.UtcNow,
        });
        await requests.AddEntityAsync(new InspectionRequestEntity
        {
            PartitionKey = "sn1-c1", RowKey = "req-complaints-2", Province = "semnan", OfficeCode = "sn1-o1", Reason = "شکایت دیگر",
            ComplaintIdsJson = "[\"ZZZZ-0000-Q\"]", CreatedAt = DateTimeOffset.UtcNow,
        });
        var inspector = await Host.IssueKeyAsync("inspector", "sn1-c1");
        var open = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspection-requests?status=open", key: inspector));
        Assert.Equal(2, open["items"]!.AsArray().Count);

        var id = await PostAsync(Host, Body("sn1-o1", "complaint", extra: new { complaintIds = new[] { "abcd-2345-x" } }), inspector);
        await WaitProcessedAsync(Host, id, inspector);
        var closed = await requests.GetEntityAsync<InspectionRequestEntity>("sn1-c1", "req-complaints-1");
        Assert.Equal(("done", id), (closed.Value.Status, closed.Value.InspectionId));
        Assert.Equal("open", (await requests.GetEntityAsync<InspectionRequestEntity>("sn1-c1", "req-complaints-2")).Value.Status);

        var byId = await PostAsync(Host, Body("sn1-o1", "complaint", extra: new { requestId = "req-complaints-2" }), inspector);
        await WaitProcessedAsync(Host, byId, inspector);
        Assert.Equal("done", (await requests.GetEntityAsync<InspectionRequestEntity>("sn1-c1", "req-complaints-2")).Value.Status);
        var unknown = await Host.SendAsync(HttpMethod.Post, "/api/inspections", Body("sn1-o1", "complaint", extra: new { requestId = "req-nope" }), inspector);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task FollowUpVisitClosesTheFollowUpItAnswers()
    {
        await Host.SeedProvinceAsync("ardabil", "ar1");
        var first = await PostAsync(Host, Body("ar1-o1", visitedAt: DateTimeOffset.UtcNow.AddDays(-3), items: Items(("queue-system-working", "fail"))));
        await WaitProcessedAsync(Host, first);
        var agenda = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspection-followups?countyCode=ar1-c1&status=open"));
        Assert.Single(agenda["items"]!.AsArray());

        var followUp = await PostAsync(Host, Body("ar1-o1", "followUp", extra: new { followUpOf = first }));
        var processed = await WaitProcessedAsync(Host, followUp);
        Assert.Null(processed["outcome"]!["sanctionId"]);
        var done = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspection-followups?countyCode=ar1-c1"));
        var row = Assert.Single(done["items"]!.AsArray())!;
        Assert.Equal(("done", followUp), (row["status"]!.GetValue<string>(), row["doneByInspectionId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SameItemFailedAgainIsARecurrenceAndTheLadderStepsUp()
    {
        await Host.SeedProvinceAsync("bushehr", "bs1");
        var first = await PostAsync(Host, Body("bs1-o2", visitedAt: DateTimeOffset.UtcNow.AddDays(-10), items: Items(("staff-id-badges", "fail"))));
        var one = await WaitProcessedAsync(Host, first);
        Assert.Equal("notice", one["outcome"]!["sanctionStep"]!.GetValue<string>());

        var second = await PostAsync(Host, Body("bs1-o2", visitedAt: DateTimeOffset.UtcNow.AddDays(-2), items: Items(("staff-id-badges", "fail"), ("waiting-area", "fail"))));
        var two = (await WaitProcessedAsync(Host, second))["outcome"]!;
        var occurrences = two["violations"]!.AsArray().ToDictionary(v => v!["code"]!.GetValue<string>(), v => v!["occurrence"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, int> { ["staff-id-badges"] = 2, ["waiting-area"] = 1 }, occurrences);
        Assert.Equal(1, two["priorViolationPoints"]!.GetValue<int>());
        Assert.Equal("writtenWarning", two["sanctionStep"]!.GetValue<string>());
        var sanctions = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/sanctions?officeCode=bs1-o2"));
        Assert.Equal(["writtenWarning", "notice"], sanctions["items"]!.AsArray().Select(s => s!["step"]!.GetValue<string>()));
    }

    [Fact]
    public async Task NewChecklistVersionIsUsedWhileEarlierInspectionsKeepTheirs()
    {
        await Host.SeedProvinceAsync("kerman", "kr1");
        var inspector = await Host.IssueKeyAsync("inspector", "kr1-c1");
        var current = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspection-templates/current", key: inspector));
        Assert.Equal(1, current["version"]!.GetValue<int>());
        Assert.Equal(DefaultChecklist.Template.Items.Count, current["items"]!.AsArray().Count);
        Assert.Equal("tariffsAndReceipts", current["items"]![0]!["category"]!.GetValue<string>());
        var old = await PostAsync(Host, Body("kr1-o1"), inspector);

        var items = new[]
        {
            new { code = "tariff-list-displayed", text = "فهرست تعرفه نصب است", category = "tariffsAndReceipts", weight = 2, critical = false },
            new { code = "receipt-every-fee", text = "رسید داده می‌شود", category = "tariffsAndReceipts", weight = 5, critical = true },
            new { code = "licence-displayed", text = "پروانه نصب است", category = "licenceDisplay", weight = 3, critical = false },
        };
        var put = await Host.SendAsync(HttpMethod.Put, "/api/inspection-templates/2?province=kerman", new { items });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Put, "/api/inspection-templates/2?province=kerman", new { items })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Host.SendAsync(HttpMethod.Put, "/api/inspection-templates/2?province=kerman", new { items = items.Take(2) })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Host.SendAsync(HttpMethod.Put, "/api/inspection-templates/1?province=kerman", new { items })).StatusCode);
        Assert.Equal(2, (await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspection-templates/current", key: inspector)))["version"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Put, "/api/inspection-templates/3", new { items }, inspector)).StatusCode);

        // The full default list no longer matches the current version; version 2's three items do.
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.SendAsync(HttpMethod.Post, "/api/inspections", Body("kr1-o1"), inspector)).StatusCode);
        var v2Items = new object[] { new { code = "tariff-list-displayed", result = "pass" }, new { code = "receipt-every-fee", result = "pass" }, new { code = "licence-displayed", result = "fail" } };
        var id = await PostAsync(Host, Body("kr1-o1", items: v2Items), inspector);
        var v2 = await WaitProcessedAsync(Host, id, inspector);
        Assert.Equal(2, v2["templateVersion"]!.GetValue<int>());
        Assert.Equal(70, v2["outcome"]!["score"]!.GetValue<double>()); // 7 of 10
        // Version 1 can still be named explicitly, and the earlier inspection keeps it.
        await PostAsync(Host, Body("kr1-o1", extra: new { templateVersion = 1 }), inspector);
        Assert.Equal(1, (await WaitProcessedAsync(Host, old, inspector))["templateVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task CoverageListsActiveOfficesOverdueForARoutineInspection()
    {
        await Host.SeedProvinceAsync("qazvin", "qz1");
        var id = await PostAsync(Host, Body("qz1-o1"));
        await WaitProcessedAsync(Host, id);
        var unannounced = await PostAsync(Host, Body("qz1-o2", "unannounced", extra: new { officeOpen = true }));
        await WaitProcessedAsync(Host, unannounced);
        var inspector = await Host.IssueKeyAsync("inspector", "qz1-c1");
        var coverage = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspection-coverage/qz1-c1", key: inspector));
        Assert.Equal(2, coverage["activeOffices"]!.GetValue<int>());
        Assert.Equal(1, coverage["overdueCount"]!.GetValue<int>());
        var offices = coverage["offices"]!.AsArray();
        Assert.Equal(("qz1-o2", true), (offices[0]!["officeCode"]!.GetValue<string>(), offices[0]!["overdue"]!.GetValue<bool>())); // unannounced is not routine
        Assert.Equal((id, false), (offices[1]!["lastRoutineInspectionId"]!.GetValue<string>(), offices[1]!["overdue"]!.GetValue<bool>()));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/inspection-coverage/qz1-c2", key: inspector)).StatusCode);

        // A policy with a shorter interval makes the office overdue.
        await Host.PutOkAsync("/api/inspection-policy?province=qazvin", new { routineIntervalMonths = 1 });
        var policy = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/inspection-policy?province=qazvin", key: null));
        Assert.Equal(1, policy["routineIntervalMonths"]!.GetValue<int>());
    }

    [Fact]
    public async Task ProvinceReinspectsADrawOfEachCountyTeamsMonthAndAgreementIsReported()
    {
        await Host.SeedProvinceAsync("hamadan", "hm1");
        await Host.PutOkAsync("/api/inspection-policy?province=hamadan", new { reinspectionShare = 0.5, maxBackdateDays = 120 });
        var c1 = await Host.IssueKeyAsync("inspector", "hm1-c1");
        var c2 = await Host.IssueKeyAsync("inspector", "hm1-c2");
        var period = JalaliPeriod.Containing(DateTimeOffset.UtcNow).Previous();
        var visit = period.StartUtc.AddDays(3);
        var team = new List<string>
        {
            await PostAsync(Host, Body("hm1-o1", visitedAt: visit, items: Items(("waiting-area", "fail"))), c1),
            await PostAsync(Host, Body("hm1-o2", visitedAt: visit.AddDays(1)), c1),
            await PostAsync(Host, Body("hm1-o1", visitedAt: visit.AddDays(2)), c1),
            await PostAsync(Host, Body("hm1-o3", visitedAt: visit), c2),
        };
        await PostAsync(Host, Body("hm1-o2", visitedAt: visit.AddDays(4))); // the admin's own: not the county team's
        foreach (var id in team) await WaitProcessedAsync(Host, id);

        var drawResponse = await Host.SendAsync(HttpMethod.Post, $"/api/reinspection-draws/{period}?province=hamadan");
        var draw = await Host.ReadJsonAsync(drawResponse);
        var county1 = draw["counties"]!.AsArray().Single(c => c!["countyCode"]!.GetValue<string>() == "hm1-c1")!;
        Assert.Equal((3, 2), (county1["teamInspections"]!.GetValue<int>(), county1["drawn"]!.GetValue<int>()));
        var drawn = county1["pairs"]!.AsArray().Select(p => p!["inspectionId"]!.GetValue<string>()).ToList();
        var expected = ReinspectionRules.Draw(TestHost.ReinspectionDrawSecret, period.ToString(), "hm1-c1", team.Take(3), 0.5);
        Assert.Equal(expected.Order(), drawn.Order());

        // The county team may not re-inspect; an undrawn inspection cannot be re-inspected.
        var notDrawn = team.Take(3).Except(drawn).Single();
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Post, "/api/inspections",
            Body(drawn[0].Split('.')[0], extra: new { reinspectionOf = drawn[0] }), c1)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Host.SendAsync(HttpMethod.Post, "/api/inspections",
            Body(notDrawn.Split('.')[0], extra: new { reinspectionOf = notDrawn }))).StatusCode);

        // The province team re-inspects both; one finds a critical failure the county team did not.
        var first = await PostAsync(Host, Body(drawn[0].Split('.')[0], extra: new { reinspectionOf = drawn[0] }));
        var second = await PostAsync(Host, Body(drawn[1].Split('.')[0], items: Items(("licence-valid", "fail")), extra: new { reinspectionOf = drawn[1] }));
        await WaitProcessedAsync(Host, first);
        await WaitProcessedAsync(Host, second);
        Assert.Equal(HttpStatusCode.Conflict, (await Host.SendAsync(HttpMethod.Post, "/api/inspections",
            Body(drawn[0].Split('.')[0], extra: new { reinspectionOf = drawn[0] }))).StatusCode);

        var report = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, $"/api/reinspections/{period}?province=hamadan&countyCode=hm1-c1"));
        var agreement = Assert.Single(report["counties"]!.AsArray())!;
        var scores = new List<(double, double)>();
        foreach (var pair in agreement["pairs"]!.AsArray())
            scores.Add((pair!["originalScore"]!.GetValue<double>(), pair["reinspectionScore"]!.GetValue<double>()));
        var figures = ReinspectionRules.Agreement(scores);
        Assert.Equal(2, agreement["reinspected"]!.GetValue<int>());
        Assert.Equal(figures.MeanAbsoluteDifference, agreement["meanAbsoluteDifference"]!.GetValue<double>());
        Assert.Equal(0.5, agreement["shareWithinTenPoints"]!.GetValue<double>()); // the critical failure caps one at 50
        // The targets' re-inspection agreement indicator reads the same figures.
        var source = Host.Services.GetRequiredService<Pishkhan.Targets.IReInspectionAgreementSource>();
        Assert.Equal(0.5, await source.GetAsync("hamadan", "hm1-c1", period, CancellationToken.None));
        Assert.Null(await source.GetAsync("hamadan", "hm1-c1", period.Previous(), CancellationToken.None));
        // Drawing again changes nothing.
        var again = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Post, $"/api/reinspection-draws/{period}?province=hamadan"));
        Assert.Equal(drawn, again["counties"]!.AsArray().Single(c => c!["countyCode"]!.GetValue<string>() == "hm1-c1")!["pairs"]!.AsArray()
            .Select(p => p!["inspectionId"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Conflict, (await Host.SendAsync(HttpMethod.Post,
            $"/api/reinspection-draws/{JalaliPeriod.Containing(DateTimeOffset.UtcNow)}?province=hamadan")).StatusCode);
    }

    [Theory]
    [InlineData("1300-01")]
    [InlineData("1403-12")]
    [InlineData("1499-01")]
    public async Task ADrawOfAPeriodOutsideTheServiceIsA400AndWritesNothing(string period)
    {
        var before = await Host.CountEntitiesAsync();
        var response = await Host.SendAsync(HttpMethod.Post, $"/api/reinspection-draws/{period}?province=hamadan");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1404-01", (await Host.ReadJsonAsync(response))["errors"]!["period"]![0]!.GetValue<string>());
        Assert.Equal(before, await Host.CountEntitiesAsync());
    }
}
