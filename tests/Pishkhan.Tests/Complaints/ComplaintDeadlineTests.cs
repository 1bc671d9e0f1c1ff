using System.Net;
using Azure.Data.Tables;
using Pishkhan.Complaints;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using static Pishkhan.Tests.Complaints.ComplaintCalendar;
using static Pishkhan.Tests.Complaints.ComplaintsHost;

namespace Pishkhan.Tests.Complaints;

// Each test moves its own host's clock, so each has its own host.
public sealed class ComplaintDeadlineTests
{
    private static void MoveTo(ComplaintsHost h, DateTimeOffset instant) => h.Clock.SetUtcNow(instant);

    [Fact]
    public async Task OverdueComplaintsAreFlaggedByTheTimerAndListedForTheDigest()
    {
        await using var h = await (await StartAsync()).SeedAsync();
        var (a, _, _) = await h.FileAsync("lr-o1");
        var (b, _, _) = await h.FileAsync("lr-o3");
        var (c, secret, _) = await h.FileAsync("lr-o2");
        var (d, _, _) = await h.FileAsync("lr-o1");
        await h.DecideAsync(c, "dismissed", h.InspectorC1);
        await h.EscalateAsync(c, secret);                       // stage 2, due Sat 2026-12-19
        await h.DecideAsync(d, "dismissed", h.InspectorC1);    // closed: never overdue
        var store = h.Host.Services.GetRequiredService<ComplaintStore>();

        MoveTo(h, Tehran(2026, 12, 7, 23, 59));                 // stage 1 (a, b) due today: not overdue yet
        Assert.Empty(await store.ListOverdueAsync(Province, null, default));

        MoveTo(h, Tehran(2026, 12, 20, 10));
        // The digest's view does not wait for the timer: overdue is computed from the due date.
        var overdue = await store.ListOverdueAsync(Province, null, default);
        Assert.Equal(new[] { a, b, c }.Order(), overdue.Select(o => o.TrackingCode).Order());
        Assert.Equal(new OverdueCounts(2, 1), await store.CountOverdueAsync(Province, null, default));
        Assert.Equal(new OverdueCounts(1, 1), await store.CountOverdueAsync(Province, "lr-c1", default));
        // Mon 12-07 → Sun 12-20: Tue, Wed, Thu, Sat, Sun, Mon, Tue, Wed, Thu, Sat, Sun = 11 working days late.
        Assert.Equal(11, overdue.Single(o => o.TrackingCode == a).WorkingDaysOverdue);

        await h.Host.Services.GetRequiredService<ComplaintDeadlineSweep>().RunAsync(default);
        await h.Host.Services.GetRequiredService<ComplaintDeadlineSweep>().RunAsync(default);
        foreach (var code in new[] { a, b, c })
        {
            var status = await h.StatusAsync(code);
            Assert.True(status["overdue"]!.GetValue<bool>());
            Assert.Single(status["timeline"]!.AsArray(), t => t!["event"]!.GetValue<string>() == "overdue");
        }
        var flagged = await h.RowsAsync<ComplaintEntity>(Tables.Complaints, "Overdue eq true");
        Assert.Equal(new[] { a, b, c }.Order(), flagged.Select(e => e.TrackingCode).Order());
        var listed = await h.OkAsync(HttpMethod.Get, "/api/complaints?overdue=true", null, h.AdminA);
        Assert.Equal(3, listed["items"]!.AsArray().Count);
        Assert.False((await h.StatusAsync(d))["overdue"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TheEscalationWindowClosesTenWorkingDaysAfterTheDecision()
    {
        await using var h = await (await StartAsync()).SeedAsync();
        var (code, secret, _) = await h.FileAsync("lr-o1");
        await h.DecideAsync(code, "dismissed", h.InspectorC1);   // Tue 11-24: window until Mon 12-07
        MoveTo(h, Tehran(2026, 12, 7, 23, 30));
        Assert.True((await h.StatusAsync(code))["canEscalate"]!.GetValue<bool>());
        MoveTo(h, Tehran(2026, 12, 8, 0, 30));
        Assert.False((await h.StatusAsync(code))["canEscalate"]!.GetValue<bool>());
        var late = await h.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/escalation", new { secret, reason = "دیر اعتراض کردم" }, key: null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("2026-12-07", await late.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheSameComplaintAfterADayIsANewComplaint()
    {
        await using var h = await (await StartAsync()).SeedAsync();
        var body = Body("lr-o1");
        var (first, _, _) = await h.FileAsync(body);
        h.Clock.Advance(TimeSpan.FromHours(23));
        var again = await h.Host.SendAsync(HttpMethod.Post, "/api/complaints", body, key: null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first, (await h.Host.ReadJsonAsync(again))["trackingCode"]!.GetValue<string>());
        h.Clock.Advance(TimeSpan.FromHours(2));
        var (second, _, _) = await h.FileAsync(body);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task TheTimerFinishesSideEffectsThatWereInterrupted()
    {
        await using var h = await (await StartAsync()).SeedAsync();
        var store = h.Host.Services.GetRequiredService<ComplaintStore>();
        // Filing without running the effects is what a crash right after the insert leaves behind.
        var filed = await store.FileAsync(Sample("lr-o2", contact: new ComplaintContact(null, "09121234567", null, null)) with { Province = Province },
            "interrupted-filing", default);
        Assert.Null(await h.StatsAsync("1405-09", "lr-o2"));
        Assert.Equal(0, await h.OpenComplaintsAsync("lr-o2"));

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.Host.Services.GetRequiredService<ComplaintDeadlineSweep>().RunAsync(default);
        Assert.Null(await h.StatsAsync("1405-09", "lr-o2"));   // may still be running in its request

        h.Clock.Advance(TimeSpan.FromMinutes(2));
        await h.Host.Services.GetRequiredService<ComplaintDeadlineSweep>().RunAsync(default);
        await h.Host.Services.GetRequiredService<ComplaintDeadlineSweep>().RunAsync(default);
        Assert.Equal(1, (await h.StatsAsync("1405-09", "lr-o2"))!.ComplaintsReceived);
        Assert.Equal(1, await h.OpenComplaintsAsync("lr-o2"));
        Assert.Single(await h.OutboxAsync($"complaint-received:{filed.Complaint.TrackingCode}"));
        var row = Assert.Single(await h.RowsAsync<ComplaintEntity>(Tables.Complaints, TableClient.CreateQueryFilter($"PartitionKey eq {"lr-o2"}")));
        Assert.False(row.EffectsPending);
        Assert.Equal(row.Version, row.EffectsDoneVersion);
    }

    [Fact]
    public async Task TheTimerReadsOnlyTheDueRowsOfItsIndexNeverAFilterOfTheComplaintsTable()
    {
        // Every query the timer sends names a PartitionKey (the effects it runs count an office's open complaints in
        // that office's partition); the due and pending complaints are found through ComplaintSweep.
        var recorder = new TableQueryRecorder();
        await using var h = await (await StartAsync(configure: recorder.Register)).SeedAsync();
        var store = h.Host.Services.GetRequiredService<ComplaintStore>();
        var sweep = h.Host.Services.GetRequiredService<ComplaintDeadlineSweep>();
        await sweep.RunAsync(default); // the first run indexes the complaints of before the index (none here)
        var (open, _, _) = await h.FileAsync("lr-o1");          // stage 1 due Mon 2026-12-07
        var (escalated, secret, _) = await h.FileAsync("lr-o1");
        await h.DecideAsync(escalated, "dismissed", h.InspectorC1);
        await h.EscalateAsync(escalated, secret);              // stage 2 due Sat 2026-12-19; its stage-1 row is stale
        var (closed, _, _) = await h.FileAsync("lr-o1");
        await h.DecideAsync(closed, "dismissed", h.InspectorC1); // closed: its due row is stale
        // Filing without running the effects is what a crash right after the insert leaves behind.
        var interrupted = await store.FileAsync(Sample("lr-o2", contact: new ComplaintContact(null, "09121234567", null, null)) with { Province = Province },
            "interrupted-filing", default);

        h.Clock.Advance(TimeSpan.FromMinutes(3));
        var repairing = await recorder.RecordAsync(() => sweep.RunAsync(default));
        Assert.Equal(1, (await h.StatsAsync("1405-09", "lr-o2"))!.ComplaintsReceived);
        Assert.Single(await h.OutboxAsync($"complaint-received:{interrupted.Complaint.TrackingCode}"));

        MoveTo(h, Tehran(2026, 12, 10, 10));
        var flagging = await recorder.RecordAsync(() => sweep.RunAsync(default));
        Assert.True((await h.StatusAsync(open))["overdue"]!.GetValue<bool>());
        Assert.True((await h.StatusAsync(interrupted.Complaint.TrackingCode))["overdue"]!.GetValue<bool>());
        Assert.False((await h.StatusAsync(escalated))["overdue"]!.GetValue<bool>());
        Assert.False((await h.StatusAsync(closed))["overdue"]!.GetValue<bool>());

        var sweepTable = h.Host.Store.Names.Table(Tables.ComplaintSweep);
        foreach (var queries in new[] { repairing, flagging })
        {
            Assert.Contains(queries, q => q.Table == sweepTable);
            Assert.All(queries, q => Assert.True(q.Filter.Contains("PartitionKey eq", StringComparison.Ordinal), $"{q.Table}: a scan ({q.Filter})"));
        }
        // Every row that came due has been served and deleted; the escalated complaint's stage 2 still has its row.
        var now = h.Clock.GetUtcNow();
        Assert.Empty(await store.DueBeforeAsync("2026-12-10", default));
        Assert.Empty(await store.PendingBeforeAsync(now, default));
        Assert.Equal([escalated], (await store.DueBeforeAsync("2027-01-01", default)).Select(r => r.RowKey.Split('|')[^1]));
    }

    [Fact]
    public async Task StageOneDeadlineAcrossNowruzOverHttp()
    {
        await using var h = await (await StartAsync(Tehran(2027, 3, 16))).SeedAsync();
        var (_, _, filed) = await h.FileAsync("lr-o1");
        Assert.Equal("2027-04-04", filed["stage1Due"]!["date"]!.GetValue<string>());
        Assert.Equal("1406-01-15", filed["stage1Due"]!["jalali"]!.GetValue<string>());
        Assert.Equal("یکشنبه", filed["stage1Due"]!["weekdayFa"]!.GetValue<string>());
    }
}
