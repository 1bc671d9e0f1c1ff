using Pishkhan.Problems;

namespace Pishkhan.Calendar;

/// <summary>
/// The periods an admin may recompute or draw: from the month the service started (Pishkhan__ServiceStartPeriod)
/// up to the current month. Earlier or later ones are a 400 field error; the current month itself is left to the
/// caller's "not closed yet" (409), since it becomes valid when it ends.
/// </summary>
public static class ServicePeriods
{
    public static void CheckInService(JalaliPeriod period, JalaliPeriod start, DateTimeOffset now, string field = "period")
    {
        var current = JalaliPeriod.Containing(now);
        if (period >= start && period <= current) return;
        var last = current.Previous();
        throw Problem.Field(field,
            $"دوره باید از {start} (آغاز کار سامانه) تا آخرین ماه بسته‌شده ({last}) باشد. " +
            $"The period must be from {start} (when the service started) to the last closed month ({last}).");
    }
}
