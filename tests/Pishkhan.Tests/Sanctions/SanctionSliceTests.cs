using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Calendar;
using Pishkhan.Notifications;
using Pishkhan.Offices;
using Pishkhan.Sanctions;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using static Pishkhan.Tests.Inspections.InspectionTestKit;

namespace Pishkhan.Tests.Sanctions;

/// <summary>
/// Due process over HTTP with a fake clock: a proposal waits for an admin, a confirmed sanction waits out the
/// objection window, a suspension takes the office out of the active list and gives it back when it ends.
/// The sweep timer is run by hand (the host's scheduler is off) so each step is observed.
/// </summary>
public sealed class SanctionSliceTests : IAsyncLifetime
{
    // Wednesday 6 May 2026, 10:30 Tehran (16 Ordibehesht 1405): Thu 7 is a working day, Fri 8 the weekend.
    private static readonly DateTimeOffset Start = Tehran.AtUtc(new DateOnly(2026, 5, 6), new TimeOnly(10, 30));
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly ConcurrentWriter _writer = new();
    private readonly LostAnswer _lost = new();
    private TestHost _host = null!;
    private TestHost Host => _host;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync(timers: [], configure: b =>
        {
            b.Services.AddSingleton<TimeProvider>(_clock);
            _writer.Register(b);
            _lost.Register(b);
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task SweepAsync() => Host.Services.GetRequiredService<SanctionService>().SweepAsync(CancellationToken.None);

    private async Task<JsonNode> SanctionAsync(string id, string key = TestHost.BootstrapKey) =>
        await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, $"/api/sanctions/{id}", key: key));

    private async Task<OfficeEntity> OfficeAsync(string code) => (await Host.Services.GetRequiredService<OfficeStore>().FindAsync(code, CancellationToken.None))!;

    /// <summary>A province whose first major violation is already a suspension, with a two-working-day objection window.</summary>
    private async Task<string> ProposeSuspensionAsync(string province, string tag)
    {
        await Host.SeedProvinceAsync(province, tag);
        await PutMembersAsync(Host, province, tag);
        await Host.PutOkAsync($"/api/sanction-policy?province={province}",
            new { majorBaseStep = "temporarySuspension", objectionWindowWorkingDays = 2, suspensionDays = 10 });
        var id = await PostAsync(Host, Body($"{tag}-o1", visitedAt: Start.AddHours(-1), items: Items(("licence-valid", "fail"))));
        await WaitProcessedAsync(Host, id);
        var sanction = await SanctionAsync(id);
        Assert.Equal(("proposed", "temporarySuspension"), (sanction["status"]!.GetValue<string>(), sanction["step"]!.GetValue<string>()));
        return id;
    }

    private Task<HttpResponseMessage> DecideAsync(string id, string decision, string key = TestHost.BootstrapKey) =>
        Host.SendAsync(HttpMethod.Post, $"/api/sanctions/{id}/decision", new { decision, reason = "بررسی شد و تأیید می‌شود" }, key);

