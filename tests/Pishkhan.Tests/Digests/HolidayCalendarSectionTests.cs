using System.Globalization;
using Pishkhan.Calendar;
using Pishkhan.Digests;
using Pishkhan.Digests.Sections;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Digests;

public sealed class HolidayCalendarSectionTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 12, 5, 3, 30, 0, TimeSpan.Zero); // Saturday 14 Azar 1405

    private static DigestScope Scope(string? county = null) => new("lorestan", county, DigestBuilder.WeekStartOf(AsOf), AsOf);

    [Fact]
    public async Task WarnsUntilNextYearsLunarHolidaysAreConfirmed()
    {
        await using var host = await TestHost.StartAsync();
        var section = host.Services.GetServices<IDigestSection>().OfType<HolidayCalendarSection>().Single();
        var period = DigestBuilder.PeriodOf(AsOf);

        var block = (await section.BuildAsync(Scope(), period, default))!;
        var estimated = OfficialHolidays.For(1406).Where(h => !h.Confirmed).ToList();
        Assert.Contains("سال ۱۴۰۶ تأیید نشده", block.Summary);
        Assert.Equal(estimated.Count, block.Rows.Count + block.MoreRows);
        Assert.Null(await section.BuildAsync(Scope("lr-c1"), period, default)); // the secretariat's, not a county's

        // The national admin confirms each one (here: as estimated); the warning goes.
        foreach (var h in estimated)
            await host.PutOkAsync("/api/holidays/" + h.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), new { name = h.NameFa });
        Assert.Null(await section.BuildAsync(Scope(), period, default));
    }
}
