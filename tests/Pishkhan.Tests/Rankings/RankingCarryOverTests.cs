using Pishkhan.Rankings;

namespace Pishkhan.Tests.Rankings;

/// <summary>
/// The run row's carry-over: what the next period's ranking reads instead of the previous period's rows.
/// Parsing is culture-invariant (the suite also runs under fa-IR, where "٫" is the decimal separator).
/// </summary>
public sealed class RankingCarryOverTests
{
    private static RankingRow Row(string code, RankingStatus status, int? rank, params double[] scores) =>
        new(code, "دفتر", "lorestan", "c1", status, 10, scores.Length == 0 ? null : scores[^1], null, rank, null, null, null, null, null, null, [], scores);

    [Fact]
    public void RanksOfRankedRowsAndEveryRowsScoresComeBackAsWritten()
    {
        RankingRow[] rows =
        [
            Row("lr-01", RankingStatus.Ranked, 1, 71.25, 80.5, 99.99),
            Row("lr-02", RankingStatus.Ranked, 2, 0.01),
            Row("lr-03", RankingStatus.InsufficientData, null, 55.5, 60),
            Row("lr-04", RankingStatus.InsufficientData, null),
        ];

        var read = RankingCarryOver.Read(RankingCarryOver.Write(rows));

        Assert.Equal(["lr-01", "lr-02", "lr-03", "lr-04"], read.Select(r => r.OfficeCode));
        Assert.Equal([true, true, false, false], read.Select(r => r.Ranked));
        Assert.Equal([1, 2, (int?)null, null], read.Select(r => r.ProvinceRank));
        Assert.Equal([71.25, 80.5, 99.99], read[0].RecentScores);
        Assert.Equal([55.5, 60.0], read[2].RecentScores);
        Assert.Empty(read[3].RecentScores);
    }

    [Fact]
    public void AProvinceOfThreeThousandOfficesIsSpreadOverTheColumnsAndReadBackWhole()
    {
        var rows = Enumerable.Range(1, 3000).Select(i => Row($"office-{i:00000}", RankingStatus.Ranked, i, 12.34, 56.78, 90.12, 34.56, 78.9, 100)).ToList();
        var text = RankingCarryOver.Write(rows);
        Assert.True(text.Length > 2 * RankingCarryOver.PieceLength, $"{text.Length} characters should need several columns");

        var run = new RankingRunEntity();
        Assert.True(RankingCarryOver.TryStore(run, text));
        Assert.All(new[] { run.CarryOver0, run.CarryOver1, run.CarryOver2 }, piece => Assert.InRange(piece!.Length, 1, RankingCarryOver.PieceLength));

        var read = RankingCarryOver.Load(run)!;
        Assert.Equal(3000, read.Count);
        Assert.Equal(3000, read[^1].ProvinceRank);
        Assert.Equal([12.34, 56.78, 90.12, 34.56, 78.9, 100.0], read[1234].RecentScores);
    }

    [Fact]
    public void TooManyRowsForTheColumnsLeaveThemEmptySoTheNextPeriodReadsTheRows()
    {
        var rows = Enumerable.Range(1, 5000).Select(i => Row($"a-rather-long-office-code-{i:00000}", RankingStatus.Ranked, i, 12.34, 56.78, 90.12, 34.56, 78.9, 100));
        var run = new RankingRunEntity();

        Assert.False(RankingCarryOver.TryStore(run, RankingCarryOver.Write(rows)));
        Assert.Null(RankingCarryOver.Load(run));
    }

    [Fact]
    public void ARunWithNoRowsCarriesAnEmptyListNotNothing()
    {
        var run = new RankingRunEntity();
        Assert.True(RankingCarryOver.TryStore(run, RankingCarryOver.Write([])));
        Assert.Empty(RankingCarryOver.Load(run)!);
    }
}
