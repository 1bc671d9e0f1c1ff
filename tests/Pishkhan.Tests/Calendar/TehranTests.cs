using Microsoft.Extensions.Time.Testing;
using Pishkhan.Calendar;

namespace Pishkhan.Tests.Calendar;

public class TehranTests
{
    [Fact]
    public void UsesUtcPlusThreeThirtyAllYearSinceDstWasAbolished()
    {
        Assert.Equal(TimeSpan.FromMinutes(210), Tehran.Zone.GetUtcOffset(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.FromMinutes(210), Tehran.Zone.GetUtcOffset(new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void StartsTehranDayAtTwentyThirtyUtcOfThePreviousDay()
    {
        var start = Tehran.StartOfDayUtc(new DateOnly(2026, 11, 22));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 20, 30, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.Zero, start.Offset);
    }

    [Fact]
    public void DateOfSwitchesAtTehranMidnightNotUtcMidnight()
    {
        Assert.Equal(new DateOnly(2026, 11, 21), Tehran.DateOf(new DateTimeOffset(2026, 11, 21, 20, 29, 59, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 11, 22), Tehran.DateOf(new DateTimeOffset(2026, 11, 21, 20, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void ToTehranShowsLocalWallClock()
    {
        var local = Tehran.ToTehran(new DateTimeOffset(2026, 11, 21, 20, 30, 0, TimeSpan.Zero));
        Assert.Equal(new DateTime(2026, 11, 22, 0, 0, 0), local.DateTime);
        Assert.Equal(TimeSpan.FromMinutes(210), local.Offset);
    }

    [Fact]
    public void TodayReadsTheClockInTehran()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 20, 21, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateOnly(2026, 3, 21), Tehran.Today(clock));
    }
}
