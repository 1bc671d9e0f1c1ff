using System.Text.Json;
using Pishkhan.RankingPolicy;
using Pishkhan.Rankings;
using static Pishkhan.Tests.Rankings.RankingFixtures;

namespace Pishkhan.Tests.Rankings;

using RankingPolicy = Pishkhan.RankingPolicy.RankingPolicy;

public partial class RankingCalculatorTests
{
    // Worked example. Policy: SLA compliance 0.5 (C = 10), satisfaction 0.3 (C = 4), inspection score 0.2
    // (C = 1); minimum volume 20; min–max. Nobody was inspected, so inspection is dropped and the weights
    // renormalise to SLA 0.5/0.8 = 0.625 and satisfaction 0.3/0.8 = 0.375.
    //
    //        county  completed  SLA within/known  ratings (sum)
    //   A    L1      100        90/100            10 (45)
    //   B    L1       50        40/50             20 (70)
    //   C    L2       40        30/40              0
    //   D    L2       10        10/10              2 (10)    10 < 20: insufficient data, not in any mean
    //
    // SLA target t = 160/190 = 16/19. Shrunk (k + 10t)/(n + 10):
    //   A (90 + 160/19)/110 = 17/19 = 0.894737,  B (40 + 160/19)/60 = 46/57 = 0.807018,  C (30 + 160/19)/50 = 73/95 = 0.768421
    //   min–max: A 100, C 0, B (46/57 − 73/95)/(17/19 − 73/95) = (11/285)/(36/285) = 30.5556
    // Satisfaction target 115/30 = 23/6 = 3.8333. Shrunk (sum + 4·23/6)/(n + 4):
    //   A (45 + 46/3)/14 = 181/42 = 4.309524,  B (70 + 46/3)/24 = 32/9 = 3.555556,  C no ratings → 23/6 = 3.833333
    //   min–max: A 100, B 0, C (23/6 − 32/9)/(181/42 − 32/9) = (5/18)/(95/126) = 7/19 = 36.8421
    // Scores: A 0.625·100 + 0.375·100 = 100;  B 0.625·30.5556 = 19.0972 → 19.10;  C 0.375·36.8421 = 13.8158 → 13.82
    // Tiers (75/60/40/0): A الف, B د, C د. County ranks: L1 A 1, B 2; L2 C 1.
    private static readonly RankingPolicy WorkedPolicy = RankingPolicy.Default("Lorestan") with
    {
        Indicators =
        [
            new(Indicator.SlaCompliance, 0.5, 10),
            new(Indicator.Satisfaction, 0.3, 4),
            new(Indicator.InspectionScore, 0.2, 1),
        ],
        MinimumVolume = 20,
    };

    private static readonly OfficePeriodStats[] WorkedStats =
    [
        Office("A", "L1", completed: 100, withinSla: 90, breached: 10, ratings: 10, ratingSum: 45),
        Office("B", "L1", completed: 50, withinSla: 40, breached: 10, ratings: 20, ratingSum: 70),
        Office("C", "L2", completed: 40, withinSla: 30, breached: 10),
        Office("D", "L2", completed: 10, withinSla: 10, ratings: 2, ratingSum: 10),
    ];

    private static RankingRow Row(Ranking r, string code) => r.Rows.Single(x => x.OfficeCode == code);
    private static IndicatorValue Value(RankingRow row, Indicator i) => row.Indicators.Single(v => v.Indicator == i);

    [Fact]
    public void ComputesTheWorkedExampleScoresRanksAndTiers()
    {
        var r = RankingCalculator.Compute("1405-07", WorkedStats, null, WorkedPolicy);

        Assert.Equal(["A", "B", "C", "D"], r.Rows.Select(x => x.OfficeCode));
        Assert.Equal([100.0, 19.10, 13.82], r.Rows.Take(3).Select(x => x.Score!.Value));
        Assert.Equal([1, 2, 3], r.Rows.Take(3).Select(x => x.ProvinceRank!.Value));
        Assert.Equal([1, 2, 1], r.Rows.Take(3).Select(x => x.CountyRank!.Value));
        Assert.Equal([Tier.Alef, Tier.Dal, Tier.Dal], r.Rows.Take(3).Select(x => x.Tier!.Value));
        Assert.Equal("Lorestan", r.Province);
        Assert.Equal("1405-07", r.Period);
        Assert.Equal(WorkedPolicy.Version, r.PolicyVersion);
    }