    [Fact]
    public async Task ConfirmedSuspensionTakesEffectAfterTheObjectionWindowAndEndsWithItsTerm()
    {
        var id = await ProposeSuspensionAsync("kurdistan", "kd");
        var officeKey = await Host.IssueKeyAsync("office", "kd-o1");
        Assert.Equal(HttpStatusCode.Forbidden, (await DecideAsync(id, "confirm", officeKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(id, "confirm")).StatusCode);

        // Two working days after Wednesday: Thursday and Saturday; in effect from Sunday 10 May 00:00 Tehran.
        var confirmed = await SanctionAsync(id, officeKey);
        Assert.Equal("confirmed", confirmed["status"]!.GetValue<string>());
        Assert.Equal(Tehran.StartOfDayUtc(new DateOnly(2026, 5, 10)), confirmed["effectiveAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(JalaliDate.FormatAscii(new DateOnly(2026, 5, 9)), confirmed["objectionDeadlineJalali"]!.GetValue<string>());
        Assert.Contains(await OutboxAsync(Host, NotificationKinds.SanctionConfirmed), o => o.ToEmail == "office1@example.ir" && o.Cause == $"sanction-confirmed:{id}");

        _clock.SetUtcNow(Tehran.AtUtc(new DateOnly(2026, 5, 9), new TimeOnly(23, 0)));
        await SweepAsync();
        Assert.Equal(OfficeStatus.Active, (await OfficeAsync("kd-o1")).Status);

        _clock.SetUtcNow(Tehran.AtUtc(new DateOnly(2026, 5, 10), new TimeOnly(0, 30)));
        Assert.Equal("effective", (await SanctionAsync(id))["status"]!.GetValue<string>()); // read lazily, before the sweep
        await SweepAsync();
        var suspended = await OfficeAsync("kd-o1");
        Assert.Equal((OfficeStatus.Suspended, 1), (suspended.Status, suspended.ActiveSanctions));
        var active = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices?province=kurdistan&countyCode=kd-c1&status=active"));
        Assert.Equal(["kd-o2"], active["items"]!.AsArray().Select(o => o!["officeCode"]!.GetValue<string>()));
        await SweepAsync(); // again: nothing changes
        Assert.Equal(suspended.ETag, (await OfficeAsync("kd-o1")).ETag);

        _clock.Advance(TimeSpan.FromDays(10));
        await SweepAsync();
        var reinstated = await OfficeAsync("kd-o1");
        Assert.Equal((OfficeStatus.Active, 0), (reinstated.Status, reinstated.ActiveSanctions));
        Assert.Equal("ended", (await SanctionAsync(id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AConfirmationWhoseAnswerIsLostAnswersOkAndStillTakesEffect()
    {
        var id = await ProposeSuspensionAsync("hamadan", "hm");
        // The confirmation is stored, its answer lost; the storage client's retry meets the ETag it moved on (412).
        _lost.ArmReplace(Tables.Sanctions);

        var decided = await DecideAsync(id, "confirm");

        Assert.Equal(1, _lost.Lost);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Contains(await OutboxAsync(Host, NotificationKinds.SanctionConfirmed), o => o.Cause == $"sanction-confirmed:{id}");
        // Its timer was written too: after the objection window the sweep puts it into effect.
        _clock.SetUtcNow(Tehran.AtUtc(new DateOnly(2026, 5, 10), new TimeOnly(0, 30)));
        await SweepAsync();
        Assert.Equal(OfficeStatus.Suspended, (await OfficeAsync("hm-o1")).Status);
    }

    [Fact]
    public async Task IdenticalConfirmationsAtTheSameInstantHaveOneWinnerAndTheRestAre409()
    {
        // The clock stands still, so racing confirmations by one admin build the very same sanction row: only a
        // mark of each write's own tells the one stored (its answer perhaps lost) from its rivals after their 412s.
        var id = await ProposeSuspensionAsync("ilam", "il");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => DecideAsync(id, "confirm")));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
    }

    [Fact]
    public async Task ObjectionWithinTheWindowHoldsTheSanctionUntilTheAdminDecidesAgain()
    {
        var id = await ProposeSuspensionAsync("khuzestan", "kz");
        var officeKey = await Host.IssueKeyAsync("office", "kz-o1");
        var objection = new { reason = "گواهی تمدید پروانه پیش از بازرسی صادر شده بود" };
        Assert.Equal(HttpStatusCode.Conflict, (await Host.SendAsync(HttpMethod.Post, $"/api/sanctions/{id}/objection", objection, officeKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(id, "confirm")).StatusCode);

        _clock.Advance(TimeSpan.FromDays(1));
        var otherOffice = await Host.IssueKeyAsync("office", "kz-o2");
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Post, $"/api/sanctions/{id}/objection", objection, otherOffice)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Post, $"/api/sanctions/{id}/objection", objection, officeKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Host.SendAsync(HttpMethod.Post, $"/api/sanctions/{id}/objection", objection, officeKey)).StatusCode);

        // The window passes: the objected sanction does not take effect on its own.
        _clock.Advance(TimeSpan.FromDays(7));
        await SweepAsync();
        Assert.Equal("objected", (await SanctionAsync(id))["status"]!.GetValue<string>());
        Assert.Equal(OfficeStatus.Active, (await OfficeAsync("kz-o1")).Status);

        // The admin rejects the objection: in effect at once.
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(id, "confirm")).StatusCode);
        Assert.Equal("effective", (await SanctionAsync(id))["status"]!.GetValue<string>());
        Assert.Equal(OfficeStatus.Suspended, (await OfficeAsync("kz-o1")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await DecideAsync(id, "overturn")).StatusCode);
    }

    [Fact]
    public async Task UpheldObjectionOverturnsTheSanction()
    {
        var id = await ProposeSuspensionAsync("fars", "fr");
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(id, "confirm")).StatusCode);
        var officeKey = await Host.IssueKeyAsync("office", "fr-o1");
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Post, $"/api/sanctions/{id}/objection", new { reason = "اعتراض مستند" }, officeKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(id, "overturn")).StatusCode);
        _clock.Advance(TimeSpan.FromDays(30));
        await SweepAsync();
        Assert.Equal("overturned", (await SanctionAsync(id))["status"]!.GetValue<string>());
        Assert.Equal((OfficeStatus.Active, 0), ((await OfficeAsync("fr-o1")).Status, (await OfficeAsync("fr-o1")).ActiveSanctions));
    }

    [Fact]
    public async Task ObjectionAfterTheWindowIsRefused()
    {
        var id = await ProposeSuspensionAsync("hormozgan", "hz");
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(id, "confirm")).StatusCode);
        _clock.Advance(TimeSpan.FromDays(5));
        var officeKey = await Host.IssueKeyAsync("office", "hz-o1");
        var late = await Host.SendAsync(HttpMethod.Post, $"/api/sanctions/{id}/objection", new { reason = "دیر رسید" }, officeKey);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task OverturnedProposalNeverTakesEffect()
    {
        var id = await ProposeSuspensionAsync("mazandaran", "mz");
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(id, "overturn")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await DecideAsync(id, "confirm")).StatusCode);
        _clock.Advance(TimeSpan.FromDays(30));
        await SweepAsync();
        var sanction = await SanctionAsync(id);
        Assert.Equal("overturned", sanction["status"]!.GetValue<string>());
        Assert.Equal(OfficeStatus.Active, (await OfficeAsync("mz-o1")).Status);
        Assert.Empty(await OutboxAsync(Host, NotificationKinds.SanctionConfirmed));
    }

    [Fact]
    public async Task NoticeWithoutAnObjectionWindowCountsAsActiveAtOnceButDoesNotSuspend()
    {
        await Host.SeedProvinceAsync("golestan", "gs");
        await Host.PutOkAsync("/api/sanction-policy?province=golestan", new { objectionWindowWorkingDays = 0 });
        var id = await PostAsync(Host, Body("gs-o2", visitedAt: Start.AddHours(-2), items: Items(("waiting-area", "fail"))));
        await WaitProcessedAsync(Host, id);
        Assert.Equal("notice", (await SanctionAsync(id))["step"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(id, "confirm")).StatusCode);
        var office = await OfficeAsync("gs-o2");
        Assert.Equal((OfficeStatus.Active, 1), (office.Status, office.ActiveSanctions));
        var view = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices/gs-o2"));
        Assert.Equal(1, view["activeSanctions"]!.GetValue<int>());
        // A notice stays on the record for RecordMonths (12), then drops out of ActiveSanctions.
        _clock.Advance(TimeSpan.FromDays(370));
        await SweepAsync();
        Assert.Equal(0, (await OfficeAsync("gs-o2")).ActiveSanctions);
    }

    private async Task<List<SanctionTimerEntity>> TimersAsync(string id) =>
        (await Host.Table(Tables.SanctionTimers).ListAsync<SanctionTimerEntity>(null)).Where(t => t.SanctionId == id).ToList();

    private void ArmOn(string id, Func<Task> interleave)
    {
        Assert.True(SanctionEntity.TryParseId(id, out var office, out var rowKey));
        _writer.Arm(Host.Store.Names.Table(Tables.Sanctions), office, rowKey, interleave);
    }

    [Fact]
    public async Task ADecisionOnASanctionChangedConcurrentlyIsA409AndWritesNothingElse()
    {
        var id = await ProposeSuspensionAsync("semnan", "sm");
        // Another admin overturns the proposal between this decision's read and its write.
        ArmOn(id, async () => Assert.Equal(HttpStatusCode.OK, (await DecideAsync(id, "overturn")).StatusCode));

        var confirm = await DecideAsync(id, "confirm");

        Assert.Equal(1, _writer.Interleaved);
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        Assert.Equal("application/problem+json", confirm.Content.Headers.ContentType?.MediaType);
        Assert.Contains("changed concurrently; retry", (await Host.ReadJsonAsync(confirm))["detail"]!.GetValue<string>());
        Assert.Equal("overturned", (await SanctionAsync(id))["status"]!.GetValue<string>());
        Assert.Empty(await TimersAsync(id));
        Assert.Empty(await OutboxAsync(Host, NotificationKinds.SanctionConfirmed));
    }

    [Fact]
    public async Task ASweepThatLosesTheSanctionToAConcurrentWriterKeepsItsTimerAndWritesNothing()
    {
        var id = await ProposeSuspensionAsync("qom", "qm");
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(id, "confirm")).StatusCode);
        _clock.SetUtcNow(Tehran.AtUtc(new DateOnly(2026, 5, 10), new TimeOnly(0, 30)));
        var effectTimer = Assert.Single(await TimersAsync(id));
        var officeBefore = await OfficeAsync("qm-o1");
        // Another instance's sweep puts it into effect between this sweep's read and its write.
        var sanctions = Host.Table(Tables.Sanctions);
        ArmOn(id, async () =>
        {
            Assert.True(SanctionEntity.TryParseId(id, out var office, out var rowKey));
            var other = (await sanctions.GetEntityAsync<SanctionEntity>(office, rowKey)).Value;
            other.Status = SanctionStatus.Effective;
            await sanctions.UpdateEntityAsync(other, other.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
        });

        await SweepAsync();

        Assert.Equal(1, _writer.Interleaved);
        Assert.Equal([effectTimer.RowKey], (await TimersAsync(id)).Select(t => t.RowKey)); // kept; no end timer from the lost write
        Assert.Equal(officeBefore.ETag, (await OfficeAsync("qm-o1")).ETag);

        // The next sweep reads it again: in effect already, so the office is recounted and the timer spent.
        await SweepAsync();
        Assert.Empty(await TimersAsync(id));
        Assert.Equal(OfficeStatus.Suspended, (await OfficeAsync("qm-o1")).Status);
    }
}
