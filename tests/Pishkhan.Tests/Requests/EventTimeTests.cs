using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Rankings;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

/// <summary>
/// The office reports when it did the work, but cannot set the times its SLA compliance is judged by: an
/// <c>at</c> more than five minutes before the server's clock is kept in the history as reported, the server's
/// time counts, and a late event counts in the period it was recorded in, never in one already ranked.
/// </summary>
public sealed class EventTimeTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    private TestHost Host => fixture.Host;
    private FakeTimeProvider Clock => fixture.Clock;

    private async Task<RequestsKit> SeedAsync(string province, string tag)
    {
        var kit = await RequestsKit.SeedAsync(Host, province, tag);
        await Host.PutOkAsync($"/api/contracts/{tag}-quick", new
        {
            agencyId = kit.Agency, services = new[] { new { serviceCode = "quick", name = "فوری", slaHours = 2, fee = 1 } },
            countyCodes = new[] { kit.County1 }, validFrom = "2026-01-01", validTo = "2027-12-31",
        });
        return kit;
    }

    /// <summary>09:00 Tehran on the last full working day of the month after the clock's (so the test owns a fresh period).</summary>
    private async Task<JalaliPeriod> LastWorkingMorningOfNextMonthAsync()
    {
        var calendar = await Host.Services.GetRequiredService<HolidayStore>().GetCalendarAsync(null);
        var period = JalaliPeriod.Containing(Clock.GetUtcNow()).Next();
        var day = period.LastDay;
        while (!calendar.IsWorkingDay(day) || day.DayOfWeek == DayOfWeek.Thursday) day = day.AddDays(-1);
        Clock.SetUtcNow(Tehran.AtUtc(day, new TimeOnly(9, 0)));
        return period;
    }

    private async Task<string> RankedRowAsync(string province, JalaliPeriod period, string office)
    {
        var ranking = await Host.Services.GetRequiredService<RankingJob>().RunAsync(province, period);
        return JsonSerializer.Serialize(ranking.Rows.Single(r => r.OfficeCode == office), Json.Stored);
    }

    private static string Counts(Stats.OfficeStatsEntity? s) =>
        $"{s!.RequestsReceived} {s.RequestsCompleted} {s.CompletedWithinSla} {s.SlaBreached} {s.RequestsRejected} {s.TurnaroundHistogram} {s.ETag}";

    [Fact]
    public async Task ACompletionBackdatedBeforeDueAtDaysLaterIsBreachedAndLeavesTheRankedMonthAsItWas()
    {
        var kit = await SeedAsync("kerman", "et1");
        var office = kit.Office(1);
        var period = await LastWorkingMorningOfNextMonthAsync();
        Task<string> Create(string r) => kit.CreateAsync(new { contractId = "et1-quick", serviceCode = "quick", officeCode = office, externalRef = r, citizen = new { } })
            .ContinueWith(t => t.Result.Str("id"));
        // One request done on time, so the office has a month to rank; one left open past its due time.
        var onTime = await Create("on-time");
        await kit.EventOkAsync(onTime, "accepted", kit.OfficeKeys[office]);
        await kit.EventOkAsync(onTime, "completed", kit.OfficeKeys[office]);
        var late = await Create("late");
        await kit.EventOkAsync(late, "accepted", kit.OfficeKeys[office]);
        var due = (await kit.GetAsync(late))["dueAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(period, JalaliPeriod.Containing(due));

        // Days later, the month is closed and ranked.
        Clock.SetUtcNow(Tehran.AtUtc(period.Next().FirstDay.AddDays(4), new TimeOnly(10, 0)));
        var statsBefore = Counts(await kit.StatsAsync(office, period.ToString()));
        var rankedBefore = await RankedRowAsync("kerman", period, office);

        var backdated = due.AddHours(-1);
        var done = await kit.EventOkAsync(late, "completed", kit.OfficeKeys[office], at: backdated);

        Assert.True(done["breached"]!.GetValue<bool>());
        Assert.Equal(Clock.GetUtcNow(), done["closedAt"]!.GetValue<DateTimeOffset>());
        var entry = done["history"]!.AsArray()[^1]!;
        Assert.Equal(Clock.GetUtcNow(), entry["at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(backdated, entry["reportedAt"]!.GetValue<DateTimeOffset>()); // what the office said, kept
        Assert.Equal(Clock.GetUtcNow(), entry["recordedAt"]!.GetValue<DateTimeOffset>());

        Assert.Equal(statsBefore, Counts(await kit.StatsAsync(office, period.ToString())));
        Assert.Equal(rankedBefore, await RankedRowAsync("kerman", period, office));
        var now = (await kit.StatsAsync(office, period.Next().ToString()))!;
        Assert.Equal((1L, 0L, 1L), (now.RequestsCompleted, now.CompletedWithinSla, now.SlaBreached));
    }

    [Fact]
    public async Task AnEventTimeWithinFiveMinutesOfTheServerClockIsTakenAsReported()
    {
        var kit = await SeedAsync("ilam", "et2");
        var office = kit.Office(1);
        await LastWorkingMorningOfNextMonthAsync();
        var id = (await kit.CreateAsync(new { contractId = "et2-quick", serviceCode = "quick", officeCode = office, externalRef = "x", citizen = new { } })).Str("id");
        Clock.Advance(TimeSpan.FromMinutes(10));
        var reported = Clock.GetUtcNow().AddMinutes(-4);
        var accepted = await kit.EventOkAsync(id, "accepted", kit.OfficeKeys[office], at: reported);
        var entry = accepted["history"]!.AsArray()[^1]!;
        Assert.Equal(reported, entry["at"]!.GetValue<DateTimeOffset>());
        Assert.Null(entry["reportedAt"]);
        // Six minutes back is beyond the tolerance: the server's time counts, the office's is kept.
        Clock.Advance(TimeSpan.FromMinutes(10));
        var tooEarly = Clock.GetUtcNow().AddMinutes(-6);
        var done = await kit.EventOkAsync(id, "completed", kit.OfficeKeys[office], at: tooEarly);
        Assert.Equal(Clock.GetUtcNow(), done["closedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(tooEarly, done["history"]!.AsArray()[^1]!["reportedAt"]!.GetValue<DateTimeOffset>());
    }
}
