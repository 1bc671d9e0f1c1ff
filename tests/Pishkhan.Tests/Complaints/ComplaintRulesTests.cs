using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Complaints;
using Pishkhan.Problems;
using static Pishkhan.Tests.Complaints.ComplaintCalendar;

namespace Pishkhan.Tests.Complaints;

public class ComplaintRulesTests
{
    private static readonly Handler Inspector = new("key:1111111111111111", Role.Inspector, "key:1111111111111111");
    private static readonly Handler AdminA = new("key:aaaaaaaaaaaaaaaa", Role.Admin, "key:aaaaaaaaaaaaaaaa");
    private static readonly Handler AdminB = new("key:bbbbbbbbbbbbbbbb", Role.Admin, "key:bbbbbbbbbbbbbbbb");
    private static readonly DateTimeOffset FiledTuesday = Tehran(2026, 11, 24, 9, 30);

    private static ComplaintEntity File(DateTimeOffset at, WorkingCalendar? calendar = null, string category = ComplaintCategories.Delay) =>
        ComplaintRules.Open(Sample(category: category), "ABCD-EFGH-JKLM", "hash", at, Policy, calendar ?? WithHoliday);

    private static int Status(Action action)
    {
        var problem = Assert.Throws<ApiProblem>(action);
        return ((IStatusCodeHttpResult)problem.Result).StatusCode!.Value;
    }

    private static void Decide(ComplaintEntity e, string outcome, Handler by, DateTimeOffset at) =>
        ComplaintRules.Decide(e, outcome, "دلایل تصمیم به تفصیل", ComplaintOutcome.IsUpheld(outcome) ? "بازپرداخت" : null, null, by, at, Policy, WithHoliday);

    [Fact]
    public void FilingIsAcknowledgedAtOnceWithTheStageOneDeadline()
    {
        var e = File(FiledTuesday);
        Assert.Equal(ComplaintStatus.UnderReview, e.Status);
        Assert.Equal(1, e.Stage);
        Assert.True(e.IsOpen);
        Assert.Equal([ComplaintEvents.Filed, ComplaintEvents.Acknowledged], e.Timeline.Select(t => t.Type));
        Assert.All(e.Timeline, t => Assert.Equal(FiledTuesday, t.At));
        Assert.Equal(e.Stage1DueDate, e.Timeline[1].DueDate);
    }

    // Tue 11-24 → Wed 1, Thu 2, (Fri), (Sat holiday), Sun 3, Mon 4, Tue 5, Wed 6, Thu 7, (Fri), Sat 8, Sun 9, Mon 12-07 = 10.
    [Fact]
    public void StageOneDueDateIsTenWorkingDaysSkippingFridaysAndAHoliday()
    {
        Assert.Equal("2026-12-07", File(FiledTuesday).Stage1DueDate);
        Assert.Equal("2026-12-06", File(FiledTuesday, Defaults).Stage1DueDate);
    }

    [Fact]
    public void FilingOnAFridayStartsCountingOnSaturday()
    {
        // Fri 11-27 → (Sat holiday), Sun 1, Mon 2, Tue 3, Wed 4, Thu 5, Sat 6, Sun 7, Mon 8, Tue 9, Wed 12-09 = 10.
        Assert.Equal("2026-12-09", File(Tehran(2026, 11, 27, 20)).Stage1DueDate);
    }

    [Fact]
    public void FilingLateAtNightCountsTheTehranDateNotTheUtcDate()
    {
        // 01:00 Wednesday in Tehran is still Tuesday in UTC: counting starts after Wednesday.
        var e = File(Tehran(2026, 11, 25, 1));
        Assert.Equal("2026-11-25", e.FiledDate);
        Assert.Equal("2026-12-08", e.Stage1DueDate);
    }

    // Tue 1405-12-25 → Wed 1, Thu 2, (Fri), (Sat 12-29 oil nationalisation), (Sun–Wed Nowruz 1–4), Thu 01-05 3, (Fri),
    // Sat 4, Sun 5, Mon 6, Tue 7, Wed 01-11 8, (Thu 01-12 Islamic Republic day), (Fri 01-13 nature day), Sat 01-14 9, Sun 01-15 10.
    [Fact]
    public void StageOneDeadlineAcrossNowruzUsesTheOfficialHolidays()
    {
        var e = File(Tehran(2027, 3, 16), Defaults);
        Assert.Equal("2027-04-04", e.Stage1DueDate);
        Assert.Equal("1406-01-15", JalaliDate.FormatAscii(ComplaintRules.ParseDate(e.Stage1DueDate)));
    }

