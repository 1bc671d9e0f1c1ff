using Pishkhan.Problems;
using Pishkhan.Sanctions;

namespace Pishkhan.Tests.Sanctions;

public class SanctionLadderTests
{
    private static readonly SanctionPolicy Policy = SanctionPolicy.Default;

    [Theory]
    // severity, earlier points (thresholds 1, 3, 5, 7), expected step
    [InlineData(ViolationSeverity.Minor, 0, SanctionStep.Notice)]
    [InlineData(ViolationSeverity.Minor, 1, SanctionStep.WrittenWarning)]
    [InlineData(ViolationSeverity.Minor, 2, SanctionStep.WrittenWarning)]
    [InlineData(ViolationSeverity.Minor, 3, SanctionStep.Fine)]
    [InlineData(ViolationSeverity.Minor, 9, SanctionStep.Fine)] // minor violations alone stop at a fine
    [InlineData(ViolationSeverity.Major, 0, SanctionStep.WrittenWarning)]
    [InlineData(ViolationSeverity.Major, 2, SanctionStep.Fine)]
    [InlineData(ViolationSeverity.Major, 4, SanctionStep.TemporarySuspension)]
    [InlineData(ViolationSeverity.Major, 5, SanctionStep.LicenceRevocationReferral)]
    [InlineData(ViolationSeverity.Major, 40, SanctionStep.LicenceRevocationReferral)]
    public void StepDependsOnSeverityAndEarlierViolations(ViolationSeverity severity, int priorPoints, SanctionStep expected) =>
        Assert.Equal(expected, SanctionLadder.Propose(Policy, severity, priorPoints)!.Step);

    [Fact]
    public void NoViolationNoProposal() => Assert.Null(SanctionLadder.Propose(Policy, ViolationSeverity.None, 12));

    [Fact]
    public void EarlierMajorViolationsWeighMore()
    {
        Assert.Equal(2, SanctionLadder.PointsOf(Policy, SanctionLadder.SeverityOf(violations: 3, majorViolations: 1)));
        Assert.Equal(1, SanctionLadder.PointsOf(Policy, SanctionLadder.SeverityOf(violations: 3, majorViolations: 0)));
        Assert.Equal(0, SanctionLadder.PointsOf(Policy, SanctionLadder.SeverityOf(violations: 0, majorViolations: 0)));
    }

    [Fact]
    public void AProvinceCanMakeTheLadderStricter()
    {
        var strict = Policy with { EscalationThresholds = [1, 2], MinorCeilingStep = SanctionStep.TemporarySuspension };
        Assert.Equal(SanctionStep.Fine, SanctionLadder.Propose(strict, ViolationSeverity.Minor, 2)!.Step);
        Assert.Equal(SanctionStep.TemporarySuspension, SanctionLadder.Propose(strict, ViolationSeverity.Major, 2)!.Step);
    }

    [Fact]
    public void DefaultPolicyIsValid()
    {
        var errors = new FieldErrors();
        Policy.Validate(errors);
        Assert.False(errors.Any);
        Assert.Equal([1, 3, 5, 7], Policy.EscalationThresholds);
    }

    [Fact]
    public void PolicyValidationNamesEachBadField()
    {
        var errors = new FieldErrors();
        (Policy with
        {
            EscalationThresholds = [3, 2], ObjectionWindowWorkingDays = -1, SuspensionDays = 0, MajorBaseStep = SanctionStep.Notice,
            MinorBaseStep = SanctionStep.Fine, MinorCeilingStep = SanctionStep.Fine,
        }).Validate(errors);
        Assert.Equal(new HashSet<string> { "escalationThresholds[1]", "objectionWindowWorkingDays", "suspensionDays", "majorBaseStep" },
            errors.ToDictionary().Keys.ToHashSet());
    }
}
