using Pishkhan.Calendar;
using Pishkhan.Complaints;
using Pishkhan.Notifications.Templates;
using Pishkhan.Offices;

namespace Pishkhan.Digests.Sections;

/// <summary>
/// Open complaints past their due date (Complaints), counted per office and stage. Tracking codes are
/// not listed: members read digests, and the complaint list is for admins and inspectors. Overdue
/// second-stage complaints are the working group's own backlog, so they go on the agenda.
/// </summary>
public sealed class OverdueComplaintsSection(ComplaintStore complaints, OfficeStore offices) : IDigestSection
{
    public string Title => "شکایات عقب‌افتاده به تفکیک مرحله";
    public int Order => 150;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var overdue = await complaints.ListOverdueAsync(scope.Province, scope.CountyCode, cancellationToken);
        if (overdue.Count == 0) return null;
        var names = (await offices.ListAsync(scope.Province, scope.CountyCode, cancellationToken)).ToDictionary(o => o.OfficeCode, o => o.Name);
        var stage1 = overdue.Count(o => o.Stage == 1);
        var stage2 = overdue.Count(o => o.Stage == 2);
        var rows = overdue.GroupBy(o => o.OfficeCode)
            .Select(g => (Office: g.Key, S1: g.Count(o => o.Stage == 1), S2: g.Count(o => o.Stage == 2), Worst: g.Max(o => o.WorkingDaysOverdue)))
            .OrderByDescending(r => r.S2).ThenByDescending(r => r.Worst).ThenBy(r => r.Office, StringComparer.Ordinal)
            .Select(r => (IReadOnlyList<string>)[names.GetValueOrDefault(r.Office, r.Office), Fa.Number(r.S1), Fa.Number(r.S2), Fa.Number(r.Worst)]);
        return DigestBlock.Table(
            $"{Fa.Number(overdue.Count)} شکایت باز از مهلت رسیدگی گذشته است: {Fa.Number(stage1)} در مرحله‌ی نخست و {Fa.Number(stage2)} در مرحله‌ی دوم.",
            ["دفتر", "مرحله ۱", "مرحله ۲", "بیشترین تأخیر (روز کاری)"], rows) with
        {
            Agenda = stage2 == 0 ? [] : [$"رسیدگی به {Fa.Number(stage2)} شکایت مرحله‌ی دوم که از مهلت گذشته‌اند"],
        };
    }
}