    [Fact]
    public void ExplainsEachIndicatorWithRawShrunkNormalisedAndRenormalisedWeight()
    {
        var r = RankingCalculator.Compute("1405-07", WorkedStats, null, WorkedPolicy);

        var a = Row(r, "A");
        Assert.Equal(new IndicatorValue(Indicator.SlaCompliance, 100, 90, 89.4737, 100, 0.625), Value(a, Indicator.SlaCompliance));
        Assert.Equal(new IndicatorValue(Indicator.Satisfaction, 10, 4.5, 4.3095, 100, 0.375), Value(a, Indicator.Satisfaction));
        Assert.Equal(new IndicatorValue(Indicator.InspectionScore, 0, null, null, null, 0), Value(a, Indicator.InspectionScore));
        var b = Row(r, "B");
        Assert.Equal(new IndicatorValue(Indicator.SlaCompliance, 50, 80, 80.7018, 30.5556, 0.625), Value(b, Indicator.SlaCompliance));
        Assert.Equal(new IndicatorValue(Indicator.Satisfaction, 20, 3.5, 3.5556, 0, 0.375), Value(b, Indicator.Satisfaction));
        var c = Row(r, "C");
        Assert.Equal(new IndicatorValue(Indicator.SlaCompliance, 40, 75, 76.8421, 0, 0.625), Value(c, Indicator.SlaCompliance));
        Assert.Equal(new IndicatorValue(Indicator.Satisfaction, 0, null, 3.8333, 36.8421, 0.375), Value(c, Indicator.Satisfaction));

        var scope = Assert.Single(r.Scopes);
        Assert.Equal(new ProvinceScope("Lorestan", 4, 3, scope.Indicators), scope);
        Assert.Equal(new IndicatorScope(Indicator.SlaCompliance, Direction.HigherIsBetter, 0.5, 0.625, true, 84.2105, 76.8421, 89.4737, 82.3392, 5.2852),
            scope.Indicators[0]);
        Assert.Equal(new IndicatorScope(Indicator.InspectionScore, Direction.HigherIsBetter, 0.2, 0, false, null, null, null, null, null),
            scope.Indicators[2]);
    }

    [Fact]
    public void ListsOfficesBelowMinimumVolumeWithoutScoreRankOrTier()
    {
        var d = Row(RankingCalculator.Compute("1405-07", WorkedStats, null, WorkedPolicy), "D");

        Assert.Equal(RankingStatus.InsufficientData, d.Status);
        Assert.Null(d.Score);
        Assert.Null(d.ScoreInterval);
        Assert.Null(d.ProvinceRank);
        Assert.Null(d.ProvinceInterval);
        Assert.Null(d.CountyRank);
        Assert.Null(d.Tier);
        Assert.Null(d.Movement);
        Assert.Equal(100, Value(d, Indicator.SlaCompliance).Raw);
        Assert.Null(Value(d, Indicator.SlaCompliance).Shrunk);
    }

    [Fact]
    public void MovementIsPreviousRankMinusCurrentRankAndNullForNewOffices()
    {
        var previous = RankingCalculator.Compute("1405-06",
        [
            Office("B", "L1", completed: 50, withinSla: 49, breached: 1),
            Office("E", "L1", completed: 50, withinSla: 45, breached: 5),
            Office("A", "L1", completed: 50, withinSla: 10, breached: 40),
        ], null, WorkedPolicy);
        Assert.Equal(["B", "E", "A"], previous.Rows.Select(x => x.OfficeCode));

        var r = RankingCalculator.Compute("1405-07", WorkedStats, previous, WorkedPolicy);

        Assert.Equal("1405-06", r.PreviousPeriod);
        Assert.Equal((3, 2), (Row(r, "A").PreviousProvinceRank!.Value, Row(r, "A").Movement!.Value));
        Assert.Equal((1, -1), (Row(r, "B").PreviousProvinceRank!.Value, Row(r, "B").Movement!.Value));
        Assert.Null(Row(r, "C").Movement);
        Assert.Null(Row(r, "C").PreviousProvinceRank);
    }

    [Fact]
    public void RecentScoresEndWithThisPeriodAndKeepSixAtMost()
    {
        var history = new Dictionary<string, IReadOnlyList<double>>
        {
            ["A"] = [50, 60, 70, 80, 90, 95],
            ["B"] = [10],
            ["D"] = [40, 41],
        };
        var r = RankingCalculator.Compute("1405-07", WorkedStats, null, WorkedPolicy, history);

        Assert.Equal([60, 70, 80, 90, 95, 100], Row(r, "A").RecentScores);
        Assert.Equal([10, 19.10], Row(r, "B").RecentScores);
        Assert.Equal([13.82], Row(r, "C").RecentScores);
        Assert.Equal([40, 41], Row(r, "D").RecentScores);
    }