    [Fact]
    public void AStageOneDecisionOpensATenWorkingDayEscalationWindow()
    {
        var e = File(FiledTuesday);
        Decide(e, ComplaintOutcome.Dismissed, Inspector, Tehran(2026, 12, 7, 11));
        Assert.Equal(ComplaintStatus.Decided, e.Status);
        Assert.False(e.IsOpen);
        Assert.Null(e.DueDate);
        // Mon 12-07 → Tue 1, Wed 2, Thu 3, Sat 4, Sun 5, Mon 6, Tue 7, Wed 8, Thu 9, Sat 12-19 = 10.
        Assert.Equal("2026-12-19", e.EscalationDeadline);
        Assert.True(ComplaintRules.CanEscalate(e, new DateOnly(2026, 12, 19)));
        Assert.False(ComplaintRules.CanEscalate(e, new DateOnly(2026, 12, 20)));
    }

    [Fact]
    public void EscalationAfterTheWindowIsAConflict()
    {
        var e = File(FiledTuesday);
        Decide(e, ComplaintOutcome.Dismissed, Inspector, Tehran(2026, 12, 7, 11));
        Assert.Equal(409, Status(() => ComplaintRules.Escalate(e, "اعتراض", Handler.Complainant, Tehran(2026, 12, 20, 9), Policy, WithHoliday)));
        ComplaintRules.Escalate(e, "اعتراض", Handler.Complainant, Tehran(2026, 12, 19, 23, 59), Policy, WithHoliday);
        Assert.Equal(ComplaintStatus.Escalated, e.Status);
    }

    [Fact]
    public void StageTwoIsDueTwentyWorkingDaysAfterTheEscalation()
    {
        var e = File(FiledTuesday);
        Decide(e, ComplaintOutcome.Dismissed, Inspector, Tehran(2026, 12, 7, 11));
        ComplaintRules.Escalate(e, "اعتراض دارم", Handler.Complainant, Tehran(2026, 12, 10, 12), Policy, WithHoliday);
        Assert.Equal(2, e.Stage);
        Assert.True(e.IsOpen);
        Assert.Equal("2027-01-03", e.Stage2DueDate);
        Assert.Equal(e.Stage2DueDate, e.DueDate);
    }

    [Fact]
    public void OnlyAComplaintDecidedAtStageOneCanBeEscalated()
    {
        var open = File(FiledTuesday);
        Assert.Equal(409, Status(() => ComplaintRules.Escalate(open, "x", Handler.Complainant, FiledTuesday, Policy, WithHoliday)));
        var withdrawn = File(FiledTuesday);
        ComplaintRules.Withdraw(withdrawn, null, Handler.Complainant, FiledTuesday);
        Assert.Equal(409, Status(() => ComplaintRules.Escalate(withdrawn, "x", Handler.Complainant, FiledTuesday, Policy, WithHoliday)));
    }

    [Fact]
    public void StageTwoMustBeDecidedByADifferentPerson()
    {
        var e = File(FiledTuesday);
        Decide(e, ComplaintOutcome.Dismissed, AdminA, Tehran(2026, 11, 30));
        ComplaintRules.Escalate(e, "اعتراض", Handler.Complainant, Tehran(2026, 12, 1), Policy, WithHoliday);
        Assert.Equal(403, Status(() => Decide(e, ComplaintOutcome.Upheld, AdminA, Tehran(2026, 12, 2))));
        Assert.Equal(ComplaintStatus.Escalated, e.Status);
        Decide(e, ComplaintOutcome.Upheld, AdminB, Tehran(2026, 12, 2));
        Assert.Equal(ComplaintStatus.Closed, e.Status);
        Assert.Equal(AdminB.Id, e.Stage2DecidedBy);
    }

