using Pishkhan.Calendar;
using Pishkhan.Inspections;
using Pishkhan.Sanctions;

namespace Pishkhan.Tests.Inspections;

public class ScoringTests
{
    // a (3), b (1), c (2, critical), d (4): weights chosen so every rule changes the number.
    private static readonly ChecklistTemplate Template = new(7, "lorestan",
    [
        new("a", "الف", ChecklistCategory.TariffsAndReceipts, 3),
        new("b", "ب", ChecklistCategory.Transparency, 1),
        new("c", "ج", ChecklistCategory.DataPrivacy, 2, Critical: true),
        new("d", "د", ChecklistCategory.LicenceDisplay, 4),
    ]);

    private static readonly InspectionPolicy Policy = new(CriticalFailureScoreCap: 50, CriticalFixWorkingDays: 2, FixWorkingDays: 3);

    // Wednesday 6 May 2026, 10:00 Tehran. Thu 7 is a (short) working day, Fri 8 is the weekend.
    private static readonly DateTimeOffset Visit = new DateTimeOffset(2026, 5, 6, 10, 0, 0, TimeSpan.FromMinutes(210)).ToUniversalTime();
    private static readonly WorkingCalendar NoHolidays = new([], WorkingHours.Default);

    private static List<ItemCheck> Items(string results) =>
        results.Select((r, i) => new ItemCheck(((char)('a' + i)).ToString(), r switch { 'p' => ItemResult.Pass, 'f' => ItemResult.Fail, _ => ItemResult.Na })).ToList();

    private static EarlierInspection Earlier(int daysAgo, params string[] failed) =>
        new(Visit.AddDays(-daysAgo), failed.ToHashSet(), failed.Length, failed.Count(f => f == "c"));

    [Fact]
    public void AllPassedScoresOneHundred()
    {
        var score = InspectionScoring.Score(Template, Items("pppp"), 50);
        Assert.Equal(100, score.Score);
        Assert.Equal(0, score.Violations);
    }

    [Fact]
    public void NotApplicableItemsLeaveTheDenominator()
    {
        // Applicable weight 3 + 1 + 4 = 8, passed 3 + 4 = 7: 87.5 (it would be 70 if N/A counted as failed).
        var score = InspectionScoring.Score(Template, Items("pfnp"), 50);
        Assert.Equal(87.5, score.Score);
        Assert.Equal(1, score.Violations);
        Assert.Equal(0, score.MajorViolations);
    }

    [Fact]
    public void FailedCriticalItemCapsTheScoreAndIsAMajorViolation()
    {
        var score = InspectionScoring.Score(Template, Items("ppfp"), 50);
        Assert.Equal(80, score.RawScore);
        Assert.Equal(50, score.Score);
        Assert.True(score.Capped);
        Assert.Equal(1, score.MajorViolations);
    }

    [Fact]
    public void ScoreBelowTheCapIsKeptWhenACriticalItemFails()
    {
        var score = InspectionScoring.Score(Template, Items("fpff"), 50);
        Assert.Equal(10, score.Score);
        Assert.False(score.Capped);
        Assert.Equal(3, score.Violations);
    }

    [Fact]
    public void ScoreIsRoundedToOneDecimal()
    {
        // Passed 1 of applicable 3 + 1 + 2 = 6 → 16.666… → 16.7 (not capped: below 50).
        Assert.Equal(16.7, InspectionScoring.Score(Template, Items("fpfn"), 50).Score);
    }

    [Fact]
    public void RecurrenceCountsEarlierFailuresOfTheSameItemWithinTheWindow()
    {
        var earlier = new[] { Earlier(90, "b"), Earlier(330, "a", "b"), Earlier(400, "b"), Earlier(30, "a") };
        var outcome = InspectionScoring.Evaluate(Template, Items("pfpf"), Visit, earlier, Policy, SanctionPolicy.Default, NoHolidays).Outcome;
        Assert.Equal(3, outcome.Violations.Single(v => v.Code == "b").Occurrence); // 90 and 330 days ago; 400 is outside 12 months
        Assert.Equal(1, outcome.Violations.Single(v => v.Code == "d").Occurrence);
    }

