using Pishkhan.RankingPolicy;
using Pishkhan.Rankings;
using static Pishkhan.Tests.Rankings.RankingFixtures;

namespace Pishkhan.Tests.Rankings;

// Property tests: many generated periods from a seeded System.Random, so a failure names its case and replays.
public partial class RankingCalculatorTests
{
    private const int Cases = 150;

    public static TheoryData<Normalisation> Normalisations => [Normalisation.MinMax, Normalisation.ZScore];

    [Theory]
    [MemberData(nameof(Normalisations))]
    public void ImprovingOneIndicatorNeverLowersThatOfficesScore(Normalisation normalisation)
    {
        var policy = PropertyPolicy(normalisation);
        var improved = 0;
        for (var c = 0; c < Cases * 6; c++)
        {
            var rng = new Random(1000 + c);
            var stats = c % 3 == 0 ? Generate(rng) : GenerateSkewed(rng);
            var before = RankingCalculator.Compute("1405-07", stats, null, policy);
            var ranked = before.Rows.Where(r => r.Status == RankingStatus.Ranked).ToList();
            if (ranked.Count == 0) continue;
            var target = ranked[rng.Next(ranked.Count)];
            var index = stats.FindIndex(s => s.OfficeCode == target.OfficeCode);
            var indicator = Enum.GetValues<Indicator>()[rng.Next(6)];
            if (Improve(stats[index], indicator, rng) is not { } better) continue;
            stats[index] = better;

            var after = RankingCalculator.Compute("1405-07", stats, null, policy);
            var scoreAfter = after.Rows.Single(r => r.OfficeCode == target.OfficeCode).Score!.Value;
            Assert.True(scoreAfter >= target.Score!.Value,
                $"case {c}: improving {indicator} of {target.OfficeCode} lowered its score {target.Score} → {scoreAfter}");
            improved++;
        }
        Assert.True(improved > Cases * 3, $"only {improved} cases exercised");
    }

    /// <summary>Moves one indicator's numerator in the good direction, denominators unchanged; null when it cannot.</summary>
    private static OfficePeriodStats? Improve(OfficePeriodStats s, Indicator indicator, Random rng)
    {
        switch (indicator)
        {
            case Indicator.SlaCompliance when s.SlaBreached > 0:
                var d = Step(s.SlaBreached, rng);
                return s with { CompletedWithinSla = s.CompletedWithinSla + d, SlaBreached = s.SlaBreached - d };
            case Indicator.Satisfaction when s.RatingSum < 5 * s.RatingCount:
                return s with { RatingSum = s.RatingSum + Step(5 * s.RatingCount - s.RatingSum, rng) };
            case Indicator.UpheldComplaintsPer1000 when s.ComplaintsUpheld > 0:
                return s with { ComplaintsUpheld = s.ComplaintsUpheld - Step(s.ComplaintsUpheld, rng) };
            case Indicator.InspectionScore when s.InspectionScoreSum < 100 * s.InspectionCount:
                return s with { InspectionScoreSum = s.InspectionScoreSum + (100 * s.InspectionCount - s.InspectionScoreSum) * rng.NextDouble() };
            case Indicator.Training when s.StaffTrained < s.StaffCount:
                return s with { StaffTrained = s.StaffTrained + Step(s.StaffCount - s.StaffTrained, rng) };
            case Indicator.AfterHours when s.AfterHoursOpen < s.AfterHoursChecks:
                return s with { AfterHoursOpen = s.AfterHoursOpen + Step(s.AfterHoursChecks - s.AfterHoursOpen, rng) };
            default:
                return null;
        }
    }

    private static long Step(long room, Random rng) => 1 + (long)((room - 1) * rng.NextDouble());

    [Theory]
    [MemberData(nameof(Normalisations))]
    public void PermutingTheInputChangesNothing(Normalisation normalisation)
    {
        var policy = PropertyPolicy(normalisation);
        for (var c = 0; c < Cases; c++)
        {
            var rng = new Random(2000 + c);
            var stats = Generate(rng);
            var previous = RankingCalculator.Compute("1405-06", Generate(new Random(c)), null, policy);
            var expected = Json(RankingCalculator.Compute("1405-07", stats, previous, policy));

            var shuffledPrevious = previous with { Rows = Shuffled(previous.Rows, rng) };
            Assert.Equal(expected, Json(RankingCalculator.Compute("1405-07", Shuffled(stats, rng), shuffledPrevious, policy)));
        }
    }

    [Fact]
    public void TheSameInputGivesTheSameOutput()
    {
        var policy = PropertyPolicy(Normalisation.MinMax) with { Resamples = 200 };
        for (var c = 0; c < Cases / 3; c++)
        {
            var first = Json(RankingCalculator.Compute("1405-07", Generate(new Random(3000 + c)), null, policy));
            var second = Json(RankingCalculator.Compute("1405-07", Generate(new Random(3000 + c)), null, policy));
            Assert.Equal(first, second);
        }
    }

