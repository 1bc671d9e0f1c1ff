using Pishkhan.Local;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Requests;
using Pishkhan.Storage;

namespace Pishkhan.Tests.Requests;

/// <summary>A host on a fake clock (Tue 2026-11-24 09:30 Tehran), no scheduler: tests move time and run the sweep themselves.</summary>
public sealed class FakeClockFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await TestHost.StartAsync(timers: [], settings: RequestsHostFixture.Settings,
            configure: b => b.Services.AddSingleton<TimeProvider>(Clock));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class SlaSweepTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
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

    /// <summary>Moves the clock to 09:00 Tehran of the next full working day, so each test's timeline is the same whatever ran before.</summary>
    private async Task MorningAsync()
    {
        var calendar = await Host.Services.GetRequiredService<HolidayStore>().GetCalendarAsync(null);
        var day = Tehran.DateOf(Clock.GetUtcNow()).AddDays(1);
        while (!calendar.IsWorkingDay(day) || day.DayOfWeek == DayOfWeek.Thursday) day = day.AddDays(1);
        Clock.SetUtcNow(Tehran.AtUtc(day, new TimeOnly(9, 0)));
    }

    private Task SweepAsync() => Host.Services.GetRequiredService<Dispatch>().RunTimer("SlaSweep", CancellationToken.None);

    private async Task<Stats.OfficeStatsEntity> StatsAsync(RequestsKit kit, string office, DateTimeOffset at) =>
        (await kit.StatsAsync(office, JalaliPeriod.Containing(at).ToString()))!;

    [Fact]
    public async Task TheSweepMarksOnlyOverdueOpenRequestsBreachedAndCountsEachOnce()
    {
        var kit = await SeedAsync("lorestan", "sw1");
        await MorningAsync();
        var office = kit.Office(1);
        var quick = (await kit.CreateAsync(new { contractId = "sw1-quick", serviceCode = "quick", officeCode = office, externalRef = "q", citizen = new { } })).Str("id");
        var slow = (await kit.CreateAsync(kit.Body(officeCode: office))).Str("id");
        var due = (await kit.GetAsync(quick))["dueAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(Clock.GetUtcNow().AddHours(2), due); // inside one working day

        Clock.Advance(TimeSpan.FromHours(2.5));
        await SweepAsync();
        await SweepAsync();
        var q = await kit.GetAsync(quick);
        Assert.True(q["breached"]!.GetValue<bool>());
        Assert.Equal("submitted", q.Str("status"));
        var entry = q["history"]!.AsArray()[^1]!;
        Assert.Equal(("breached", "system"), (entry.Str("what"), entry.Str("byRole")));
        Assert.Equal(due, entry["at"]!.GetValue<DateTimeOffset>());
        Assert.False((await kit.GetAsync(slow))["breached"]!.GetValue<bool>());
        Assert.Equal(1, (await StatsAsync(kit, office, due)).SlaBreached);

        // Completing it later counts the completion, not a second breach.
        await kit.EventOkAsync(quick, "accepted", kit.OfficeKeys[office]);
        await kit.EventOkAsync(quick, "completed", kit.OfficeKeys[office]);
        await SweepAsync();
        var stats = await StatsAsync(kit, office, due);
        Assert.Equal((1L, 1L, 0L, 2L), (stats.SlaBreached, stats.RequestsCompleted, stats.CompletedWithinSla, stats.RequestsReceived));
    }

    [Fact]
    public async Task CompletingAfterDueAtCountsOneBreachEvenWithoutTheSweep()
    {
        var kit = await SeedAsync("ilam", "sw2");
        await MorningAsync();
        var office = kit.Office(2);
        var id = (await kit.CreateAsync(new { contractId = "sw2-quick", serviceCode = "quick", officeCode = office, externalRef = "q", citizen = new { } })).Str("id");
        var due = (await kit.GetAsync(id))["dueAt"]!.GetValue<DateTimeOffset>();
        await kit.EventOkAsync(id, "accepted", kit.OfficeKeys[office]);
        Clock.Advance(TimeSpan.FromHours(3));
        var done = await kit.EventOkAsync(id, "completed", kit.OfficeKeys[office]);
        Assert.True(done["breached"]!.GetValue<bool>());
        await SweepAsync();
        var stats = await StatsAsync(kit, office, due);
        Assert.Equal((1L, 1L, 0L), (stats.SlaBreached, stats.RequestsCompleted, stats.CompletedWithinSla));
        Assert.Equal(1, Stats.Histogram.Parse(stats.TurnaroundHistogram)[Stats.Histogram.Bucket(3)]);
    }

    [Fact]
    public async Task AContractIsValidThroughItsLastTehranDay()
    {
        var kit = await SeedAsync("qom", "sw3");
        await Host.PutOkAsync("/api/contracts/sw3-ending", new
        {
            agencyId = kit.Agency, services = new[] { new { serviceCode = "parcel", name = "مرسوله", slaHours = 8, fee = 1 } },
            countyCodes = new[] { kit.County1 }, validFrom = "2026-01-01", validTo = "2026-12-20",
        });
        object Body() => new { contractId = "sw3-ending", serviceCode = "parcel", externalRef = Guid.NewGuid().ToString("N"), citizen = new { } };
        var lastMinute = new DateTimeOffset(2026, 12, 20, 20, 29, 0, TimeSpan.Zero); // 23:59 in Tehran
        if (Clock.GetUtcNow() < lastMinute) Clock.SetUtcNow(lastMinute);
        if (Clock.GetUtcNow() == lastMinute) await kit.CreateAsync(Body());
        Clock.Advance(TimeSpan.FromMinutes(2)); // 00:01 on 21 December in Tehran
        var before = await Host.CountEntitiesAsync();
        var response = await kit.PostAsync(Body(), "late-key");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("contractId", (await Host.ReadJsonAsync(response))["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(before, await Host.CountEntitiesAsync());
    }

    [Fact]
    public async Task TheSweepSendsAnOutboxRowWhoseDispatchNeverRanAndRemovesIt()
    {
        // An event's messages are sent after its answer, from the outbox rows committed with the change; if the
        // process stops first, the row stays and the hourly sweep sends it.
        var kit = await SeedAsync("zanjan", "sw4");
        var office = kit.Office(1);
        var id = (await kit.CreateAsync(kit.Body(officeCode: office))).Str("id");
        var cause = $"request-completed:{id}-lost";
        var payload = new Pishkhan.Notifications.NotificationRequest(cause, Pishkhan.Notifications.NotificationKinds.RequestCompleted, "zanjan", "citizen@example.ir", null, null,
            new Dictionary<string, string> { ["requestId"] = id, ["externalRef"] = "ref-1", ["officeCode"] = office, ["officeName"] = office, ["serviceName"] = "مرسوله",
                ["completedAt"] = "2026-11-24T06:00:00.0000000+00:00", ["completedOnFa"] = "۱۴۰۵/۰۹/۰۳", ["ratingToken"] = id + ".x", ["ratingLink"] = "http://127.0.0.1/rate?token=x" });
        var rowKey = RequestIds.OutboxRowKey(id.Split('_')[1], "completed", OutboxKinds.Notification);
        await Host.Table(Tables.Requests).AddEntityAsync(new OutboxRow
        {
            PartitionKey = office, RowKey = rowKey, Kind = OutboxKinds.Notification,
            PayloadJson = System.Text.Json.JsonSerializer.Serialize(payload, Http.Json.Stored),
        });

        await SweepAsync();

        var outbox = Host.Services.GetRequiredService<Pishkhan.Notifications.Outbox>();
        Assert.NotNull(await outbox.GetAsync(Pishkhan.Notifications.Outbox.IdFor(cause, "citizen@example.ir", null)));
        Assert.Null(await Host.Table(Tables.Requests).GetOrNullAsync<OutboxRow>(office, rowKey));
    }
}
