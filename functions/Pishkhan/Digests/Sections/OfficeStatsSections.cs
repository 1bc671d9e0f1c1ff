using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Notifications.Templates;
using Pishkhan.Offices;
using Pishkhan.Stats;

namespace Pishkhan.Digests.Sections;

/// <summary>The period's OfficeStats rows in a digest's scope, with office names (two partition reads).</summary>
public sealed class ScopedOfficeStats(OfficeStatsStore stats, OfficeStore offices)
{
    public async Task<(List<OfficeStatsEntity> Rows, Func<string, string> Name)> ReadAsync(DigestScope scope, JalaliPeriod period,
        CancellationToken cancellationToken)
    {
        var rows = (await stats.ListAsync(period.ToString(), scope.Province, cancellationToken))
            .Where(r => scope.Covers(r.Province, r.CountyCode)).ToList();
        if (rows.Count == 0) return (rows, code => code);
        var names = (await offices.ListAsync(scope.Province, scope.CountyCode, cancellationToken)).ToDictionary(o => o.OfficeCode, o => o.Name);
        return (rows, code => names.TryGetValue(code, out var n) && n.Length > 0 ? n : code);
    }
}

/// <summary>SLA breaches by office, from OfficeStats (requests completed within and past their SLA).</summary>
public sealed class SlaBreachesSection(ScopedOfficeStats reader) : IDigestSection
{
    /// <summary>An office at or below this on-time share, with enough volume, goes on the agenda.</summary>
    public const double AgendaOnTimeShare = 0.8;
    public const int AgendaMinCompleted = 10;

    public string Title => "نقض مهلت خدمات (SLA) به تفکیک دفتر";
    public int Order => 300;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var (rows, name) = await reader.ReadAsync(scope, period, cancellationToken);
        var completed = rows.Sum(r => r.RequestsCompleted);
        var breached = rows.Sum(r => r.SlaBreached);
        if (completed == 0 && breached == 0) return null;

        static double OnTime(OfficeStatsEntity r) => r.RequestsCompleted == 0 ? 1 : (double)r.CompletedWithinSla / r.RequestsCompleted;
        var offenders = rows.Where(r => r.SlaBreached > 0).OrderByDescending(r => r.SlaBreached).ThenBy(OnTime).ThenBy(r => r.OfficeCode, StringComparer.Ordinal).ToList();
        var summary = breached == 0
            ? $"در {period.PersianName} همه‌ی {Fa.Number(completed)} درخواست انجام‌شده در مهلت بوده‌اند."
            : $"در {period.PersianName} {Fa.Number(offenders.Count)} دفتر در مجموع {Fa.Number(breached)} بار مهلت را رعایت نکرده‌اند؛ " +
              $"سهم انجام به‌موقع در کل {Fa.Percent(completed == 0 ? 0 : (double)rows.Sum(r => r.CompletedWithinSla) / completed)} است.";
        var late = offenders.Where(r => r.RequestsCompleted >= AgendaMinCompleted && OnTime(r) < AgendaOnTimeShare).ToList();
        return DigestBlock.Table(summary, ["دفتر", "انجام‌شده", "نقض مهلت", "به‌موقع"],
            offenders.Select(r => (IReadOnlyList<string>)[name(r.OfficeCode), Fa.Number(r.RequestsCompleted), Fa.Number(r.SlaBreached), Fa.Percent(OnTime(r))])) with
        {
            Agenda = late.Count == 0 ? [] :
            [
                "بررسی تأخیر دفاتری که کمتر از " + Fa.Percent(AgendaOnTimeShare) + " درخواست‌ها را به‌موقع انجام داده‌اند: " +
                string.Join("، ", late.Take(5).Select(r => $"{name(r.OfficeCode)} ({Fa.Percent(OnTime(r))})")) +
                (late.Count > 5 ? $" و {Fa.Number(late.Count - 5)} دفتر دیگر" : ""),
            ],
        };
    }
}

/// <summary>Complaints received, decided and upheld per office this month, from OfficeStats.</summary>
public sealed class ComplaintStatsSection(ScopedOfficeStats reader) : IDigestSection
{
    public const int AgendaMinUpheld = 3;