    [Fact]
    public void StageTwoIsDecidedAtTheProvinceNotByAnInspector()
    {
        var e = File(FiledTuesday);
        Decide(e, ComplaintOutcome.Dismissed, AdminA, Tehran(2026, 11, 30));
        ComplaintRules.Escalate(e, "اعتراض", Handler.Complainant, Tehran(2026, 12, 1), Policy, WithHoliday);
        Assert.Equal(403, Status(() => Decide(e, ComplaintOutcome.Upheld, Inspector, Tehran(2026, 12, 2))));
    }

    [Fact]
    public void StageTwoIsRefusedToAKeyOfTheSamePersonAsTheStageOneDecider()
    {
        // A key AdminA issued (or one issued by such a key) has AdminA's key as its person.
        var issuedByA = Handler.From(new Caller(Role.Admin, "lorestan", null, null, "cccccccccccccccc", "aaaaaaaaaaaaaaaa"));
        Assert.Equal("key:cccccccccccccccc", issuedByA.Id);
        var e = File(FiledTuesday);
        Decide(e, ComplaintOutcome.Dismissed, AdminA, Tehran(2026, 11, 30));
        ComplaintRules.Escalate(e, "اعتراض", Handler.Complainant, Tehran(2026, 12, 1), Policy, WithHoliday);
        Assert.Equal(403, Status(() => Decide(e, ComplaintOutcome.Upheld, issuedByA, Tehran(2026, 12, 2))));
        // And the other way round: the stage-1 decider held a derived key, its root decides stage 2.
        var f = File(FiledTuesday);
        Decide(f, ComplaintOutcome.Dismissed, issuedByA, Tehran(2026, 11, 30));
        ComplaintRules.Escalate(f, "اعتراض", Handler.Complainant, Tehran(2026, 12, 1), Policy, WithHoliday);
        Assert.Equal(403, Status(() => Decide(f, ComplaintOutcome.Upheld, AdminA, Tehran(2026, 12, 2))));
        Decide(f, ComplaintOutcome.Upheld, AdminB, Tehran(2026, 12, 2));
        Assert.Equal(ComplaintStatus.Closed, f.Status);
    }

    [Fact]
    public void HandlersAreTheSamePersonWhenTheirKeyIsTheSame()
    {
        var a = Handler.From(new Caller(Role.Admin, "lorestan", null, null, "aaaaaaaaaaaaaaaa"));
        var b = Handler.From(new Caller(Role.Admin, "lorestan", null, null, "aaaaaaaaaaaaaaaa"));
        var c = Handler.From(new Caller(Role.Admin, null, null, null, "bootstrap"));
        Assert.Equal(a, b);
        Assert.NotEqual(a.Id, c.Id);
    }

    [Fact]
    public void ADecidedComplaintCannotBeDecidedAgain()
    {
        var e = File(FiledTuesday);
        Decide(e, ComplaintOutcome.Dismissed, Inspector, Tehran(2026, 11, 30));
        Assert.Equal(409, Status(() => Decide(e, ComplaintOutcome.Upheld, AdminA, Tehran(2026, 11, 30))));
        var closed = File(FiledTuesday);
        Decide(closed, ComplaintOutcome.Dismissed, Inspector, Tehran(2026, 11, 30));
        ComplaintRules.Escalate(closed, "اعتراض", Handler.Complainant, Tehran(2026, 12, 1), Policy, WithHoliday);
        Decide(closed, ComplaintOutcome.Dismissed, AdminA, Tehran(2026, 12, 2));
        Assert.Equal(409, Status(() => Decide(closed, ComplaintOutcome.Upheld, AdminB, Tehran(2026, 12, 3))));
        Assert.Equal(409, Status(() => ComplaintRules.Escalate(closed, "again", Handler.Complainant, Tehran(2026, 12, 3), Policy, WithHoliday)));
    }

    [Theory]
    [InlineData(ComplaintOutcome.Upheld, true)]
    [InlineData(ComplaintOutcome.PartlyUpheld, true)]
    [InlineData(ComplaintOutcome.Dismissed, false)]
    public void PartlyUpheldCountsAsUpheld(string outcome, bool upheld)
    {
        var e = File(FiledTuesday);
        var at = Tehran(2026, 11, 30);
        Decide(e, outcome, Inspector, at);
        Assert.Equal(upheld, e.Upheld);
        Assert.Equal(upheld ? at : null, e.UpheldAt);
        Assert.Equal("1405-09", e.DecisionPeriod);
    }

