using System.Net;
using System.Text.Json.Nodes;
using Pishkhan.Calendar;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Calendar;

public sealed class HolidayStoreTests
{
    private static async Task<WorkingCalendar> CalendarAsync(TestHost host, string? province) =>
        await host.Services.GetRequiredService<HolidayStore>().GetCalendarAsync(province);

    private static async Task<JsonArray> ListAsync(TestHost host, int year) =>
        (await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, $"/api/holidays?year={year}", key: null))).AsArray();

    [Fact]
    public async Task AnAdminAddedHolidayStopsBeingAWorkingDay()
    {
        await using var host = await TestHost.StartAsync();
        var date = new DateOnly(2026, 12, 2); // a Wednesday, 11 Azar 1405
        Assert.True((await CalendarAsync(host, null)).IsWorkingDay(date));

        await host.PutOkAsync("/api/holidays/1405-09-11", new { name = "تعطیل رسمی (قمری)" });

        Assert.False((await CalendarAsync(host, null)).IsWorkingDay(date));
        Assert.Contains(await ListAsync(host, 1405), h => h!["date"]!.GetValue<string>() == "2026-12-02" && h["jalaliDate"]!.GetValue<string>() == "1405-09-11"
            && h["confirmed"]!.GetValue<bool>() && h["province"] is null);
    }

    [Fact]
    public async Task ADefaultHolidayCanBeRemoved()
    {
        await using var host = await TestHost.StartAsync();
        var nowruz = JalaliDate.FromJalali(1405, 1, 1);
        Assert.Equal(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, "/api/holidays/" + nowruz.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).StatusCode);
        var book = await host.Services.GetRequiredService<HolidayStore>().GetBookAsync();
        Assert.DoesNotContain(book.National(1405), h => h.Date == nowruz);
    }

    [Fact]
    public async Task OnlyAnAdminEditsHolidays()
    {
        await using var host = await TestHost.StartAsync();
        var member = await host.IssueKeyAsync("member", "lorestan");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Put, "/api/holidays/1405-09-12", new { name = "x" }, member)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.SendAsync(HttpMethod.Put, "/api/holidays/1405-13-01", new { name = "x" })).StatusCode);
    }

    [Theory]
    [InlineData(1407, "2028-03-20")]
    [InlineData(1410, "2031-03-21")]
    public async Task NowruzIsAHolidayInYearsNobodyEntered(int year, string firstOfFarvardin)
    {
        await using var host = await TestHost.StartAsync();
        var nowruz = DateOnly.ParseExact(firstOfFarvardin, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        for (var day = 0; day < 4; day++)
            Assert.False((await CalendarAsync(host, "lorestan")).IsWorkingDay(nowruz.AddDays(day)));
        Assert.Contains(await ListAsync(host, year), h => h!["date"]!.GetValue<string>() == firstOfFarvardin && h["name"]!.GetValue<string>() == "عید نوروز");
    }

    [Fact]
    public async Task LunarHolidaysAreListedAsUnconfirmedUntilANationalAdminConfirmsThem()
    {
        await using var host = await TestHost.StartAsync();
        static JsonNode Ashura(JsonArray list) => list.Single(h => h!["name"]!.GetValue<string>() == "عاشورای حسینی")!;
        Assert.False(Ashura(await ListAsync(host, 1405))["confirmed"]!.GetValue<bool>());

        // Iran kept Ashura a day after the estimate: the national admin moves it; the edit wins.
        Assert.Equal(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, "/api/holidays/2026-06-25")).StatusCode);
        await host.PutOkAsync("/api/holidays/2026-06-26", new { name = "عاشورای حسینی" });

        var ashura = Ashura(await ListAsync(host, 1405));
        Assert.Equal("2026-06-26", ashura["date"]!.GetValue<string>());
        Assert.True(ashura["confirmed"]!.GetValue<bool>());
        var calendar = await CalendarAsync(host, "lorestan");
        Assert.True(calendar.IsHoliday(new DateOnly(2026, 6, 26)));
        Assert.False(calendar.IsHoliday(new DateOnly(2026, 6, 25)));
    }

    [Fact]
    public async Task AProvinceAdminCannotEditTheNationalCalendar()
    {
        await using var host = await TestHost.StartAsync();
        var admin = await host.IssueKeyAsync("admin", "east-azerbaijan");
        var before = (await ListAsync(host, 1405)).ToJsonString();

        // 29 Esfand is a national holiday by law; 10 Muharram (estimated) is national too.
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Delete, "/api/holidays/1405-12-29", key: admin)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Put, "/api/holidays/1405-12-29", new { name = "x" }, admin)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Delete, "/api/holidays/2026-06-25", key: admin)).StatusCode);

        Assert.Equal(before, (await ListAsync(host, 1405)).ToJsonString());
        Assert.False((await CalendarAsync(host, "lorestan")).IsWorkingDay(JalaliDate.FromJalali(1405, 12, 29)));
    }

    [Fact]
    public async Task AProvincesOwnHolidayMovesOnlyThatProvincesDeadlines()
    {
        await using var host = await TestHost.StartAsync();
        var lorestan = await host.IssueKeyAsync("admin", "lorestan");
        var day = new DateOnly(2026, 12, 2); // Wednesday 11 Azar 1405
        var tuesday = day.AddDays(-1);

        var added = await host.PutOkAsync("/api/holidays/1405-09-11", new { name = "تعطیلی استانی" }, lorestan);
        Assert.Equal("lorestan", added["province"]!.GetValue<string>());

        Assert.Equal(day.AddDays(1), (await CalendarAsync(host, "east-azerbaijan")).AddWorkingDays(tuesday, 2));
        Assert.Equal(day.AddDays(3), (await CalendarAsync(host, "lorestan")).AddWorkingDays(tuesday, 2)); // Thu, then Sat after Friday
        Assert.True((await CalendarAsync(host, null)).IsWorkingDay(day));
        Assert.Contains(await ListAsync(host, 1405), h => h!["date"]!.GetValue<string>() == "2026-12-02" && h["province"]?.GetValue<string>() == "lorestan");

        // Another province's admin cannot remove it (the row is Lorestan's); Lorestan can.
        var eastAzerbaijan = await host.IssueKeyAsync("admin", "east-azerbaijan");
        Assert.Equal(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, "/api/holidays/1405-09-11", key: eastAzerbaijan)).StatusCode);
        Assert.False((await CalendarAsync(host, "lorestan")).IsWorkingDay(day));
        Assert.Equal(HttpStatusCode.NoContent, (await host.SendAsync(HttpMethod.Delete, "/api/holidays/1405-09-11", key: lorestan)).StatusCode);
        Assert.True((await CalendarAsync(host, "lorestan")).IsWorkingDay(day));
    }
}
