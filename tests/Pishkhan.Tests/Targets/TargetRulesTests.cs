using Pishkhan.Calendar;
using Pishkhan.Problems;
using Pishkhan.Stats;
using Pishkhan.Targets;

namespace Pishkhan.Tests.Targets;

public sealed class TargetRulesTests
{
    private static TargetIndicatorInfo Info(TargetIndicator i) => TargetIndicators.Info(i);

    [Theory]
    // higher is better: plan 100, tolerance 10 %
    [InlineData(TargetIndicator.ActiveOffices, 100, 100, TargetState.Met, Colour.Green)]
    [InlineData(TargetIndicator.ActiveOffices, 100, 120, TargetState.Met, Colour.Green)]
    [InlineData(TargetIndicator.ActiveOffices, 100, 90, TargetState.OnTrack, Colour.Amber)]
    [InlineData(TargetIndicator.ActiveOffices, 100, 89, TargetState.Behind, Colour.Red)]
    [InlineData(TargetIndicator.SlaCompliance, 0.95, 0.9, TargetState.OnTrack, Colour.Amber)]
    [InlineData(TargetIndicator.SlaCompliance, 0.95, 0.85, TargetState.Behind, Colour.Red)]
    [InlineData(TargetIndicator.MeanSatisfaction, 4.4, 4.5, TargetState.Met, Colour.Green)]
    // lower is better: plan 10 working days
    [InlineData(TargetIndicator.MedianComplaintDecisionDays, 10, 10, TargetState.Met, Colour.Green)]
    [InlineData(TargetIndicator.MedianComplaintDecisionDays, 10, 4, TargetState.Met, Colour.Green)]
    [InlineData(TargetIndicator.MedianComplaintDecisionDays, 10, 11, TargetState.OnTrack, Colour.Amber)]
    [InlineData(TargetIndicator.MedianComplaintDecisionDays, 10, 11.5, TargetState.Behind, Colour.Red)]
    [InlineData(TargetIndicator.MedianComplaintDecisionDays, 0, 1, TargetState.Behind, Colour.Red)]
    public void JudgesAClosedPeriodAgainstThePlanInTheIndicatorsDirection(TargetIndicator indicator, double planned, double actual, TargetState status, Colour colour)
    {
        var verdict = TargetRules.Evaluate(Info(indicator), planned, actual, elapsedShare: 1);
        Assert.Equal(status, verdict.Status);
        Assert.Equal(colour, verdict.Colour);
        Assert.Equal(Math.Round(actual - planned, 4), verdict.Gap);
        Assert.Null(verdict.ProRataPlanned);
    }

    [Theory]
    [InlineData(520, 0.5, TargetState.OnTrack)]   // past the pro-rata plan of 500
    [InlineData(500, 0.5, TargetState.OnTrack)]
    [InlineData(499, 0.5, TargetState.Behind)]
    [InlineData(0, 0, TargetState.OnTrack)]       // a period not started yet owes nothing
    [InlineData(520, 1, TargetState.Behind)]      // the same count once the period is closed
    [InlineData(1000, 0.2, TargetState.Met)]
    public void ACumulativeIndicatorInAnOpenPeriodIsJudgedAgainstThePlanProRata(double actual, double elapsed, TargetState status)
    {
        var verdict = TargetRules.Evaluate(Info(TargetIndicator.ServicesOutsourced), 1000, actual, elapsed);
        Assert.Equal(status, verdict.Status);
        Assert.Equal(elapsed < 1 ? 1000 * elapsed : (double?)null, verdict.ProRataPlanned);
    }

    [Fact]
    public void ALevelIndicatorGetsNoProRataAllowance()
    {
        var verdict = TargetRules.Evaluate(Info(TargetIndicator.SlaCompliance), 0.9, 0.5, elapsedShare: 0.5);
        Assert.Equal(TargetState.Behind, verdict.Status);
        Assert.Null(verdict.ProRataPlanned);
    }

    [Fact]
    public void NoPlanOrNoDataIsGrey()
    {
        var noPlan = TargetRules.Evaluate(Info(TargetIndicator.SlaCompliance), null, 0.9, 1);
        var noData = TargetRules.Evaluate(Info(TargetIndicator.SlaCompliance), 0.9, null, 1);
        Assert.Equal((TargetState.NoTarget, Colour.Grey, (double?)null), (noPlan.Status, noPlan.Colour, noPlan.Gap));
        Assert.Equal((TargetState.NoData, Colour.Grey, (double?)null), (noData.Status, noData.Colour, noData.Gap));
    }

