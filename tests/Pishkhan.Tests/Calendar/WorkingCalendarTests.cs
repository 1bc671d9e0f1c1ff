using Pishkhan.Calendar;

namespace Pishkhan.Tests.Calendar;

// Week of 22 November 2026 (early Azar 1405): Sun 22, Mon 23, Tue 24, Wed 25, Thu 26, Fri 27, Sat 28, Sun 29, Mon 30.
public class WorkingCalendarTests
{
    private static readonly DateOnly Wednesday = new(2026, 11, 25);
    private static readonly DateOnly Thursday = new(2026, 11, 26);
    private static readonly DateOnly Friday = new(2026, 11, 27);
    private static readonly DateOnly SaturdayHoliday = new(2026, 11, 28);

    private static readonly WorkingCalendar Calendar = new([SaturdayHoliday], WorkingHours.Default);
    private static readonly WorkingCalendar ThursdayOff = new([SaturdayHoliday], WorkingHours.Default with { ThursdayHours = 0 });

    // Tehran wall-clock time as a UTC instant (Tehran is UTC+03:30).
    private static DateTimeOffset TehranTime(int month, int day, int hour, int minute = 0) =>
        new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.FromMinutes(210)).ToUniversalTime();

    [Fact]
    public void DefaultHoursAreEightFullHoursFromEightAndFourOnThursday()
    {
        Assert.Equal(new TimeOnly(8, 0), WorkingHours.Default.DayStart);
        Assert.Equal(8, WorkingHours.Default.FullDayHours);
        Assert.Equal(4, WorkingHours.Default.ThursdayHours);
    }

    [Fact]
    public void FridaysAndHolidaysAreNotWorkingDays()
    {
        Assert.False(Calendar.IsWorkingDay(Friday));
        Assert.False(Calendar.IsWorkingDay(SaturdayHoliday));
        Assert.True(Calendar.IsHoliday(SaturdayHoliday));
        Assert.False(Calendar.IsHoliday(Friday));
        Assert.True(Calendar.IsWorkingDay(Wednesday));
    }

    [Fact]
    public void ThursdayIsWorkingDayOnlyWhenItHasHours()
    {
        Assert.True(Calendar.IsWorkingDay(Thursday));
        Assert.False(ThursdayOff.IsWorkingDay(Thursday));
    }

    [Fact]
    public void AddsWorkingDaysSkippingFridayAndHoliday() =>
        // Thu 26 (1), Fri 27 and holiday Sat 28 skipped, Sun 29 (2), Mon 30 (3).
        Assert.Equal(new DateOnly(2026, 11, 30), Calendar.AddWorkingDays(Wednesday, 3));

    [Fact]
    public void AddsWorkingDaysSkippingThursdayWhenItIsOff() =>
        Assert.Equal(new DateOnly(2026, 12, 1), ThursdayOff.AddWorkingDays(Wednesday, 3));

    [Fact]
    public void AddsWorkingDaysOverNowruzWithOfficialHolidays()
    {
        var calendar = new WorkingCalendar(OfficialHolidays.SolarFor(1405, 1406).Select(h => h.Date), WorkingHours.Default);
        // Thu 19 March 2026; Fri 20; Nowruz Sat 21 – Tue 24; next working day Wed 25.
        Assert.Equal(new DateOnly(2026, 3, 25), calendar.AddWorkingDays(new DateOnly(2026, 3, 19), 1));
    }

    [Fact]
    public void AddingZeroWorkingDaysReturnsTheSameDay() =>
        Assert.Equal(Friday, Calendar.AddWorkingDays(Friday, 0));

    [Fact]
    public void CountsWorkingDaysInHalfOpenRange()
    {
        Assert.Equal(3, Calendar.WorkingDaysBetween(Wednesday, new DateOnly(2026, 11, 30)));
        Assert.Equal(0, Calendar.WorkingDaysBetween(Wednesday, Wednesday));
        Assert.Equal(0, Calendar.WorkingDaysBetween(new DateOnly(2026, 11, 30), Wednesday));
    }

    [Fact]
    public void AddsWorkingHoursAcrossNightThursdayHalfDayFridayAndHoliday()
    {
        // Wed 14:00–16:00 (2h), Thu 08:00–12:00 (4h), Fri and holiday Sat skipped, Sun 08:00 + 2h.
        var due = Calendar.AddWorkingHours(TehranTime(11, 25, 14), 8);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 6, 30, 0, TimeSpan.Zero), due);
        Assert.Equal(TimeSpan.Zero, due.Offset);
    }

    [Fact]
    public void StartAtNightMovesToNextMorning()
    {
        Assert.Equal(TehranTime(11, 25, 9), Calendar.AddWorkingHours(TehranTime(11, 24, 22), 1));
        Assert.Equal(TehranTime(11, 24, 9), Calendar.AddWorkingHours(TehranTime(11, 24, 3), 1));
    }

    [Fact]
    public void EndingExactlyAtClosingTimeStaysOnThatDay() =>
        Assert.Equal(TehranTime(11, 25, 16), Calendar.AddWorkingHours(TehranTime(11, 25, 14), 2));

    [Fact]
    public void ThursdayWithoutHoursIsSkippedForWorkingHours() =>
        // Wed 15:00–16:00 (1h), Thursday off, Friday, holiday Saturday, Sun 08:00 + 1h.
        Assert.Equal(TehranTime(11, 29, 9), ThursdayOff.AddWorkingHours(TehranTime(11, 25, 15), 2));

    [Fact]
    public void AddsFractionalHoursAndAcceptsAnyInputOffset()
    {
        var start = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.FromMinutes(210));
        Assert.Equal(TehranTime(11, 24, 9, 30), Calendar.AddWorkingHours(start, 1.5));
        Assert.Equal(Calendar.AddWorkingHours(start, 1.5), Calendar.AddWorkingHours(start.ToUniversalTime(), 1.5));
    }

    [Fact]
    public void AddingZeroHoursOutsideWindowGivesNextWindowStart() =>
        Assert.Equal(TehranTime(11, 29, 8), Calendar.AddWorkingHours(TehranTime(11, 27, 10), 0));

    [Fact]
    public void RejectsNegativeAmounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingHours(TehranTime(11, 25, 9), -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.AddWorkingDays(Wednesday, -1));
    }

    [Fact]
    public void RejectsWorkingWindowPastMidnight() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkingCalendar([], new WorkingHours(new TimeOnly(20, 0), 8, 4)));
}