    [Fact]
    public void StageTwoOutcomeReplacesStageOneAndAWithdrawnEscalationKeepsIt()
    {
        var reversed = File(FiledTuesday);
        Decide(reversed, ComplaintOutcome.Upheld, Inspector, Tehran(2026, 11, 30));
        ComplaintRules.Escalate(reversed, "اعتراض", Handler.Complainant, Tehran(2026, 12, 1), Policy, WithHoliday);
        Decide(reversed, ComplaintOutcome.Dismissed, AdminA, Tehran(2026, 12, 2));
        Assert.Equal(ComplaintOutcome.Dismissed, reversed.Outcome);
        Assert.False(reversed.Upheld);
        Assert.Null(reversed.UpheldAt);

        var kept = File(FiledTuesday);
        Decide(kept, ComplaintOutcome.Upheld, Inspector, Tehran(2026, 11, 30));
        ComplaintRules.Escalate(kept, "اعتراض", Handler.Complainant, Tehran(2026, 12, 1), Policy, WithHoliday);
        ComplaintRules.Withdraw(kept, "منصرف شدم", Handler.Complainant, Tehran(2026, 12, 2));
        Assert.Equal(ComplaintStatus.Closed, kept.Status);
        Assert.Equal(ComplaintOutcome.Withdrawn, kept.Stage2Outcome);
        Assert.Equal(ComplaintOutcome.Upheld, kept.Outcome);
        Assert.True(kept.Upheld);
    }

    [Fact]
    public void WithdrawalAtStageOneEndsTheComplaintWithoutADecision()
    {
        var e = File(FiledTuesday);
        ComplaintRules.Withdraw(e, null, Handler.Complainant, Tehran(2026, 11, 25));
        Assert.Equal(ComplaintStatus.Withdrawn, e.Status);
        Assert.Equal(ComplaintOutcome.Withdrawn, e.Outcome);
        Assert.False(e.IsOpen);
        Assert.Null(e.DecisionPeriod);
        Assert.Equal(409, Status(() => ComplaintRules.Withdraw(e, null, Handler.Complainant, Tehran(2026, 11, 26))));
    }

    [Fact]
    public void AStaffDecisionOfWithdrawnClosesStageOneWithoutAnEscalationWindow()
    {
        var e = File(FiledTuesday);
        Decide(e, ComplaintOutcome.Withdrawn, Inspector, Tehran(2026, 11, 25));
        Assert.Equal(ComplaintStatus.Withdrawn, e.Status);
        Assert.Null(e.EscalationDeadline);
        Assert.False(ComplaintRules.CanEscalate(e, new DateOnly(2026, 11, 26)));
    }

    [Fact]
    public void AnExtensionMovesTheDeadlineAndIsOnTheTimelineWithItsReason()
    {
        var e = File(FiledTuesday);
        ComplaintRules.Extend(e, new DateOnly(2026, 12, 14), "نیاز به استعلام از اداره پست", Inspector, Tehran(2026, 12, 1), Policy, WithHoliday);
        Assert.Equal("2026-12-14", e.Stage1DueDate);
        Assert.Equal("2026-12-14", e.DueDate);
        Assert.Equal(1, e.Stage1Extensions);
        var entry = e.Timeline.Last();
        Assert.Equal(ComplaintEvents.Extended, entry.Type);
        Assert.Equal("نیاز به استعلام از اداره پست", entry.Reason);
        Assert.Equal(Inspector.Id, entry.By);
    }

    [Theory]
    [InlineData(2026, 12, 7, "after the current due date")]   // not later than the current due date
    [InlineData(2026, 12, 11, "working day")]                 // a Friday
    [InlineData(2026, 12, 22, "at most 10 working days")]     // Mon 12-07 + 10 working days = Sat 12-19
    public void AnExtensionMustBeALaterWorkingDayWithinTheLimit(int y, int m, int d, string message)
    {
        var e = File(FiledTuesday);
        var problem = Assert.Throws<ApiProblem>(() =>
            ComplaintRules.Extend(e, new DateOnly(y, m, d), "دلیل تمدید مهلت", Inspector, Tehran(2026, 12, 1), Policy, WithHoliday));
        var errors = Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>(problem.Result).ProblemDetails.Errors;
        Assert.Contains(message, errors["newDueDate"][0]);
        Assert.Equal("2026-12-07", e.DueDate);
        Assert.Equal(1, e.Version);
    }