    [Theory]
    [InlineData(TargetIndicator.SlaCompliance, 0.9, true)]
    [InlineData(TargetIndicator.SlaCompliance, 1, true)]
    [InlineData(TargetIndicator.SlaCompliance, 90, false)]   // a percentage is not a share
    [InlineData(TargetIndicator.SlaCompliance, -0.1, false)]
    [InlineData(TargetIndicator.MeanSatisfaction, 4.2, true)]
    [InlineData(TargetIndicator.MeanSatisfaction, 0.5, false)]
    [InlineData(TargetIndicator.MeanSatisfaction, 5.5, false)]
    [InlineData(TargetIndicator.ActiveOffices, 60, true)]
    [InlineData(TargetIndicator.ActiveOffices, 60.5, false)]
    [InlineData(TargetIndicator.ServicesOutsourced, -1, false)]
    [InlineData(TargetIndicator.MedianComplaintDecisionDays, 7.5, true)]
    [InlineData(TargetIndicator.MedianComplaintDecisionDays, 400, false)]
    [InlineData(TargetIndicator.RoutineInspectionCoverage, double.NaN, false)]
    public void PlannedValuesMustFitTheIndicatorsUnit(TargetIndicator indicator, double planned, bool valid)
    {
        var errors = new FieldErrors();
        var result = TargetRules.ValidatePlanned(errors, "planned", Info(indicator), planned);
        Assert.Equal(valid, !errors.Any);
        Assert.Equal(valid, result is not null);
    }

    private static OfficeStatsEntity Row(string office, string county, long received, long completed, long withinSla, long ratings, long ratingSum,
        long routine, params double[] complaintDays)
    {
        var row = new OfficeStatsEntity
        {
            PartitionKey = "1405-08", RowKey = office, Province = "lorestan", CountyCode = county, RequestsReceived = received,
            RequestsCompleted = completed, CompletedWithinSla = withinSla, RatingCount = ratings, RatingSum = ratingSum, RoutineInspections = routine,
        };
        foreach (var d in complaintDays) row.ComplaintDecisionDaysHistogram = Histogram.Add(row.ComplaintDecisionDaysHistogram, d);
        return row;
    }

    [Fact]
    public void ActualsMatchHandComputedValues()
    {
        var rows = new[]
        {
            Row("o1", "c1", received: 10, completed: 8, withinSla: 6, ratings: 4, ratingSum: 18, routine: 1, 1, 3, 3),
            Row("o2", "c1", received: 5, completed: 2, withinSla: 2, ratings: 1, ratingSum: 2, routine: 0, 10),
            Row("o3", "c2", received: 20, completed: 10, withinSla: 10, ratings: 5, ratingSum: 25, routine: 2, 20, 30),
        };
        var actuals = TargetRules.Actuals(new ActualInputs(rows, ActiveOffices: 3, AfterHoursOffices: 2, ReInspectionAgreement: 0.66666));

        Assert.Equal(3, actuals[TargetIndicator.ActiveOffices]);
        Assert.Equal(2, actuals[TargetIndicator.AfterHoursOffices]);
        Assert.Equal(35, actuals[TargetIndicator.ServicesOutsourced]);
        Assert.Equal(0.9, actuals[TargetIndicator.SlaCompliance]);                    // 18 of 20 completed within SLA
        Assert.Equal(4.5, actuals[TargetIndicator.MeanSatisfaction]);                 // 45 / 10
        // Days 1, 3, 3, 10, 20, 30 fall in buckets ≤1, ≤4, ≤4, ≤12, ≤24, ≤32: the 3rd of 6 is in "≤4".
        Assert.Equal(4, actuals[TargetIndicator.MedianComplaintDecisionDays]);
        Assert.Equal(0.6667, actuals[TargetIndicator.RoutineInspectionCoverage]);     // o1 and o3 of 3 active offices
        Assert.Equal(0.6667, actuals[TargetIndicator.ReInspectionAgreement]);
    }