    [Fact]
    public void VisitsAfterThisOneAreNotRecurrences()
    {
        var later = new EarlierInspection(Visit.AddDays(3), new HashSet<string> { "b" }, 1, 0);
        var outcome = InspectionScoring.Evaluate(Template, Items("pfpp"), Visit, [later], Policy, SanctionPolicy.Default, NoHolidays).Outcome;
        Assert.Equal(1, outcome.Violations.Single().Occurrence);
        Assert.Equal(0, outcome.PriorViolationPoints);
    }

    [Fact]
    public void CorrectiveActionsAreDueInWorkingDaysSkippingFridaysAndHolidays()
    {
        var saturdayHoliday = new WorkingCalendar([new DateOnly(2026, 5, 9)], WorkingHours.Default);
        var outcome = InspectionScoring.Evaluate(Template, Items("pffp"), Visit, [], Policy, SanctionPolicy.Default, saturdayHoliday).Outcome;
        // b (3 working days): Thu 7, Sun 10, Mon 11. c is critical (2 days): Thu 7, Sun 10.
        Assert.Equal(new DateOnly(2026, 5, 11), outcome.CorrectiveActions.Single(a => a.Code == "b").DueDate);
        Assert.Equal(new DateOnly(2026, 5, 10), outcome.CorrectiveActions.Single(a => a.Code == "c").DueDate);
        Assert.Equal(JalaliDate.FormatAscii(new DateOnly(2026, 5, 11)), outcome.CorrectiveActions.Single(a => a.Code == "b").DueDateJalali);
    }

    [Fact]
    public void FollowUpIsScheduledTheWorkingDayAfterTheLastActionIsDue()
    {
        var outcome = InspectionScoring.Evaluate(Template, Items("pfpp"), Visit, [], Policy, SanctionPolicy.Default, NoHolidays).Outcome;
        Assert.Equal(new DateOnly(2026, 5, 10), outcome.CorrectiveActions.Single().DueDate); // Thu 7, Sat 9, Sun 10
        Assert.Equal(new DateOnly(2026, 5, 11), outcome.FollowUpDue);
    }

    [Fact]
    public void CleanInspectionHasNoActionsNoFollowUpAndNoSanction()
    {
        var evaluation = InspectionScoring.Evaluate(Template, Items("ppnp"), Visit, [Earlier(20, "c")], Policy, SanctionPolicy.Default, NoHolidays);
        Assert.Empty(evaluation.Outcome.CorrectiveActions);
        Assert.Null(evaluation.Outcome.FollowUpDue);
        Assert.Null(evaluation.Proposal);
    }

    [Fact]
    public void ProposalStepsUpWithTheOfficesEarlierViolations()
    {
        // Earlier: one major (2 points) and one minor (1 point) within 12 months, one minor too old to count.
        var earlier = new[] { Earlier(40, "c"), Earlier(200, "a"), Earlier(500, "a") };
        var evaluation = InspectionScoring.Evaluate(Template, Items("pfpp"), Visit, earlier, Policy, SanctionPolicy.Default, NoHolidays);
        Assert.Equal(3, evaluation.Outcome.PriorViolationPoints);
        // Minor: notice + 2 steps (thresholds 1 and 3 reached) = fine.
        Assert.Equal(SanctionStep.Fine, evaluation.Proposal!.Step);
        Assert.Equal(SanctionStep.Fine, evaluation.Outcome.SanctionStep);
    }

    [Fact]
    public void SameInputsGiveTheSameOutcome()
    {
        var earlier = new[] { Earlier(40, "c"), Earlier(200, "a", "b") };
        var first = InspectionScoring.Evaluate(Template, Items("ffpn"), Visit, earlier, Policy, SanctionPolicy.Default, NoHolidays);
        var second = InspectionScoring.Evaluate(Template, Items("ffpn"), Visit, earlier.Reverse().ToArray(), Policy, SanctionPolicy.Default, NoHolidays);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(first), System.Text.Json.JsonSerializer.Serialize(second));
    }
}
