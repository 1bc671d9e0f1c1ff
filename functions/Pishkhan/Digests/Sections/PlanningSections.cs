using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Meetings;
using Pishkhan.Notifications.Templates;
using Pishkhan.Rankings;
using Pishkhan.Targets;
using Pishkhan.Text;

namespace Pishkhan.Digests.Sections;

/// <summary>
/// Open decisions of earlier meetings (Meetings), earliest due first; the overdue ones go on the agenda.
/// A county digest shows the decisions taken for that county.
/// </summary>
public sealed class MeetingDecisionsSection(MeetingStore meetings) : IDigestSection
{
    public const int AgendaMax = 5;

    public string Title => "تصمیم‌های باز جلسات";
    public int Order => 100;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var open = (await meetings.OpenDecisionsAsync(scope.Province, cancellationToken))
            .Where(d => scope.IsProvince || d.Scope == scope.CountyCode).ToList();
        if (open.Count == 0) return null;
        var overdue = open.Where(d => d.Overdue).ToList();
        var summary = $"{Fa.Number(open.Count)} تصمیم جلسات هنوز باز است" + (overdue.Count > 0 ? $"؛ مهلت {Fa.Number(overdue.Count)} مورد گذشته است." : ".");
        var agenda = overdue.Take(AgendaMax)
            .Select(d => $"پیگیری تصمیم عقب‌افتاده: «{d.Title(70)}» (مسئول {d.OwnerMemberId}، {Fa.Number(d.DaysOverdue)} روز از مهلت گذشته)").ToList();
        if (overdue.Count > AgendaMax) agenda.Add($"و {Fa.Number(overdue.Count - AgendaMax)} تصمیم عقب‌افتاده‌ی دیگر");
        return DigestBlock.Table(summary, ["تصمیم", "مسئول", "مهلت"],
            open.Select(d => (IReadOnlyList<string>)[d.Title(60), d.OwnerMemberId,
                JalaliText(d.DueDateJalali) + (d.Overdue ? $" ({Fa.Number(d.DaysOverdue)} روز گذشته)" : "")])) with { Agenda = agenda };
    }

    /// <summary>"1405-09-20" → "۱۴۰۵/۰۹/۲۰".</summary>
    internal static string JalaliText(string ascii) => PersianText.ToPersianDigits(ascii.Replace('-', '/'));
}

/// <summary>Planned indicators behind plan this month (Targets); province digests list the province's and every county's.</summary>
public sealed class TargetsBehindPlanSection(TargetReports reports, CountyStore counties) : IDigestSection
{
    public string Title => "اهداف عقب از برنامه";
    public int Order => 600;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var behind = (await reports.BehindPlanAsync(scope.Province, period, cancellationToken))
            .Where(t => scope.IsProvince || t.County == scope.CountyCode).ToList();
        if (behind.Count == 0) return null;
        var names = (await counties.ListAsync(scope.Province, cancellationToken)).ToDictionary(c => c.CountyCode, c => c.Name);
        string Where(TargetStatus t) => t.County is null ? "استان" : names.GetValueOrDefault(t.County, t.County);
        var summary = $"{Fa.Number(behind.Count)} هدف {period.PersianName} از برنامه عقب است.";
        return DigestBlock.Table(summary, ["محدوده", "شاخص", "برنامه", "عملکرد"],
            behind.Select(t => (IReadOnlyList<string>)[Where(t), TargetText.IndicatorName(t.Indicator), TargetText.Value(t.Indicator, t.ProRataPlanned ?? t.Planned), TargetText.Value(t.Indicator, t.Actual)])) with
        {
            Agenda = [$"بررسی {Fa.Number(behind.Count)} هدف عقب از برنامه در {period.PersianName}: " +
                      string.Join("، ", behind.Select(t => TargetText.IndicatorName(t.Indicator)).Distinct().Take(4))],
        };
    }
}

/// <summary>How often a re-inspection agreed with the inspection it repeated (the inspections capability's source).</summary>
public sealed class ReInspectionAgreementSection(IReInspectionAgreementSource source) : IDigestSection
{
    /// <summary>Below this share the disagreement between inspectors goes on the agenda.</summary>
    public const double AgendaBelow = 0.8;

    public string Title => "توافق بازرسی‌های مجدد";
    public int Order => 450;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        if (await source.GetAsync(scope.Province, scope.CountyCode, period, cancellationToken) is not { } share) return null;
        return DigestBlock.Text($"در {period.PersianName} {Fa.Percent(share)} بازرسی‌های مجدد با بازرسی نخست هم‌خوان بوده‌اند (اختلاف امتیاز کمتر از ۱۰).") with
        {
            Agenda = share < AgendaBelow ? [$"بررسی ناهمخوانی بازرسی‌های مجدد با بازرسی نخست (فقط {Fa.Percent(share)} هم‌خوان)"] : [],
        };
    }
}

/// <summary>
/// The biggest moves in the latest published ranking, shown in the digests of the week after it was
/// published (a ranking is monthly; repeating it every week would be noise).
/// </summary>
public sealed class RankingMoversSection(RankingStore rankings) : IDigestSection
{
    public const int PerDirection = 5;

    public string Title => "بیشترین جابه‌جایی در رتبه‌بندی";
    public int Order => 700;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var latest = await rankings.GetLatestAsync(scope.Province, cancellationToken);
        var published = latest?.PublishedAt ?? latest?.ComputedAt;
        if (latest is null || published is not { } at || at < scope.AsOf.AddDays(-7) || at > scope.AsOf) return null;
        var rows = (await rankings.ListRowsAsync(scope.Province, latest.Period, scope.CountyCode, cancellationToken)).Select(r => r.Row)
            .Where(r => r.Movement is not null and not 0).ToList();
        var name = JalaliPeriod.TryParse(latest.Period, out var p) ? p.PersianName : latest.Period;
        if (rows.Count == 0) return DigestBlock.Text($"رتبه‌بندی {name} منتشر شد؛ جابه‌جایی چشمگیری نبود.");
        var up = rows.Where(r => r.Movement > 0).OrderByDescending(r => r.Movement).ThenBy(r => r.ProvinceRank).Take(PerDirection);
        var down = rows.Where(r => r.Movement < 0).OrderBy(r => r.Movement).ThenBy(r => r.ProvinceRank).Take(PerDirection);
        return DigestBlock.Table($"رتبه‌بندی {name} منتشر شد؛ {Fa.Number(latest.Ranked)} دفتر رتبه گرفتند.", ["دفتر", "رتبه", "جابه‌جایی"],
            up.Concat(down).Select(r => (IReadOnlyList<string>)[r.OfficeName.Length > 0 ? r.OfficeName : r.OfficeCode,
                r.ProvinceRank is { } rank ? Fa.Number(rank) : "—",
                r.Movement > 0 ? $"{Fa.Number(r.Movement!.Value)} پله بالاتر" : $"{Fa.Number(-r.Movement!.Value)} پله پایین‌تر"]), maxRows: 2 * PerDirection);
    }
}