    [Fact]
    public void ActualsWithNothingToMeasureAreNull()
    {
        var actuals = TargetRules.Actuals(new ActualInputs([], 0, 0, null));
        Assert.Equal(0, actuals[TargetIndicator.ServicesOutsourced]);
        Assert.Null(actuals[TargetIndicator.SlaCompliance]);
        Assert.Null(actuals[TargetIndicator.MeanSatisfaction]);
        Assert.Null(actuals[TargetIndicator.MedianComplaintDecisionDays]);
        Assert.Null(actuals[TargetIndicator.RoutineInspectionCoverage]);
        Assert.Null(actuals[TargetIndicator.ReInspectionAgreement]);
    }

    [Fact]
    public void CoverageNeverExceedsEveryActiveOffice()
    {
        var rows = new[] { Row("o1", "c1", 0, 0, 0, 0, 0, routine: 1), Row("o2", "c1", 0, 0, 0, 0, 0, routine: 3) };
        Assert.Equal(1, TargetRules.Actuals(new ActualInputs(rows, 1, 0, null))[TargetIndicator.RoutineInspectionCoverage]);
    }

    [Fact]
    public void AMedianBeyondTheLastBucketIsReportedAsItsBound()
    {
        var rows = new[] { Row("o1", "c1", 0, 0, 0, 0, 0, 0, 600, 700) };
        Assert.Equal(Histogram.Bounds[^1], TargetRules.Actuals(new ActualInputs(rows, 1, 0, null))[TargetIndicator.MedianComplaintDecisionDays]);
    }

    [Fact]
    public void ElapsedShareCountsFinishedWorkingDaysOfThePeriod()
    {
        var azar = new JalaliPeriod(1405, 9); // 2026-11-22 .. 2026-12-21: 30 days, 4 Fridays, no fixed holiday → 26 working days
        var calendar = new WorkingCalendar([], WorkingHours.Default);
        // 1405-09-10 10:00 Tehran: Azar 1..9 are over, Friday Azar 6 (27 Nov) among them → 8 of 26.
        Assert.Equal(Math.Round(8.0 / 26, 4), TargetRules.ElapsedShare(azar, Tehran.AtUtc(new DateOnly(2026, 12, 1), new TimeOnly(10, 0)), calendar));
        Assert.Equal(0, TargetRules.ElapsedShare(azar, Tehran.AtUtc(new DateOnly(2026, 11, 22), new TimeOnly(23, 0)), calendar));
        Assert.Equal(0, TargetRules.ElapsedShare(azar, Tehran.AtUtc(new DateOnly(2026, 11, 1), new TimeOnly(10, 0)), calendar));
        Assert.Equal(1, TargetRules.ElapsedShare(azar, Tehran.AtUtc(new DateOnly(2026, 12, 22), new TimeOnly(0, 0)), calendar));
        // A holiday on a working day shrinks both counts: 7 of 25.
        var withHoliday = new WorkingCalendar([new DateOnly(2026, 11, 24)], WorkingHours.Default);
        Assert.Equal(Math.Round(7.0 / 25, 4), TargetRules.ElapsedShare(azar, Tehran.AtUtc(new DateOnly(2026, 12, 1), new TimeOnly(10, 0)), withHoliday));
    }

    [Fact]
    public void TrendPeriodsEndWithThePeriodAndCrossTheNewYear()
    {
        Assert.Equal(["1404-09", "1404-10", "1404-11", "1404-12", "1405-01", "1405-02"],
            TargetRules.TrendPeriods(new JalaliPeriod(1405, 2), 6).Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("slaCompliance", TargetIndicator.SlaCompliance)]
    [InlineData("SLACOMPLIANCE", TargetIndicator.SlaCompliance)]
    [InlineData("medianComplaintDecisionDays", TargetIndicator.MedianComplaintDecisionDays)]
    public void IndicatorNamesParseInAnyCase(string name, TargetIndicator expected)
    {
        Assert.True(TargetIndicators.TryParse(name, out var indicator));
        Assert.Equal(expected, indicator);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("")]
    [InlineData("sla")]
    [InlineData("ActiveOffices,SlaCompliance")]
    public void NumbersAndUnknownNamesAreNotIndicators(string name) => Assert.False(TargetIndicators.TryParse(name, out _));
}