    [Fact]
    public void InsufficientDataOfficesAreNeverRankedAndRanksStayContiguous()
    {
        var policy = PropertyPolicy(Normalisation.MinMax);
        for (var c = 0; c < Cases; c++)
        {
            var stats = Generate(new Random(4000 + c));
            var r = RankingCalculator.Compute("1405-07", stats, null, policy);

            Assert.Equal(stats.Count, r.Rows.Count);
            foreach (var row in r.Rows.Where(x => x.RequestsCompleted < policy.MinimumVolume))
            {
                Assert.Equal(RankingStatus.InsufficientData, row.Status);
                Assert.True(row is { Score: null, ProvinceRank: null, CountyRank: null, Tier: null, ProvinceInterval: null });
            }
            foreach (var province in r.Rows.Where(x => x.Status == RankingStatus.Ranked).GroupBy(x => x.Province))
            {
                Assert.Equal(Enumerable.Range(1, province.Count()), province.Select(x => x.ProvinceRank!.Value));
                Assert.Equal(province.OrderByDescending(x => x.Score).Select(x => x.OfficeCode), province.Select(x => x.OfficeCode));
                foreach (var county in province.GroupBy(x => x.CountyCode))
                    Assert.Equal(Enumerable.Range(1, county.Count()), county.Select(x => x.CountyRank!.Value));
                Assert.All(province, x =>
                {
                    Assert.InRange(x.Score!.Value, 0, 100);
                    Assert.InRange(x.ProvinceRank!.Value, x.ProvinceInterval!.Best, x.ProvinceInterval.Worst);
                    Assert.InRange(x.ProvinceInterval.Worst, 1, province.Count());
                    Assert.Equal(policy.Tiers.First(t => x.Score >= t.MinimumScore).Tier, x.Tier);
                });
            }
        }
    }

    [Fact]
    public void ShrinkagePullsAOneRatingOfficeTowardTheMeanMoreThanAFiveHundredRatingOffice()
    {
        var policy = PropertyPolicy(Normalisation.MinMax);
        for (var c = 0; c < Cases; c++)
        {
            var rng = new Random(5000 + c);
            var stats = Generate(rng).Where(s => s.Province == "P0").ToList();
            var rating = rng.Next(1, 6); // same raw mean for both offices
            stats.Add(Office("P0-few", "P0-C0", "P0", completed: 100, withinSla: 80, breached: 20, ratings: 1, ratingSum: rating));
            stats.Add(Office("P0-many", "P0-C0", "P0", completed: 100, withinSla: 80, breached: 20, ratings: 500, ratingSum: 500 * rating));
            var r = RankingCalculator.Compute("1405-07", stats, null, policy);

            var target = r.Scopes.Single().Indicators.Single(i => i.Indicator == Indicator.Satisfaction).ShrinkageTarget!.Value;
            if (Math.Abs(target - rating) < 0.01) continue;
            double Pull(string code) => Math.Abs(r.Rows.Single(x => x.OfficeCode == code).Indicators
                .Single(i => i.Indicator == Indicator.Satisfaction).Shrunk!.Value - rating);
            Assert.True(Pull("P0-few") > Pull("P0-many"), $"case {c}");
            Assert.True(Pull("P0-few") > 0.5 * Math.Abs(target - rating), $"case {c}: one rating should move most of the way");
        }
    }

    [Fact]
    public void TiesBreakByCodeWhateverTheInputOrder()
    {
        var policy = PropertyPolicy(Normalisation.MinMax);
        for (var c = 0; c < Cases; c++)
        {
            var rng = new Random(6000 + c);
            var stats = Generate(rng, minOffices: 3, maxOffices: 12);
            // Clones differ only by code, so they tie on score, SLA and volume.
            var clones = stats.Where(s => s.RequestsCompleted >= policy.MinimumVolume).Take(3)
                .SelectMany(s => new[] { "z", "a", "m" }.Select(suffix => s with { OfficeCode = s.OfficeCode + suffix }))
                .ToList();
            var all = stats.Concat(clones).ToList();
            var expected = Json(RankingCalculator.Compute("1405-07", all, null, policy));
            var r = RankingCalculator.Compute("1405-07", Shuffled(all, rng), null, policy);

            Assert.Equal(expected, Json(r));
            foreach (var group in clones.GroupBy(s => s.OfficeCode[..^1]))
            {
                var rows = group.Select(s => r.Rows.Single(x => x.OfficeCode == s.OfficeCode)).OrderBy(x => x.ProvinceRank).ToList();
                Assert.Equal(group.Select(s => s.OfficeCode).Order(StringComparer.Ordinal), rows.Select(x => x.OfficeCode));
                Assert.Equal(rows[0].ProvinceRank + 2, rows[2].ProvinceRank); // consecutive: nobody else scores the same and sits between
            }
        }
    }
}
