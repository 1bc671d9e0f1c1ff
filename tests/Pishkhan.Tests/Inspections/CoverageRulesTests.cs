using Pishkhan.Inspections;

namespace Pishkhan.Tests.Inspections;

public class CoverageRulesTests
{
    private static readonly DateTimeOffset LastRoutine = new(2026, 1, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OfficeNeverInspectedRoutinelyIsOverdue()
    {
        var coverage = CoverageRules.For("o1", "دفتر", null, null, 6, LastRoutine);
        Assert.True(coverage.Overdue);
        Assert.Null(coverage.DueBy);
    }

    [Fact]
    public void OfficeIsDueTheIntervalAfterItsLastRoutineInspection()
    {
        var before = CoverageRules.For("o1", "دفتر", LastRoutine, "o1.x", 6, new DateTimeOffset(2026, 7, 9, 8, 0, 0, TimeSpan.Zero));
        Assert.False(before.Overdue);
        Assert.Equal(new DateTimeOffset(2026, 7, 10, 8, 0, 0, TimeSpan.Zero), before.DueBy);
        var after = CoverageRules.For("o1", "دفتر", LastRoutine, "o1.x", 6, new DateTimeOffset(2026, 7, 13, 9, 0, 0, TimeSpan.Zero));
        Assert.True(after.Overdue);
        Assert.Equal(3, after.DaysOverdue);
    }

    [Fact]
    public void OverdueOfficesComeFirstLongestOverdueFirst()
    {
        var now = new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);
        var ordered = CoverageRules.Order(
        [
            CoverageRules.For("fresh", "a", now.AddDays(-10), "x", 6, now),
            CoverageRules.For("late", "b", now.AddMonths(-7), "y", 6, now),
            CoverageRules.For("never", "c", null, null, 6, now),
            CoverageRules.For("later", "d", now.AddMonths(-9), "z", 6, now),
        ]);
        Assert.Equal(["never", "later", "late", "fresh"], ordered.Select(o => o.OfficeCode));
    }
}
