using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Calendar;
using Pishkhan.Targets;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Targets;

public sealed class TargetsApiTests(TargetsFixture fixture) : IClassFixture<TargetsFixture>
{
    private TestHost Host => fixture.Host;

    private async Task<JsonNode> ReportAsync(string scope, string period, string key = TestHost.BootstrapKey)
    {
        var response = await Host.SendAsync(HttpMethod.Get, $"/api/targets/{scope}/{period}", key: key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static JsonNode Row(JsonNode report, string indicator) =>
        report["indicators"]!.AsArray().Single(r => r!["indicator"]!.GetValue<string>() == indicator)!;

    private static double? Actual(JsonNode report, string indicator) => Row(report, indicator)["actual"]?.GetValue<double>();

    private Task Plan(string scope, string period, string indicator, double planned) =>
        Host.PutOkAsync($"/api/targets/{scope}/{period}/{indicator}", new { planned });

    /// <summary>The only 1405-08 plans in this class; PUT is idempotent, so every test may call it.</summary>
    private async Task PlanAban()
    {
        await Plan("lorestan", "1405-08", "slaCompliance", 0.95);               // 0.9:   within 10 %      → onTrack
        await Plan("lorestan", "1405-08", "meanSatisfaction", 4.4);             // 4.5                    → met
        await Plan("lorestan", "1405-08", "medianComplaintDecisionDays", 3);    // 4 > 3.3 (lower better) → behind
        await Plan("lorestan", "1405-08", "servicesOutsourced", 40);            // 35 < 36, period closed → behind
        await Plan("lorestan", "1405-08", "activeOffices", 3);                  // 3                      → met
        await Plan("lorestan", "1405-08", "afterHoursOffices", 3);              // 2 < 2.7                → behind
        await Plan("lorestan", "1405-08", "routineInspectionCoverage", 0.7);    // 0.6667 ≥ 0.63          → onTrack
        await Plan("lorestan", "1405-08", "reInspectionAgreement", 0.8);        // no source yet          → noData
        await Plan("tg-c1", "1405-08", "slaCompliance", 0.85);                  // 0.8 ≥ 0.765            → onTrack
        await Plan("tg-c2", "1405-08", "meanSatisfaction", 4.8);                // 5                      → met
        await Plan("tg-c2", "1405-08", "medianComplaintDecisionDays", 10);      // 24                     → behind
    }

    [Fact]
    public async Task ProvinceActualsMatchHandComputedValues()
    {
        var report = await ReportAsync("lorestan", "1405-08");
        Assert.Equal("lorestan", report["province"]!.GetValue<string>());
        Assert.True(report["closed"]!.GetValue<bool>());
        Assert.Equal(1, report["elapsedShare"]!.GetValue<double>());
        Assert.Equal(8, report["indicators"]!.AsArray().Count);
        Assert.Equal(3, Actual(report, "activeOffices"));          // tg-o4 is suspended
        Assert.Equal(2, Actual(report, "afterHoursOffices"));
        Assert.Equal(35, Actual(report, "servicesOutsourced"));    // fars' 1000 not counted
        Assert.Equal(0.9, Actual(report, "slaCompliance"));
        Assert.Equal(4.5, Actual(report, "meanSatisfaction"));
        Assert.Equal(4, Actual(report, "medianComplaintDecisionDays"));
        Assert.Equal(0.6667, Actual(report, "routineInspectionCoverage"));
        Assert.Null(Actual(report, "reInspectionAgreement"));
    }

    [Theory]
    [InlineData("tg-c1", 2, 1, 15, 0.8, 4.0, 4, 0.5)]
    [InlineData("tg-c2", 1, 1, 20, 1.0, 5.0, 24, 1.0)]
    public async Task CountyActualsCountOnlyTheCountysOffices(string county, double active, double afterHours, double received, double sla,
        double satisfaction, double medianDays, double coverage)
    {
        var report = await ReportAsync(county, "1405-08");
        Assert.Equal(county, report["county"]!.GetValue<string>());
        Assert.Equal("lorestan", report["province"]!.GetValue<string>());
        Assert.Equal(active, Actual(report, "activeOffices"));
        Assert.Equal(afterHours, Actual(report, "afterHoursOffices"));
        Assert.Equal(received, Actual(report, "servicesOutsourced"));
        Assert.Equal(sla, Actual(report, "slaCompliance"));
        Assert.Equal(satisfaction, Actual(report, "meanSatisfaction"));
        Assert.Equal(medianDays, Actual(report, "medianComplaintDecisionDays"));
        Assert.Equal(coverage, Actual(report, "routineInspectionCoverage"));
    }

    [Theory]
    [InlineData("slaCompliance", 0.95, "onTrack", "amber", -0.05)]
    [InlineData("meanSatisfaction", 4.4, "met", "green", 0.1)]
    [InlineData("medianComplaintDecisionDays", 3, "behind", "red", 1)]
    [InlineData("servicesOutsourced", 40, "behind", "red", -5)]
    [InlineData("activeOffices", 3, "met", "green", 0)]
    [InlineData("afterHoursOffices", 3, "behind", "red", -1)]
    [InlineData("routineInspectionCoverage", 0.7, "onTrack", "amber", -0.0333)]
    public async Task StatusAndColourFollowThePlanInTheIndicatorsDirection(string indicator, double planned, string status, string colour, double gap)
    {
        await PlanAban();
        var row = Row(await ReportAsync("lorestan", "1405-08"), indicator);
        Assert.Equal(planned, row["planned"]!.GetValue<double>());
        Assert.Equal(status, row["status"]!.GetValue<string>());
        Assert.Equal(colour, row["colour"]!.GetValue<string>());
        Assert.Equal(gap, row["gap"]!.GetValue<double>());
        Assert.Null(row["proRataPlanned"]);
    }

    [Fact]
    public async Task AnIndicatorWithoutDataOrPlanIsGrey()
    {
        await PlanAban();
        var report = await ReportAsync("lorestan", "1405-08");
        Assert.Equal("noData", Row(report, "reInspectionAgreement")["status"]!.GetValue<string>());
        Assert.Equal("grey", Row(report, "reInspectionAgreement")["colour"]!.GetValue<string>());
        var c2 = await ReportAsync("tg-c2", "1405-08");
        Assert.Equal("noTarget", Row(c2, "slaCompliance")["status"]!.GetValue<string>());
        Assert.Null(Row(c2, "slaCompliance")["planned"]);
    }

    [Fact]
    public async Task AnOpenPeriodJudgesCumulativeIndicatorsAgainstThePlanProRata()
    {
        await Plan("lorestan", "1405-09", "servicesOutsourced", 10);           // 4 received; 8 of 26 working days → pro rata 3.0769
        await Plan("lorestan", "1405-09", "routineInspectionCoverage", 0.9);   // nothing inspected yet → behind even pro rata
        var report = await ReportAsync("lorestan", "1405-09");
        Assert.False(report["closed"]!.GetValue<bool>());
        Assert.Equal(Math.Round(8.0 / 26, 4), report["elapsedShare"]!.GetValue<double>());
        var services = Row(report, "servicesOutsourced");
        Assert.Equal("onTrack", services["status"]!.GetValue<string>());
        Assert.Equal(Math.Round(10 * Math.Round(8.0 / 26, 4), 4), services["proRataPlanned"]!.GetValue<double>());
        Assert.Equal("behind", Row(report, "routineInspectionCoverage")["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task TrendShowsTheLastSixPeriodsOldestFirst()
    {
        await PlanAban();
        await Plan("lorestan", "1405-09", "servicesOutsourced", 10);
        var trend = Row(await ReportAsync("lorestan", "1405-09"), "servicesOutsourced")["trend"]!.AsArray();
        Assert.Equal(["1405-04", "1405-05", "1405-06", "1405-07", "1405-08", "1405-09"], trend.Select(p => p!["period"]!.GetValue<string>()));
        Assert.Equal([0, 0, 0, 7, 35, 4], trend.Select(p => p!["actual"]!.GetValue<double>()));
        Assert.Equal([null, null, null, null, 40, 10], trend.Select(p => p!["planned"]?.GetValue<double>()));
        Assert.Equal(["noTarget", "noTarget", "noTarget", "noTarget", "behind", "onTrack"], trend.Select(p => p!["status"]!.GetValue<string>()));
        var sla = Row(await ReportAsync("lorestan", "1405-09"), "slaCompliance")["trend"]!.AsArray();
        Assert.Equal([null, null, null, 1.0, 0.9, null], sla.Select(p => p!["actual"]?.GetValue<double>()));
    }

    [Fact]
    public async Task BehindPlanListsTheRedTargetsOfTheProvinceAndItsCounties()
    {
        await PlanAban();
        var behind = await Host.Services.GetRequiredService<TargetReports>().BehindPlanAsync("lorestan", new JalaliPeriod(1405, 8), default);
        Assert.Equal(
            [("lorestan", TargetIndicator.AfterHoursOffices), ("lorestan", TargetIndicator.MedianComplaintDecisionDays), ("lorestan", TargetIndicator.ServicesOutsourced),
             ("tg-c2", TargetIndicator.MedianComplaintDecisionDays)],
            behind.Select(b => (b.Scope, b.Indicator)));
        var days = behind[^1];
        Assert.Equal((10.0, 24.0, 14.0, Colour.Red, "lorestan", "tg-c2"), (days.Planned, days.Actual!.Value, days.Gap!.Value, days.Colour, days.Province, days.County));
        Assert.Empty(await Host.Services.GetRequiredService<TargetReports>().BehindPlanAsync("fars", new JalaliPeriod(1405, 8), default));
    }

    [Fact]
    public async Task BehindPlanReadsOnlyTheCountiesThatHaveTargetsInThePeriodNotEveryCounty()
    {
        await PlanAban();
        var reports = Host.Services.GetRequiredService<TargetReports>();
        async Task<long> CallsAsync()
        {
            var tally = Pishkhan.Storage.StorageCalls.Begin();
            await reports.BehindPlanAsync("lorestan", new JalaliPeriod(1405, 8), default);
            return tally.Table;
        }
        await CallsAsync(); // the one-off check of the markers' backfill
        var before = await CallsAsync();
        for (var i = 1; i <= 5; i++) await Host.PutOkAsync($"/api/counties/tg-empty-{i}", new { name = $"شهرستان {i}", province = "lorestan" });
        Assert.Equal(before, await CallsAsync());
        Assert.Equal(4, (await reports.BehindPlanAsync("lorestan", new JalaliPeriod(1405, 8), default)).Count);
    }

    [Fact]
    public async Task ACountyTargetSavedBeforeThePlanMarkersExistedIsFoundAfterTheOneOffBackfill()
    {
        var store = Host.Services.GetRequiredService<Pishkhan.Storage.Store>();
        var table = Host.Services.GetRequiredService<TargetStore>().Table;
        await table.UpsertEntityAsync(new TargetEntity
        {
            PartitionKey = "tg-c1", RowKey = TargetEntity.Key(new JalaliPeriod(1404, 11), TargetIndicator.SlaCompliance),
            Province = "lorestan", County = "tg-c1", Planned = 0.9, UpdatedBy = "older-version",
        });
        await table.DeleteEntityAsync("~backfill", "plans"); // as in a store the markers' version has never run on

        var (_, planned) = await new TargetStore(store).ProvincePlansAsync("lorestan", new JalaliPeriod(1404, 11), default);

        Assert.Equal(["tg-c1"], planned);
        Assert.NotNull(await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("~backfill", "plans"));
    }

    [Fact]
    public async Task PutStoresThePlanWithItsNoteAndReplacesIt()
    {
        await Plan("tg-c1", "1405-05", "activeOffices", 2);
        var put = await Host.PutOkAsync("/api/targets/tg-c1/1405-05/activeOffices", new { planned = 4, note = "دو دفتر تازه در خرم‌آباد" });
        Assert.Equal(("tg-c1", "lorestan", "tg-c1", "1405-05", "activeOffices", 4.0),
            (put["scope"]!.GetValue<string>(), put["province"]!.GetValue<string>(), put["county"]!.GetValue<string>(), put["period"]!.GetValue<string>(),
             put["indicator"]!.GetValue<string>(), put["planned"]!.GetValue<double>()));
        var row = Row(await ReportAsync("tg-c1", "1405-05"), "activeOffices");
        Assert.Equal(4, row["planned"]!.GetValue<double>());
        Assert.Equal("دو دفتر تازه در خرم‌آباد", row["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task PersianDigitsInThePeriodAndAnyCaseInTheIndicatorAreAccepted()
    {
        var put = await Host.PutOkAsync("/api/targets/lorestan/" + Uri.EscapeDataString("۱۴۰۵-۰۴") + "/SLACOMPLIANCE", new { planned = 0.9 });
        Assert.Equal(("1405-04", "slaCompliance"), (put["period"]!.GetValue<string>(), put["indicator"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ScopesAreAuthorisedByProvinceAndCounty()
    {
        var fars = await Host.IssueKeyAsync("admin", "fars");
        var lorestan = await Host.IssueKeyAsync("admin", "lorestan");
        var member = await Host.IssueKeyAsync("member", "lorestan");
        var inspector = await Host.IssueKeyAsync("inspector", "tg-c1");
        const string path = "/api/targets/lorestan/1405-03/activeOffices";
        var before = await Host.CountEntitiesAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Put, path, new { planned = 5 }, fars)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Put, "/api/targets/tg-c1/1405-03/activeOffices", new { planned = 5 }, fars)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Put, path, new { planned = 5 }, member)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Put, "/api/targets/tg-c1/1405-03/activeOffices", new { planned = 5 }, inspector)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.SendAsync(HttpMethod.Put, path, new { planned = 5 }, key: null)).StatusCode);
        Assert.Equal(before, await Host.CountEntitiesAsync());

        // Reads: another province's scope is invisible (404), not forbidden.
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/targets/lorestan/1405-03", key: fars)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/targets/tg-c1/1405-03", key: fars)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/targets/lorestan/1405-03", key: inspector)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/targets/tg-c2/1405-03", key: inspector)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.SendAsync(HttpMethod.Get, "/api/targets/lorestan/1405-03", key: null)).StatusCode);
        await ReportAsync("lorestan", "1405-03", member);
        await ReportAsync("tg-c2", "1405-03", member);
        await ReportAsync("tg-c1", "1405-03", inspector);

        // The province's own admin may plan the province and its counties.
        await Host.PutOkAsync(path, new { planned = 5 }, lorestan);
        await Host.PutOkAsync("/api/targets/tg-c2/1405-03/activeOffices", new { planned = 1 }, lorestan);
        Assert.Equal(5, Row(await ReportAsync("lorestan", "1405-03", member), "activeOffices")["planned"]!.GetValue<double>());
    }

    [Fact]
    public async Task AnUnknownScopeIsNotFound()
    {
        var response = await Host.SendAsync(HttpMethod.Put, "/api/targets/no-such-county/1405-08/activeOffices", new { planned = 1 });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/targets/no-such-county/1405-08")).StatusCode);
    }
}

/// <summary>Reference counts of closed periods, and the re-inspection extension point; each with its own host and clock.</summary>
public sealed class TargetSnapshotTests
{
    private sealed class FixedAgreement : IReInspectionAgreementSource
    {
        public Task<double?> GetAsync(string province, string? countyCode, JalaliPeriod period, CancellationToken cancellationToken) =>
            Task.FromResult<double?>(period == new JalaliPeriod(1405, 9) ? (countyCode is null ? 0.75 : 0.5) : null);
    }

    private static Task Office(TestHost host, string code, string status = "active", string? ifMatch = null) =>
        host.PutOkAsync($"/api/offices/{code}", new { name = "دفتر", countyCode = "sn-c1", status, openingHours = new { regular = "08:00-14:00" } }, ifMatch: ifMatch);

    private static async Task<JsonNode> Row(TestHost host, string path, string indicator)
    {
        var report = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, path));
        return report["indicators"]!.AsArray().Single(r => r!["indicator"]!.GetValue<string>() == indicator)!;
    }

