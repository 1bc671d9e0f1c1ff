using System.Text.Json;
using Pishkhan.RankingPolicy;

namespace Pishkhan.Tests.RankingPolicy;

using RankingPolicy = Pishkhan.RankingPolicy.RankingPolicy;

public class RankingPolicyTests
{
    private static readonly RankingPolicy Valid = RankingPolicy.Default("لرستان");

    private static RankingPolicy WithIndicators(params IndicatorPolicy[] indicators) => Valid with { Indicators = indicators };
    private static RankingPolicy WithTiers(params TierCutoff[] tiers) => Valid with { Tiers = tiers };

    [Fact]
    public void DefaultPolicyIsValidAndItsWeightsSumToOne()
    {
        Assert.Empty(Valid.Validate());
        Assert.Equal(1.0, Valid.Indicators.Sum(i => i.Weight), 9);
        Assert.Equal(Enum.GetValues<Indicator>().Length, Valid.Indicators.Select(i => i.Indicator).Distinct().Count());
    }

    [Fact]
    public void RejectsWeightsThatDoNotSumToOne()
    {
        var errors = WithIndicators(new(Indicator.SlaCompliance, 0.5, 10), new(Indicator.Satisfaction, 0.4, 10)).Validate();
        Assert.Equal(["indicators"], errors.Keys);
        Assert.Contains("sum to 0.9", errors["indicators"][0]);
    }

    [Fact]
    public void AcceptsWeightsWithinTheRoundingTolerance()
    {
        var third = 1.0 / 3;
        Assert.Empty(WithIndicators(new(Indicator.SlaCompliance, third, 1), new(Indicator.Satisfaction, third, 1),
            new(Indicator.Training, third + 5e-7, 1)).Validate());
    }

    [Fact]
    public void RejectsAWeightOutsideZeroToOneWithoutAlsoComplainingAboutTheSum()
    {
        var errors = WithIndicators(new(Indicator.SlaCompliance, 1.5, 10), new(Indicator.Satisfaction, -0.5, 10)).Validate();
        Assert.Equal(["indicators[0].weight", "indicators[1].weight"], errors.Keys.Order());
    }

    [Fact]
    public void RejectsADuplicateIndicatorAtTheSecondOccurrence()
    {
        var errors = WithIndicators(new(Indicator.SlaCompliance, 0.5, 10), new(Indicator.SlaCompliance, 0.5, 10)).Validate();
        Assert.Equal(["indicators[1].indicator"], errors.Keys);
        Assert.Contains("indicators[0]", errors["indicators[1].indicator"][0]);
    }

    [Fact]
    public void RejectsNegativeShrinkageStrength()
    {
        var errors = WithIndicators(new(Indicator.SlaCompliance, 0.5, -1), new(Indicator.Satisfaction, 0.5, 0)).Validate();
        Assert.Equal(["indicators[0].shrinkageStrength"], errors.Keys);
    }

    [Fact]
    public void RejectsNaNWeightsAndStrengths()
    {
        var errors = WithIndicators(new IndicatorPolicy(Indicator.SlaCompliance, double.NaN, double.NaN)).Validate();
        Assert.Equal(["indicators[0].shrinkageStrength", "indicators[0].weight"], errors.Keys.Order());
    }

    [Fact]
    public void RejectsAnEmptyIndicatorListAndAnUnknownIndicator()
    {
        Assert.Equal(["indicators"], WithIndicators().Validate().Keys);
        Assert.Equal(["indicators[0].indicator"], WithIndicators(new IndicatorPolicy((Indicator)42, 1, 1)).Validate().Keys);
    }

    [Fact]
    public void RejectsTiersThatDoNotDescend()
    {
        var errors = WithTiers(new(Tier.Alef, 60), new(Tier.Be, 75), new(Tier.Jim, 40), new(Tier.Dal, 0)).Validate();
        Assert.Equal(["tiers[1].minimumScore"], errors.Keys);
    }

    [Fact]
    public void RejectsTiersOutOfOrderOrRepeated()
    {
        Assert.Equal(["tiers[1].tier"], WithTiers(new(Tier.Be, 75), new(Tier.Alef, 60), new(Tier.Dal, 0)).Validate().Keys);
        Assert.Equal(["tiers[1].tier"], WithTiers(new(Tier.Alef, 75), new(Tier.Alef, 60), new(Tier.Dal, 0)).Validate().Keys);
    }

