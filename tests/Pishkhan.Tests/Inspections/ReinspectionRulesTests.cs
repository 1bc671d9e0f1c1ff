using Pishkhan.Inspections;

namespace Pishkhan.Tests.Inspections;

public class ReinspectionRulesTests
{
    private static readonly string[] Ids = Enumerable.Range(1, 25).Select(i => $"lr-o{i}.{i:D12}0000abcd").ToArray();

    [Fact]
    public void DrawIsReproducibleAndIndependentOfTheOrderOfTheIds()
    {
        var first = ReinspectionRules.Draw("seed", "1405-02", "lr-c1", Ids, 0.2);
        var again = ReinspectionRules.Draw("seed", "1405-02", "lr-c1", Ids.Reverse(), 0.2);
        Assert.Equal(first, again);
        Assert.Equal(5, first.Count);
        Assert.All(first, id => Assert.Contains(id, Ids));
    }

    [Theory]
    [InlineData(25, 0.1, 3)]
    [InlineData(3, 0.1, 1)]
    [InlineData(10, 0.1, 1)]
    [InlineData(20, 0.1, 2)]
    [InlineData(25, 0, 0)]
    [InlineData(25, 1, 25)]
    [InlineData(0, 0.5, 0)]
    public void DrawTakesTheShareRoundedUp(int inspections, double share, int drawn) =>
        Assert.Equal(drawn, ReinspectionRules.Draw("seed", "1405-02", "lr-c1", Ids.Take(inspections), share).Count);

    [Fact]
    public void SeedMonthAndCountyEachChangeTheDraw()
    {
        var baseline = ReinspectionRules.Draw("seed", "1405-02", "lr-c1", Ids, 0.2);
        Assert.NotEqual(baseline, ReinspectionRules.Draw("other-seed", "1405-02", "lr-c1", Ids, 0.2));
        Assert.NotEqual(baseline, ReinspectionRules.Draw("seed", "1405-03", "lr-c1", Ids, 0.2));
        Assert.NotEqual(baseline, ReinspectionRules.Draw("seed", "1405-02", "lr-c2", Ids, 0.2));
    }

    [Fact]
    public void AgreementIsTheMeanAbsoluteDifferenceAndTheShareWithinTenPoints()
    {
        var figures = ReinspectionRules.Agreement([(80, 75), (60, 75), (90, 90), (50, 62)]);
        Assert.Equal(4, figures.Pairs);
        Assert.Equal(8, figures.MeanAbsoluteDifference); // (5 + 15 + 0 + 12) / 4
        Assert.Equal(0.5, figures.ShareWithinTenPoints);  // 5 and 0 are within 10; 15 and 12 are not
    }

    [Fact]
    public void AgreementWithoutPairsIsUnknown()
    {
        var figures = ReinspectionRules.Agreement([]);
        Assert.Equal(0, figures.Pairs);
        Assert.Null(figures.MeanAbsoluteDifference);
        Assert.Null(figures.ShareWithinTenPoints);
    }
}