    [Fact]
    public void AStageMayBeExtendedOnlyAsOftenAsThePolicyAllows()
    {
        var e = File(FiledTuesday);
        ComplaintRules.Extend(e, new DateOnly(2026, 12, 9), "دلیل تمدید اول", Inspector, Tehran(2026, 12, 1), Policy, WithHoliday);
        ComplaintRules.Extend(e, new DateOnly(2026, 12, 12), "دلیل تمدید دوم", Inspector, Tehran(2026, 12, 1), Policy, WithHoliday);
        Assert.Equal(409, Status(() => ComplaintRules.Extend(e, new DateOnly(2026, 12, 13), "دلیل تمدید سوم", Inspector, Tehran(2026, 12, 1), Policy, WithHoliday)));
    }

    [Fact]
    public void AnExtensionOfStageTwoNeedsTheProvince()
    {
        var e = File(FiledTuesday);
        Decide(e, ComplaintOutcome.Dismissed, Inspector, Tehran(2026, 11, 30));
        ComplaintRules.Escalate(e, "اعتراض", Handler.Complainant, Tehran(2026, 12, 1), Policy, WithHoliday);
        Assert.Equal(403, Status(() => ComplaintRules.Extend(e, new DateOnly(2027, 1, 3), "دلیل تمدید مهلت", Inspector, Tehran(2026, 12, 2), Policy, WithHoliday)));
    }

    [Fact]
    public void AComplaintIsOverdueFromTheDayAfterItsDueDateAndFlaggedOnce()
    {
        var e = File(FiledTuesday);
        Assert.False(ComplaintRules.MarkOverdue(e, Tehran(2026, 12, 7, 23, 59)));
        Assert.True(ComplaintRules.MarkOverdue(e, Tehran(2026, 12, 8, 0, 1)));
        Assert.True(e.Overdue);
        Assert.Equal(ComplaintEvents.Overdue, e.Timeline.Last().Type);
        Assert.False(ComplaintRules.MarkOverdue(e, Tehran(2026, 12, 9)));
        Assert.Single(e.Timeline, t => t.Type == ComplaintEvents.Overdue);
    }

    [Fact]
    public void AnExtensionClearsTheOverdueFlag()
    {
        var e = File(FiledTuesday);
        ComplaintRules.MarkOverdue(e, Tehran(2026, 12, 8));
        ComplaintRules.Extend(e, new DateOnly(2026, 12, 12), "دلیل تمدید مهلت", AdminA, Tehran(2026, 12, 8), Policy, WithHoliday);
        Assert.False(e.Overdue);
        Assert.False(ComplaintRules.IsOverdue(e, new DateOnly(2026, 12, 12)));
    }

    [Fact]
    public void AnExtensionCannotEndInThePast()
    {
        var e = File(FiledTuesday);
        ComplaintRules.MarkOverdue(e, Tehran(2026, 12, 10));
        Assert.Equal(400, Status(() => ComplaintRules.Extend(e, new DateOnly(2026, 12, 9), "دلیل تمدید مهلت", AdminA, Tehran(2026, 12, 10), Policy, WithHoliday)));
    }

    [Fact]
    public void DecisionTimeIsCountedInWorkingDays()
    {
        var e = File(FiledTuesday);
        Decide(e, ComplaintOutcome.Dismissed, Inspector, Tehran(2026, 11, 30, 15));
        // Wed, Thu, (Fri), (Sat holiday), Sun, Mon = 4 working days.
        Assert.Equal(4, ComplaintRules.DecisionWorkingDays(e, WithHoliday));
    }

    [Fact]
    public void EveryTransitionBumpsTheVersionAndMarksEffectsPending()
    {
        var e = File(FiledTuesday);
        Assert.Equal(1, e.Version);
        e.EffectsPending = false;
        e.EffectsDoneVersion = 1;
        Decide(e, ComplaintOutcome.Dismissed, Inspector, Tehran(2026, 11, 30));
        Assert.Equal(2, e.Version);
        Assert.True(e.EffectsPending);
        Assert.Equal(2, e.Timeline.Last().Version);
    }
}
