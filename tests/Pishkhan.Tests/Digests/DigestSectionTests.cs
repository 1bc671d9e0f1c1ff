using Microsoft.Extensions.Logging.Abstractions;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Digests;
using Pishkhan.Digests.Sections;
using System.Net;
using System.Text.Json;
using Pishkhan.Http;
using Pishkhan.Notifications;
using Pishkhan.Rankings;
using Pishkhan.Stats;
using Pishkhan.Targets;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Digests;

/// <summary>The built-in sections over real storage, and the builder's handling of sections.</summary>
public sealed class DigestSectionTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly DateTimeOffset AsOf = new(2026, 12, 5, 3, 30, 0, TimeSpan.Zero); // Saturday 14 Azar 1405, 07:00 Tehran
    private static readonly JalaliPeriod Azar = DigestBuilder.PeriodOf(AsOf);
    private TestHost Host => fixture.Host;

    private static DigestScope Province(string province) => new(province, null, DigestBuilder.WeekStartOf(AsOf), AsOf);
    private static DigestScope County(string province, string county) => new(province, county, DigestBuilder.WeekStartOf(AsOf), AsOf);

    private async Task SeedStatsAsync(string province, string tag)
    {
        await Host.SeedProvinceAsync(province, tag);
        var stats = Host.Services.GetRequiredService<OfficeStatsStore>();
        await stats.ApplyOnceAsync(Azar.ToString(), $"{tag}-o1", province, $"{tag}-c1", "e1", s =>
        {
            s.RequestsCompleted = 40; s.CompletedWithinSla = 30; s.SlaBreached = 10;
            s.ComplaintsReceived = 5; s.ComplaintsDecided = 4; s.ComplaintsUpheld = 3;
            s.InspectionCount = 2; s.InspectionScoreSum = 150; s.Violations = 2; s.MajorViolations = 1;
        });
        await stats.ApplyOnceAsync(Azar.ToString(), $"{tag}-o2", province, $"{tag}-c1", "e1", s =>
        {
            s.RequestsCompleted = 5; s.CompletedWithinSla = 1; s.SlaBreached = 4; s.ComplaintsReceived = 1;
        });
        await stats.ApplyOnceAsync(Azar.ToString(), $"{tag}-o3", province, $"{tag}-c2", "e1", s =>
        {
            s.RequestsCompleted = 10; s.CompletedWithinSla = 10; s.InspectionCount = 1; s.InspectionScoreSum = 90;
        });
        // Another month does not count.
        await stats.ApplyOnceAsync(Azar.Previous().ToString(), $"{tag}-o3", province, $"{tag}-c2", "e1", s => s.SlaBreached = 99);
    }

    [Fact]
    public async Task SlaSectionListsOfficesByBreachesAndPutsLateOnesOnTheAgenda()
    {
        await SeedStatsAsync("kurdistan", "kd");
        var section = Host.Services.GetServices<IDigestSection>().OfType<SlaBreachesSection>().Single();

        var block = (await section.BuildAsync(Province("kurdistan"), Azar, default))!;

        Assert.Equal([["دفتر پیشخوان 1", "۴۰", "۱۰", "۷۵٪"], ["دفتر پیشخوان 2", "۵", "۴", "۲۰٪"]], block.Rows.Select(r => r.ToArray()));
        Assert.Contains("۱۴", block.Summary); // 14 breaches in all
        // o1: 75% on time with 40 done → agenda; o2: 20% but only 5 done → not (too few to judge).
        var agenda = Assert.Single(block.Agenda);
        Assert.Contains("دفتر پیشخوان 1 (۷۵٪)", agenda);
        Assert.DoesNotContain("دفتر پیشخوان 2", agenda);

        var county2 = await section.BuildAsync(County("kurdistan", "kd-c2"), Azar, default);
        Assert.Empty(county2!.Rows); // c2's office met every deadline
        Assert.Contains("همه‌ی ۱۰ درخواست", county2.Summary);
    }

    [Fact]
    public async Task ComplaintAndInspectionSectionsFollowTheScope()
    {
        await SeedStatsAsync("khuzestan", "kz");
        var sections = Host.Services.GetServices<IDigestSection>().ToList();
        var complaints = sections.OfType<ComplaintStatsSection>().Single();
        var inspections = sections.OfType<InspectionStatsSection>().Single();

        var c = (await complaints.BuildAsync(Province("khuzestan"), Azar, default))!;
        Assert.Equal(["دفتر پیشخوان 1", "۵", "۴", "۳"], c.Rows[0]);
        Assert.Equal("تصمیم درباره‌ی «دفتر پیشخوان 1» با ۳ شکایت واردشده در آذر ۱۴۰۵", Assert.Single(c.Agenda));
        Assert.Null(await complaints.BuildAsync(County("khuzestan", "kz-c2"), Azar, default));

        var byCounty = (await inspections.BuildAsync(Province("khuzestan"), Azar, default))!;
        Assert.Equal("شهرستان", byCounty.Columns[0]);
        Assert.Equal([["خرم‌آباد", "۲", "۷۵", "۲", "۱"], ["بروجرد", "۱", "۹۰", "۰", "۰"]], byCounty.Rows.Select(r => r.ToArray()));
        var byOffice = (await inspections.BuildAsync(County("khuzestan", "kz-c2"), Azar, default))!;
        Assert.Equal([["دفتر پیشخوان 3", "۱", "۹۰", "۰", "۰"]], byOffice.Rows.Select(r => r.ToArray()));
        Assert.Empty(byOffice.Agenda);
    }

    [Fact]
    public async Task PoisonSectionCountsMessagesAndThoseOfTheProvince()
    {
        var outbox = Host.Services.GetRequiredService<Outbox>();
        var poison = Host.Store.Queue("notifications-poison");
        var ours = Outbox.IdFor("poison-test:" + Guid.NewGuid(), "a@example.ir", null);
        await outbox.Table.AddEntityAsync(new OutboxEntity { PartitionKey = ours, Kind = NotificationKinds.ComplaintReceived, Province = "alborz", ToEmail = "a@example.ir", CreatedAt = AsOf });
        await poison.SendMessageAsync(BinaryData.FromString($"{{\"id\":\"{ours}\"}}"));
        await poison.SendMessageAsync(BinaryData.FromString("garbage"));
        var section = Host.Services.GetServices<IDigestSection>().OfType<PoisonMessagesSection>().Single();

        var block = (await section.BuildAsync(Province("alborz"), Azar, default))!;

        var row = Assert.Single(block.Rows);
        Assert.Equal("notifications-poison", row[0]);
        Assert.StartsWith("۲ (این استان: ۱)", row[1]);
        Assert.Null(await section.BuildAsync(County("alborz", "ab-c1"), Azar, default));
    }

    [Fact]
    public async Task ABrokenSectionIsReportedAndTheRestOfTheDigestStillBuilds()
    {
        await SeedStatsAsync("bushehr", "bs");
        var sections = Host.Services.GetServices<IDigestSection>().Append(new BrokenSection()).Append(new AgendaSection());
        var builder = new DigestBuilder(sections, Host.Services.GetRequiredService<CountyStore>(), NullLogger<DigestBuilder>.Instance);

        var doc = await builder.BuildAsync(County("bushehr", "bs-c1"), default);

        Assert.Equal(["شکایات ماه به تفکیک دفتر", "نقض مهلت خدمات (SLA) به تفکیک دفتر", "بازرسی‌های ماه", "بخش دستور جلسه", "بخش معیوب"], doc.Parts.Select(p => p.Title));
        Assert.Equal("این بخش به‌علت خطا ساخته نشد؛ خطا ثبت شده است.", doc.Parts.Single(p => p.Title == "بخش معیوب").Block.Summary);
        Assert.Contains("تصمیم درباره‌ی ۲ برخورد پیشنهادی", doc.Agenda);
        Assert.Equal("خرم‌آباد", doc.CountyName);
        Assert.Equal("1405-09-14", doc.Week);
        Assert.Equal("1405-09", doc.Period);
    }

    private static DigestScope Now(string province, string? county = null) =>
        new(province, county, DigestBuilder.WeekStartOf(DateTimeOffset.UtcNow), DateTimeOffset.UtcNow);

    [Fact]
    public async Task OpenMeetingDecisionsAreListedAndTheOverdueOnesGoOnTheAgenda()
    {
        await Host.SeedProvinceAsync("ardabil", "ad");
        await Host.PutOkAsync("/api/members/ad-sec", new { name = "دبیر", email = "ad-sec@example.ir", role = "secretary", province = "ardabil" });
        // Due dates are Tehran calendar days (from 20:30 UTC Tehran is already on the next day).
        var today = global::Pishkhan.Calendar.Tehran.Today(TimeProvider.System);
        string D(int days) => today.AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var meeting = await Host.SendAsync(HttpMethod.Post, "/api/meetings", new
        {
            date = D(-20), scope = "ardabil", participants = new[] { "ad-sec" },
            decisions = new[]
            {
                new { text = "بازدید از دفتر ۱ و گزارش به جلسه", ownerMemberId = "ad-sec", dueDate = D(-10) },
                new { text = "تدوین برنامه‌ی آموزش کارکنان", ownerMemberId = "ad-sec", dueDate = D(30) },
            },
        });
        Assert.True(meeting.StatusCode == HttpStatusCode.Created, await meeting.Content.ReadAsStringAsync());
        var section = Host.Services.GetServices<IDigestSection>().OfType<MeetingDecisionsSection>().Single();

        var block = (await section.BuildAsync(Now("ardabil"), Azar, default))!;

        Assert.Equal(2, block.Rows.Count);
        Assert.Equal("بازدید از دفتر ۱ و گزارش به جلسه", block.Rows[0][0]);
        Assert.EndsWith("(۱۰ روز گذشته)", block.Rows[0][2]);
        Assert.Contains("مهلت ۱ مورد گذشته است", block.Summary);
        var agenda = Assert.Single(block.Agenda);
        Assert.Contains("«بازدید از دفتر ۱ و گزارش به جلسه»", agenda);
        Assert.Null(await section.BuildAsync(Now("ardabil", "ad-c1"), Azar, default)); // a province decision is not a county's
    }

    [Fact]
    public async Task TargetsBehindPlanAreListedInTheirUnitsAndGoOnTheAgenda()
    {
        await Host.SeedProvinceAsync("lorestan", "lr");
        var period = DigestBuilder.PeriodOf(DateTimeOffset.UtcNow);
        await Host.PutOkAsync($"/api/targets/lorestan/{period}/activeOffices", new { planned = 10 });
        await Host.PutOkAsync($"/api/targets/lr-c2/{period}/activeOffices", new { planned = 1 }); // met: one office in c2
        var section = Host.Services.GetServices<IDigestSection>().OfType<TargetsBehindPlanSection>().Single();

        var block = (await section.BuildAsync(Now("lorestan"), period, default))!;

        Assert.Equal([["استان", "دفاتر فعال", "۱۰", "۳"]], block.Rows.Select(r => r.ToArray()));
        Assert.Contains("دفاتر فعال", Assert.Single(block.Agenda));
        Assert.Null(await section.BuildAsync(Now("lorestan", "lr-c2"), period, default));
        Assert.Equal("۸۵٪", TargetText.Value(TargetIndicator.SlaCompliance, 0.85));
        Assert.Equal("۴٫۲", TargetText.Value(TargetIndicator.MeanSatisfaction, 4.2));
    }

    [Fact]
    public async Task RankingMoversShowInTheWeekAfterPublication()
    {
        var now = DateTimeOffset.UtcNow;
        var store = Host.Services.GetRequiredService<RankingStore>();
        RankingRowEntity Row(string code, int rank, int? movement) => new()
        {
            PartitionKey = RankingStore.PartitionFor("golestan", "1405-08"), RowKey = code, CountyCode = "gs-c1", Status = "ranked", Score = 80 - rank, ProvinceRank = rank,
            RowJson = JsonSerializer.Serialize(new RankingRow(code, "دفتر " + code, "golestan", "gs-c1", RankingStatus.Ranked, 100, 80 - rank, null, rank, null, rank, null, null,
                movement is null ? null : rank + movement, movement, [], []), Json.Stored),
        };
        foreach (var row in new[] { Row("gs-a", 1, 4), Row("gs-b", 2, null), Row("gs-c", 3, -2), Row("gs-d", 4, 0) }) await store.Table.UpsertEntityAsync(row);
        var latest = new RankingRunEntity { PartitionKey = RankingStore.PartitionFor("golestan", "latest"), Period = "1405-08", Ranked = 4, ComputedAt = now.AddDays(-2), PublishedAt = now.AddDays(-2) };
        await store.Table.UpsertEntityAsync(latest);
        var section = Host.Services.GetServices<IDigestSection>().OfType<RankingMoversSection>().Single();

        var block = (await section.BuildAsync(Now("golestan"), Azar, default))!;

        Assert.Equal([["دفتر gs-a", "۱", "۴ پله بالاتر"], ["دفتر gs-c", "۳", "۲ پله پایین‌تر"]], block.Rows.Select(r => r.ToArray()));
        Assert.Contains("آبان ۱۴۰۵", block.Summary);
        // A week later the same ranking is old news.
        Assert.Null(await section.BuildAsync(new DigestScope("golestan", null, DigestBuilder.WeekStartOf(now.AddDays(7)), now.AddDays(7)), Azar, default));
    }

    [Fact]
    public async Task OverdueComplaintsAreCountedPerOfficeAndStageWithoutTrackingCodes()
    {
        await Host.SeedProvinceAsync("kerman", "kr");
        var table = Host.Table(Pishkhan.Storage.Tables.Complaints);
        var today = Tehran.Today(TimeProvider.System);
        string D(int days) => Pishkhan.Complaints.ComplaintRules.Format(today.AddDays(days));
        var n = 0;
        async Task Add(string office, string county, int stage, int dueInDays, bool open = true) =>
            await table.AddEntityAsync(new Pishkhan.Complaints.ComplaintEntity
            {
                PartitionKey = office, RowKey = $"r{n}-KRKR-000{n}", TrackingCode = $"KRKR-000{n++}", Province = "kerman", CountyCode = county,
                Category = "overcharging", Stage = stage, IsOpen = open, DueDate = D(dueInDays), Stage1DueDate = D(dueInDays), FiledAt = DateTimeOffset.UtcNow,
            });
        await Add("kr-o1", "kr-c1", 1, -12);
        await Add("kr-o1", "kr-c1", 2, -3);
        await Add("kr-o3", "kr-c2", 1, -5);
        await Add("kr-o2", "kr-c1", 1, 4);               // not yet due
        await Add("kr-o2", "kr-c1", 1, -9, open: false); // closed
        var section = Host.Services.GetServices<IDigestSection>().OfType<OverdueComplaintsSection>().Single();

        var block = (await section.BuildAsync(Now("kerman"), Azar, default))!;

        Assert.Contains("۳ شکایت باز", block.Summary);
        Assert.Equal(["دفتر پیشخوان 1", "دفتر پیشخوان 3"], block.Rows.Select(r => r[0]));
        Assert.Equal(["۱", "۱"], block.Rows[0].Skip(1).Take(2));
        Assert.DoesNotContain(block.Rows.SelectMany(r => r), c => c.Contains("KRKR"));
        Assert.Equal("رسیدگی به ۱ شکایت مرحله‌ی دوم که از مهلت گذشته‌اند", Assert.Single(block.Agenda));
        var county2 = (await section.BuildAsync(Now("kerman", "kr-c2"), Azar, default))!;
        Assert.Equal(["دفتر پیشخوان 3"], county2.Rows.Select(r => r[0]));
        Assert.Empty(county2.Agenda);
    }

    [Fact]
    public async Task SanctionsWaitingForTheGroupAreListedObjectionsFirstAndGoOnTheAgenda()
    {
        await Host.SeedProvinceAsync("hormozgan", "hz");
        var table = Host.Table(Pishkhan.Storage.Tables.Sanctions);
        var now = DateTimeOffset.UtcNow;
        async Task Add(string office, string county, string rk, string step, string status, int daysAgo, int? objectedDaysAgo = null) =>
            await table.AddEntityAsync(new Pishkhan.Sanctions.SanctionEntity
            {
                PartitionKey = office, RowKey = rk, Province = "hormozgan", CountyCode = county, Step = step, Severity = "minor", Status = status,
                ProposedAt = now.AddDays(-daysAgo), ObjectedAt = objectedDaysAgo is { } o ? now.AddDays(-o) : null,
            });
        await Add("hz-o1", "hz-c1", "s1", "fine", Pishkhan.Sanctions.SanctionStatus.Proposed, 3);
        await Add("hz-o3", "hz-c2", "s2", "writtenWarning", Pishkhan.Sanctions.SanctionStatus.Objected, 20, 2);
        await Add("hz-o2", "hz-c1", "s3", "notice", Pishkhan.Sanctions.SanctionStatus.Effective, 40);
        var section = Host.Services.GetServices<IDigestSection>().OfType<SanctionsAwaitingDecisionSection>().Single();

        var block = (await section.BuildAsync(Now("hormozgan"), Azar, default))!;

        Assert.Equal([["دفتر پیشخوان 3", "اخطار کتبی", "اعتراض"], ["دفتر پیشخوان 1", "جریمه", "پیشنهادی"]], block.Rows.Select(r => r.Take(3).ToArray()));
        Assert.Equal(2, block.Agenda.Count);
        Assert.Contains("۱ برخورد انضباطی پیشنهادی", block.Agenda[0]);
        var county1 = (await section.BuildAsync(Now("hormozgan", "hz-c1"), Azar, default))!;
        Assert.Equal(["دفتر پیشخوان 1"], county1.Rows.Select(r => r[0]));
    }

    [Fact]
    public async Task LateFollowUpsAndOpenInspectionRequestsAreCountedPerCounty()
    {
        await Host.SeedProvinceAsync("sistan-baluchestan", "sb");
        var today = Tehran.Today(TimeProvider.System);
        string D(int days) => today.AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var followUps = Host.Table(Pishkhan.Storage.Tables.InspectionFollowUps);
        await followUps.AddEntityAsync(new Pishkhan.Inspections.FollowUpEntity { PartitionKey = "sb-c1", RowKey = "a", OfficeCode = "sb-o1", Province = "sistan-baluchestan", DueDate = D(-3) });
        await followUps.AddEntityAsync(new Pishkhan.Inspections.FollowUpEntity { PartitionKey = "sb-c1", RowKey = "b", OfficeCode = "sb-o2", Province = "sistan-baluchestan", DueDate = D(5) });
        await followUps.AddEntityAsync(new Pishkhan.Inspections.FollowUpEntity { PartitionKey = "sb-c2", RowKey = "c", OfficeCode = "sb-o3", Province = "sistan-baluchestan", DueDate = D(-9), Status = "done" });
        await Host.Table(Pishkhan.Storage.Tables.InspectionRequests).AddEntityAsync(new Pishkhan.Inspections.InspectionRequestEntity
        {
            PartitionKey = "sb-c2", RowKey = "upheld-sb-o3-x", Province = "sistan-baluchestan", OfficeCode = "sb-o3", Kind = "complaint", Reason = "r", CreatedAt = DateTimeOffset.UtcNow,
        });
        var section = Host.Services.GetServices<IDigestSection>().OfType<OpenInspectionWorkSection>().Single();

        var block = (await section.BuildAsync(Now("sistan-baluchestan"), Azar, default))!;

        Assert.Equal([["خرم‌آباد", "۱", "۰"], ["بروجرد", "۰", "۱"]], block.Rows.Select(r => r.ToArray()));
        Assert.Contains("۱ بازرسی مجدد", Assert.Single(block.Agenda));
        Assert.Null(await section.BuildAsync(Now("sistan-baluchestan", "sb-c9"), Azar, default));
    }

    [Fact]
    public async Task ReInspectionAgreementComesFromTheInspectionsSource()
    {
        Assert.Null(await new ReInspectionAgreementSection(new NoReInspectionAgreementSource()).BuildAsync(Province("fars"), Azar, default));
        var low = (await new ReInspectionAgreementSection(new FixedAgreement(0.6)).BuildAsync(Province("fars"), Azar, default))!;
        Assert.Contains("۶۰٪", low.Summary);
        Assert.Single(low.Agenda);
        Assert.Empty((await new ReInspectionAgreementSection(new FixedAgreement(0.9)).BuildAsync(Province("fars"), Azar, default))!.Agenda);
    }

    private sealed class FixedAgreement(double share) : IReInspectionAgreementSource
    {
        public Task<double?> GetAsync(string province, string? countyCode, JalaliPeriod period, CancellationToken cancellationToken) => Task.FromResult<double?>(share);
    }

    private sealed class BrokenSection : IDigestSection
    {
        public string Title => "بخش معیوب";
        public int Order => 600;
        public Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("boom");
    }

    /// <summary>What a later capability (sanctions) adds: no table, one decision for the agenda.</summary>
    private sealed class AgendaSection : IDigestSection
    {
        public string Title => "بخش دستور جلسه";
        public Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken) =>
            Task.FromResult<DigestBlock?>(DigestBlock.Text("۲ برخورد در انتظار تصمیم") with { Agenda = ["تصمیم درباره‌ی ۲ برخورد پیشنهادی"] });
    }
}