    [Fact]
    public void RejectsTierScoresOutsideZeroToHundredAndALowestTierAboveZero()
    {
        Assert.Equal(["tiers[0].minimumScore"], WithTiers(new(Tier.Alef, 120), new(Tier.Dal, 0)).Validate().Keys);
        Assert.Equal(["tiers[1].minimumScore"], WithTiers(new(Tier.Alef, 75), new(Tier.Dal, 10)).Validate().Keys);
        Assert.Equal(["tiers"], WithTiers().Validate().Keys);
    }

    [Fact]
    public void AcceptsFewerThanFourTiersWhenTheyDescendToZero()
    {
        Assert.Empty(WithTiers(new(Tier.Alef, 50), new(Tier.Dal, 0)).Validate());
    }

    [Fact]
    public void RejectsOutOfRangeScalars()
    {
        var errors = (Valid with
        {
            Province = " ",
            Version = 0,
            MinimumVolume = 100_001,
            Normalisation = (Normalisation)9,
            Resamples = 5,
            IntervalCoverage = 1,
        }).Validate();
        Assert.Equal(["intervalCoverage", "minimumVolume", "normalisation", "province", "resamples", "version"], errors.Keys.Order());
        Assert.Equal(["minimumVolume"], (Valid with { MinimumVolume = -1 }).Validate().Keys);
        Assert.Empty((Valid with { MinimumVolume = 0 }).Validate());
        Assert.Empty((Valid with { MinimumVolume = 100_000 }).Validate());
    }

    [Fact]
    public void SerialisesEnumsAsCamelCaseStringsAndPublishesDirectionsAndTieBreak()
    {
        var json = JsonSerializer.Serialize(Valid with { Normalisation = Normalisation.ZScore }, JsonSerializerOptions.Web);
        Assert.Contains("\"normalisation\":\"zScore\"", json);
        Assert.Contains("\"indicator\":\"upheldComplaintsPer1000\"", json);
        Assert.Contains("\"direction\":\"lowerIsBetter\"", json);
        Assert.Contains("\"tier\":\"alef\"", json);
        Assert.Contains("\"tieBreak\":[\"score desc\"", json);
    }

    [Fact]
    public void RoundTripsThroughJson()
    {
        var json = JsonSerializer.Serialize(Valid, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<RankingPolicy>(json, JsonSerializerOptions.Web)!;
        Assert.Equal(json, JsonSerializer.Serialize(back, JsonSerializerOptions.Web));
        Assert.Empty(back.Validate());
    }

    [Fact]
    public void ReadsAHandWrittenPolicyWithDefaultsForTheBootstrapSettings()
    {
        const string json = """
            {"province":"Lorestan","version":3,"minimumVolume":25,"normalisation":"zScore",
             "indicators":[{"indicator":"slaCompliance","weight":0.6,"shrinkageStrength":20},
                           {"indicator":"satisfaction","weight":0.4,"shrinkageStrength":10}],
             "tiers":[{"tier":"alef","minimumScore":70},{"tier":"dal","minimumScore":0}]}
            """;
        var policy = JsonSerializer.Deserialize<RankingPolicy>(json, JsonSerializerOptions.Web)!;
        Assert.Empty(policy.Validate());
        Assert.Equal(Normalisation.ZScore, policy.Normalisation);
        Assert.Equal(200, policy.Resamples);
        Assert.Equal(0.90, policy.IntervalCoverage);
    }

    [Fact]
    public void RejectsNumericEnumValuesInJson()
    {
        const string json = """{"province":"L","version":1,"minimumVolume":1,"normalisation":1,"indicators":[],"tiers":[]}""";
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RankingPolicy>(json, JsonSerializerOptions.Web));
    }

    [Fact]
    public void FixesEachIndicatorsDirectionInCode()
    {
        Assert.Equal(Direction.LowerIsBetter, Indicator.UpheldComplaintsPer1000.Direction());
        Assert.All(Enum.GetValues<Indicator>().Where(i => i != Indicator.UpheldComplaintsPer1000),
            i => Assert.Equal(Direction.HigherIsBetter, i.Direction()));
        Assert.Equal(["الف", "ب", "ج", "د"], Enum.GetValues<Tier>().Select(t => t.Persian()));
    }
}
