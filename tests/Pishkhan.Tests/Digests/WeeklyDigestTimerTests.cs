using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Digests;
using Pishkhan.Local;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Notifications;

namespace Pishkhan.Tests.Digests;

public sealed class WeeklyDigestTimerTests
{
    [Fact]
    public void RunsOnSaturdayAtSevenInTheMorningTehranTime()
    {
        var after = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero); // a Tuesday
        for (var i = 0; i < 5; i++)
        {
            var next = Scheduler.NextOccurrence(LocalHost.Catalog.Timers.Single(t => t.Function == "WeeklyDigest").Schedule, after);
            var tehran = Tehran.ToTehran(next);
            Assert.Equal(DayOfWeek.Saturday, tehran.DayOfWeek);
            Assert.Equal(new TimeOnly(7, 0), TimeOnly.FromDateTime(tehran.DateTime));
            after = next;
        }
    }

    [Theory]
    [InlineData("2026-12-04T20:29:00Z", "1405-09-07")] // Friday 23:59 Tehran: still the week of Saturday 7 Azar
    [InlineData("2026-12-04T20:30:00Z", "1405-09-14")] // Saturday 14 Azar 00:00 Tehran: a new week
    [InlineData("2026-12-05T03:30:00Z", "1405-09-14")] // the timer's own instant
    [InlineData("2026-12-11T12:00:00Z", "1405-09-14")] // Friday afternoon
    public void AWeekStartsOnSaturdayInTehran(string instant, string weekStart) =>
        Assert.Equal(weekStart, JalaliDate.FormatAscii(DigestBuilder.WeekStartOf(DateTimeOffset.Parse(instant))));

    [Fact]
    public void ReportsOnTheMonthOfTheWeekThatJustEnded()
    {
        // 1 Dey 1405, 07:00 Tehran: a digest built then covers Azar, not the first hours of Dey.
        var firstOfDey = Tehran.AtUtc(JalaliDate.FromJalali(1405, 10, 1), new TimeOnly(7, 0));
        Assert.Equal("1405-09", DigestBuilder.PeriodOf(firstOfDey).ToString());
        Assert.Equal("1405-10", DigestBuilder.PeriodOf(firstOfDey.AddDays(1)).ToString());
    }

    [Fact]
    public async Task TheTimerSendsTheDigestOfEveryProvinceWithMembers()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(settings: new()
        {
            ["Pishkhan:SendGrid:ApiKey"] = "SG.timer", ["Pishkhan:SendGrid:Host"] = sendGrid.Url,
            ["Pishkhan:UnsubscribeSigningKey"] = UnsubscribeTests.SigningKey,
        });
        await host.PutOkAsync("/api/members/qz-1", new { name = "عضو", email = "qz-1@example.ir", role = "chair", province = "qazvin" });
        await host.PutOkAsync("/api/members/gl-1", new { name = "عضو", email = "gl-1@example.ir", role = "secretary", province = "gilan" });
        await host.PutOkAsync("/api/members/gl-2", new { name = "عضو", email = "gl-2@example.ir", role = "member", province = "gilan", digest = false });
        var timer = LocalHost.Catalog.Timers.Single(t => t.Function == "WeeklyDigest");

        await host.Services.GetRequiredService<Dispatch>().Timer(timer.Function)(CancellationToken.None);
        await host.Services.GetRequiredService<Dispatch>().Timer(timer.Function)(CancellationToken.None); // a second run in the same week sends nothing

        Assert.Equal(["gl-1@example.ir", "qz-1@example.ir"], sendGrid.AcceptedRecipients().Order());
        Assert.Equal(2, sendGrid.Requests.Count);
    }
}
