using System.Net;
using Pishkhan.Calendar;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Calendar;

public sealed class HolidayStoreTests
{
    [Fact]
    public async Task AnAdminAddedHolidayStopsBeingAWorkingDay()
    {
        await using var host = await TestHost.StartAsync();
        var date = new DateOnly(2026, 12, 2); // a Wednesday, 11 Azar 1405
        Assert.True((await host.Services.GetRequiredService<HolidayStore>().GetCalendarAsync()).IsWorkingDay(date));

        await host.PutOkAsync("/api/holidays/1405-09-11", new { name = "تعطیل رسمی (قمری)" });

        var calendar = await host.Services.GetRequiredService<HolidayStore>().GetCalendarAsync();
        Assert.False(calendar.IsWorkingDay(date));
        var list = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, "/api/holidays?year=1405", key: null));
        Assert.Contains(list.AsArray(), h => h!["date"]!.GetValue<string>() == "2026-12-02" && h["jalaliDate"]!.GetValue<string>() == "1405-09-11");
    }

    [Fact]
    public async Task ADefaultHolidayCanBeRemoved()
    {
        await using var host = await TestHost.StartAsync();
        var nowruz = OfficialHolidays.Defaults[0].Date;
        Assert.Equal(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, "/api/holidays/" + nowruz.ToString("yyyy-MM-dd"))).StatusCode);
        var holidays = await host.Services.GetRequiredService<HolidayStore>().ListAsync();
        Assert.DoesNotContain(holidays, h => h.Date == nowruz);
    }

    [Fact]
    public async Task OnlyAnAdminEditsHolidays()
    {
        await using var host = await TestHost.StartAsync();
        var member = await host.IssueKeyAsync("member", "lorestan");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Put, "/api/holidays/1405-09-12", new { name = "x" }, member)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.SendAsync(HttpMethod.Put, "/api/holidays/1405-13-01", new { name = "x" })).StatusCode);
    }
}