    [Fact]
    public void IntervalsContainThePublishedRankAndScore()
    {
        var r = RankingCalculator.Compute("1405-07", WorkedStats, null, WorkedPolicy);

        Assert.All(r.Rows.Where(x => x.Status == RankingStatus.Ranked), row =>
        {
            Assert.InRange(row.ProvinceRank!.Value, row.ProvinceInterval!.Best, row.ProvinceInterval.Worst);
            Assert.InRange(row.CountyRank!.Value, row.CountyInterval!.Best, row.CountyInterval.Worst);
            Assert.InRange(row.Score!.Value, row.ScoreInterval!.Low, row.ScoreInterval.High);
            Assert.InRange(row.ProvinceInterval.Worst, 1, 3);
        });
        Assert.Equal(200, r.Uncertainty.Resamples);
        Assert.Equal(RankingCalculator.BootstrapSeed, r.Uncertainty.Seed);
    }

    [Fact]
    public void ZScoreNormalisationIsTheNormalPercentileAgainstTheOtherOffices()
    {
        // One indicator, no shrinkage: 90%, 80%, 70%. X against Y, Z: mean 0.75, sd 0.05, z = 3, Φ(3) = 0.99865
        // → 99.87. Y against X, Z: mean 0.8 → z = 0 → 50. Z mirrors X: 0.13.
        var policy = WorkedPolicy with { Indicators = [new(Indicator.SlaCompliance, 1, 0)], Normalisation = Normalisation.ZScore };
        var r = RankingCalculator.Compute("1405-07",
        [
            Office("X", completed: 100, withinSla: 90, breached: 10),
            Office("Y", completed: 100, withinSla: 80, breached: 20),
            Office("Z", completed: 100, withinSla: 70, breached: 30),
        ], null, policy);

        Assert.Equal([99.87, 50, 0.13], r.Rows.Select(x => x.Score!.Value));
    }

    [Fact]
    public void LowerIsBetterIndicatorsAreMirrored()
    {
        // No shrinkage: 1, 2 and 4 upheld per 1,000 → 100, 66.67, 0.
        var policy = WorkedPolicy with { Indicators = [new(Indicator.UpheldComplaintsPer1000, 1, 0)] };
        var r = RankingCalculator.Compute("1405-07",
        [
            Office("X", completed: 1000, upheld: 1),
            Office("Y", completed: 1000, upheld: 2),
            Office("Z", completed: 1000, upheld: 4),
        ], null, policy);

        Assert.Equal([100, 66.67, 0], r.Rows.Select(x => x.Score!.Value));
        Assert.Equal(4, Value(Row(r, "Z"), Indicator.UpheldComplaintsPer1000).Raw);
    }

    [Fact]
    public void EqualScoresAreOrderedBySlaComplianceThenVolumeThenOfficeCode()
    {
        // SLA 0.5 / satisfaction 0.5, no shrinkage. S and T mirror each other (100/0 and 0/100): both 50, and S
        // wins on SLA. U, V and W sit in the middle on both indicators with equal SLA: V and W also equal volume.
        var policy = WorkedPolicy with { Indicators = [new(Indicator.SlaCompliance, 0.5, 0), new(Indicator.Satisfaction, 0.5, 0)] };
        var stats = new[]
        {
            Office("T", completed: 100, withinSla: 50, breached: 50, ratings: 10, ratingSum: 50),
            Office("S", completed: 100, withinSla: 90, breached: 10, ratings: 10, ratingSum: 10),
            Office("W", completed: 100, withinSla: 70, breached: 30, ratings: 10, ratingSum: 30),
            Office("V", completed: 100, withinSla: 70, breached: 30, ratings: 10, ratingSum: 30),
            Office("U", completed: 300, withinSla: 70, breached: 30, ratings: 10, ratingSum: 30),
        };
        var r = RankingCalculator.Compute("1405-07", stats, null, policy);

        Assert.All(r.Rows, row => Assert.Equal(50, row.Score));
        Assert.Equal(["S", "U", "V", "W", "T"], r.Rows.Select(x => x.OfficeCode));
        Assert.Equal([1, 2, 3, 4, 5], r.Rows.Select(x => x.ProvinceRank!.Value));
    }