    [Fact]
    public async Task AClosedPeriodKeepsTheOfficeCountsRecordedWhileItWasOpen()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 6, 30, 0, TimeSpan.Zero)); // 1405-09-10
        await using var host = await TestHost.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        await host.PutOkAsync("/api/counties/sn-c1", new { name = "زنجان", province = "zanjan" });
        await Office(host, "sn-o1");
        await Office(host, "sn-o2");
        Assert.Equal(2, (await Row(host, "/api/targets/zanjan/1405-09", "activeOffices"))["actual"]!.GetValue<double>());
        await Office(host, "sn-o2", "suspended", ifMatch: "*");
        Assert.Equal(1, (await Row(host, "/api/targets/zanjan/1405-09", "activeOffices"))["actual"]!.GetValue<double>());

        clock.SetUtcNow(new DateTimeOffset(2026, 12, 25, 6, 30, 0, TimeSpan.Zero)); // 1405-10-04: Azar is closed
        await Office(host, "sn-o2", ifMatch: "*");
        await Office(host, "sn-o3");
        var trend = (await Row(host, "/api/targets/zanjan/1405-10", "activeOffices"))["trend"]!.AsArray();
        // 1405-09 keeps its last recorded count; 1405-08 was never recorded, so it shows today's.
        Assert.Equal([3, 3, 3, 3, 1, 3], trend.Select(p => p!["actual"]!.GetValue<double>()));
    }

    [Fact]
    public async Task ReInspectionAgreementComesFromTheRegisteredSource()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 6, 30, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync(configure: b =>
        {
            b.Services.AddSingleton<TimeProvider>(clock);
            b.Services.AddSingleton<IReInspectionAgreementSource, FixedAgreement>();
        });
        await host.PutOkAsync("/api/counties/sn-c1", new { name = "زنجان", province = "zanjan" });
        await host.PutOkAsync("/api/targets/zanjan/1405-09/reInspectionAgreement", new { planned = 0.8 });
        var province = await Row(host, "/api/targets/zanjan/1405-09", "reInspectionAgreement");
        Assert.Equal((0.75, "onTrack"), (province["actual"]!.GetValue<double>(), province["status"]!.GetValue<string>()));
        Assert.Equal(0.5, (await Row(host, "/api/targets/sn-c1/1405-09", "reInspectionAgreement"))["actual"]!.GetValue<double>());
    }
}