    public string Title => "شکایات ماه به تفکیک دفتر";
    public int Order => 200;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var (rows, name) = await reader.ReadAsync(scope, period, cancellationToken);
        var withComplaints = rows.Where(r => r.ComplaintsReceived > 0 || r.ComplaintsDecided > 0)
            .OrderByDescending(r => r.ComplaintsUpheld).ThenByDescending(r => r.ComplaintsReceived).ThenBy(r => r.OfficeCode, StringComparer.Ordinal).ToList();
        if (withComplaints.Count == 0) return null;
        var summary = $"در {period.PersianName} {Fa.Number(rows.Sum(r => r.ComplaintsReceived))} شکایت رسید، به {Fa.Number(rows.Sum(r => r.ComplaintsDecided))} شکایت رسیدگی شد " +
                      $"و {Fa.Number(rows.Sum(r => r.ComplaintsUpheld))} شکایت وارد دانسته شد.";
        var repeat = withComplaints.Where(r => r.ComplaintsUpheld >= AgendaMinUpheld).ToList();
        return DigestBlock.Table(summary, ["دفتر", "رسیده", "رسیدگی‌شده", "وارد"],
            withComplaints.Select(r => (IReadOnlyList<string>)[name(r.OfficeCode), Fa.Number(r.ComplaintsReceived), Fa.Number(r.ComplaintsDecided), Fa.Number(r.ComplaintsUpheld)])) with
        {
            Agenda = repeat.Select(r => $"تصمیم درباره‌ی «{name(r.OfficeCode)}» با {Fa.Number(r.ComplaintsUpheld)} شکایت واردشده در {period.PersianName}").ToList(),
        };
    }
}

/// <summary>Inspections this month from OfficeStats: per county for a province, per office for a county.</summary>
public sealed class InspectionStatsSection(ScopedOfficeStats reader, CountyStore counties) : IDigestSection
{
    public string Title => "بازرسی‌های ماه";
    public int Order => 400;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var (rows, name) = await reader.ReadAsync(scope, period, cancellationToken);
        var inspected = rows.Where(r => r.InspectionCount > 0).ToList();
        if (inspected.Count == 0) return null;
        var total = inspected.Sum(r => r.InspectionCount);
        var major = inspected.Sum(r => r.MajorViolations);
        var summary = $"در {period.PersianName} {Fa.Number(total)} بازرسی از {Fa.Number(inspected.Count)} دفتر انجام شد؛ " +
                      $"{Fa.Number(inspected.Sum(r => r.Violations))} تخلف ثبت شد که {Fa.Number(major)} مورد آن عمده بود.";
        static string Avg(IEnumerable<OfficeStatsEntity> g) =>
            g.Sum(r => r.InspectionCount) is var n and > 0 ? Fa.Number(g.Sum(r => r.InspectionScoreSum) / n) : "—";

        IEnumerable<IReadOnlyList<string>> table;
        string first;
        if (scope.IsProvince)
        {
            var countyNames = (await counties.ListAsync(scope.Province, cancellationToken)).ToDictionary(c => c.CountyCode, c => c.Name);
            first = "شهرستان";
            table = inspected.GroupBy(r => r.CountyCode).OrderByDescending(g => g.Sum(r => r.MajorViolations)).ThenByDescending(g => g.Sum(r => r.InspectionCount))
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (IReadOnlyList<string>)[countyNames.GetValueOrDefault(g.Key, g.Key), Fa.Number(g.Sum(r => r.InspectionCount)), Avg(g),
                    Fa.Number(g.Sum(r => r.Violations)), Fa.Number(g.Sum(r => r.MajorViolations))]);
        }
        else
        {
            first = "دفتر";
            table = inspected.OrderByDescending(r => r.MajorViolations).ThenByDescending(r => r.Violations).ThenBy(r => r.OfficeCode, StringComparer.Ordinal)
                .Select(r => (IReadOnlyList<string>)[name(r.OfficeCode), Fa.Number(r.InspectionCount), Avg([r]), Fa.Number(r.Violations), Fa.Number(r.MajorViolations)]);
        }
        return DigestBlock.Table(summary, [first, "بازرسی", "میانگین امتیاز", "تخلف", "عمده"], table) with
        {
            Agenda = major == 0 ? [] : [$"رسیدگی به {Fa.Number(major)} تخلف عمده‌ی بازرسی‌های {period.PersianName}"],
        };
    }
}