    [Fact]
    public void RanksEachProvinceSeparatelyAndAsIfAlone()
    {
        var rng = new Random(7);
        var stats = Generate(rng).Concat(Generate(rng).Select(s => s with { Province = "Q", OfficeCode = "Q" + s.OfficeCode })).ToList();
        var policy = PropertyPolicy(Normalisation.MinMax);

        var together = RankingCalculator.Compute("1405-07", stats, null, policy);
        Assert.Null(together.Province);

        var alone = together.Rows.Select(x => x.Province).Distinct()
            .SelectMany(p => RankingCalculator.Compute("1405-07", stats.Where(s => s.Province == p).ToList(), null, policy).Rows);
        Assert.Equal(alone.Select(x => JsonSerializer.Serialize(x)), together.Rows.Select(x => JsonSerializer.Serialize(x)));
    }

    [Fact]
    public void ARankingWithNoStatsIsEmpty()
    {
        var r = RankingCalculator.Compute("1405-07", [], null, WorkedPolicy);
        Assert.Empty(r.Rows);
        Assert.Empty(r.Scopes);
        Assert.Equal("Lorestan", r.Province);
    }

    [Fact]
    public void AProvinceWithoutDataForAnyIndicatorRanksNobody()
    {
        var policy = WorkedPolicy with { Indicators = [new(Indicator.InspectionScore, 1, 1)] };
        var r = RankingCalculator.Compute("1405-07", WorkedStats, null, policy);
        Assert.All(r.Rows, row => Assert.Equal(RankingStatus.InsufficientData, row.Status));
    }

    [Fact]
    public void RejectsAnInvalidPolicyDuplicateOfficesAndNegativeCounters()
    {
        var bad = WorkedPolicy with { MinimumVolume = -1 };
        var e = Assert.Throws<ArgumentException>(() => RankingCalculator.Compute("1405-07", WorkedStats, null, bad));
        Assert.Contains("minimumVolume", e.Message);
        Assert.Throws<ArgumentException>(() => RankingCalculator.Compute("1405-07", [.. WorkedStats, WorkedStats[0]], null, WorkedPolicy));
        Assert.Throws<ArgumentException>(() => RankingCalculator.Compute("1405-07", [WorkedStats[0] with { RatingSum = -1 }], null, WorkedPolicy));
    }

    [Fact]
    public void DistinguishableOnlyWhenIntervalsDoNotOverlap()
    {
        var row = Row(RankingCalculator.Compute("1405-07", WorkedStats, null, WorkedPolicy), "A");
        RankingRow At(int best, int worst, string county = "L1") =>
            row with { CountyCode = county, ProvinceInterval = new(best, worst), CountyInterval = new(best, worst) };

        Assert.True(RankingCalculator.Distinguishable(At(1, 3), At(4, 6)));
        Assert.True(RankingCalculator.Distinguishable(At(4, 6), At(1, 3)));
        Assert.False(RankingCalculator.Distinguishable(At(1, 3), At(3, 6)));
        Assert.False(RankingCalculator.Distinguishable(At(1, 9), At(3, 4)));
        Assert.True(RankingCalculator.Distinguishable(At(1, 2), At(5, 6), RankScope.County));
        Assert.False(RankingCalculator.Distinguishable(At(1, 3), row with { Status = RankingStatus.InsufficientData, ProvinceInterval = null }));
        Assert.Throws<ArgumentException>(() => RankingCalculator.Distinguishable(At(1, 2), At(5, 6) with { Province = "Tehran" }));
        Assert.Throws<ArgumentException>(() => RankingCalculator.Distinguishable(At(1, 2), At(5, 6, "L2"), RankScope.County));
    }

    [Fact]
    public void SerialisesToCamelCaseJsonAndBack()
    {
        var r = RankingCalculator.Compute("1405-07", WorkedStats, null, WorkedPolicy);
        var json = Json(r);

        Assert.Contains("\"status\":\"insufficientData\"", json);
        Assert.Contains("\"tier\":\"alef\"", json);
        Assert.Contains("\"indicator\":\"slaCompliance\"", json);
        Assert.Contains("\"provinceInterval\":{\"best\":1,", json);
        var back = JsonSerializer.Deserialize<Ranking>(json, JsonSerializerOptions.Web)!;
        Assert.Equal(json, Json(back));
    }
}
