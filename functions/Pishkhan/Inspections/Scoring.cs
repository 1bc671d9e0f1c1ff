using Pishkhan.Calendar;
using Pishkhan.Sanctions;

namespace Pishkhan.Inspections;

public sealed record ScoreResult(double Score, double RawScore, bool Capped, int Violations, int MajorViolations);

/// <summary>What the look-back needs of an earlier inspection of the same office.</summary>
public sealed record EarlierInspection(DateTimeOffset VisitedAt, IReadOnlySet<string> FailedCodes, int Violations, int MajorViolations);

public sealed record Evaluation(InspectionOutcome Outcome, SanctionProposal? Proposal);

/// <summary>The scoring rules, pure: the same inputs always give the same outcome.</summary>
public static class InspectionScoring
{
    /// <summary>
    /// Weighted share of applicable items passed, 0–100, one decimal. N/A items leave the denominator.
    /// A failed critical item caps the score at <paramref name="criticalCap"/> and is a major violation.
    /// </summary>
    public static ScoreResult Score(ChecklistTemplate template, IEnumerable<ItemCheck> items, double criticalCap)
    {
        double applicable = 0, passed = 0;
        int violations = 0, major = 0;
        foreach (var check in items)
        {
            var item = template.ByCode[check.Code];
            if (check.Result == ItemResult.Na) continue;
            applicable += item.Weight;
            if (check.Result == ItemResult.Pass) passed += item.Weight;
            else
            {
                violations++;
                if (item.Critical) major++;
            }
        }
        var raw = applicable == 0 ? 0 : Math.Round(100 * passed / applicable, 1, MidpointRounding.AwayFromZero);
        var capped = major > 0 && raw > criticalCap;
        return new ScoreResult(capped ? criticalCap : raw, raw, capped, violations, major);
    }

    /// <summary>
    /// The whole outcome of an inspection: score, violations with their recurrence (occurrence 1 = first
    /// failure of that item within the recurrence window), corrective actions due in working days from the
    /// visit, the follow-up visit (the working day after the last action is due) and the sanction the ladder
    /// proposes from this inspection's severity and the office's earlier violation points.
    /// </summary>
    public static Evaluation Evaluate(ChecklistTemplate template, IReadOnlyList<ItemCheck> items, DateTimeOffset visitedAt,
        IReadOnlyList<EarlierInspection> earlier, InspectionPolicy policy, SanctionPolicy sanctions, WorkingCalendar calendar)
    {
        var score = Score(template, items, policy.CriticalFailureScoreCap);
        var recurrenceFrom = visitedAt.AddMonths(-policy.RecurrenceMonths);
        var lookbackFrom = visitedAt.AddMonths(-sanctions.LookbackMonths);
        var recent = earlier.Where(e => e.VisitedAt < visitedAt && e.VisitedAt >= recurrenceFrom).ToList();
        var visitDate = Tehran.DateOf(visitedAt);

        var violations = new List<Violation>();
        var actions = new List<CorrectiveAction>();
        foreach (var check in items.Where(i => i.Result == ItemResult.Fail))
        {
            var item = template.ByCode[check.Code];
            var occurrence = 1 + recent.Count(e => e.FailedCodes.Contains(item.Code));
            violations.Add(new Violation(item.Code, item.Text, item.Category, item.Critical, occurrence));
            var due = calendar.AddWorkingDays(visitDate, item.Critical ? policy.CriticalFixWorkingDays : policy.FixWorkingDays);
            actions.Add(new CorrectiveAction(item.Code, item.Text, due, JalaliDate.FormatAscii(due)));
        }
        DateOnly? followUp = actions.Count == 0 ? null : calendar.AddWorkingDays(actions.Max(a => a.DueDate), 1);

        var priorPoints = earlier
            .Where(e => e.VisitedAt < visitedAt && e.VisitedAt >= lookbackFrom)
            .Sum(e => SanctionLadder.PointsOf(sanctions, SanctionLadder.SeverityOf(e.Violations, e.MajorViolations)));
        var proposal = SanctionLadder.Propose(sanctions, SanctionLadder.SeverityOf(score.Violations, score.MajorViolations), priorPoints);

        var outcome = new InspectionOutcome(score.Score, score.RawScore, score.Capped, score.MajorViolations > 0, violations, actions, priorPoints,
            followUp, SanctionId: null, SanctionStep: proposal?.Step);
        return new Evaluation(outcome, proposal);
    }
}
