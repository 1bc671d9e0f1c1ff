using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Notifications.Templates;
using Pishkhan.Offices;
using Pishkhan.Sanctions;
using Pishkhan.Storage;

namespace Pishkhan.Digests.Sections;

/// <summary>
/// Sanctions waiting for the working group: proposed ones (the ladder's proposals after inspections) and
/// objected ones (an office contested a confirmed sanction). Both are decisions of the group, so both go
/// on the agenda. The Sanctions table is keyed by office: this reads the scope's offices (one partition of
/// Offices) and then each office's sanctions partition with the status filter, so the cost follows the
/// scope's offices, never the whole table's history of every province.
/// </summary>
public sealed class SanctionsAwaitingDecisionSection(Store store, OfficeStore offices) : IDigestSection
{
    public string Title => "برخوردهای انضباطی در انتظار تصمیم";
    public int Order => 250;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var scopeOffices = await offices.ListAsync(scope.Province, scope.CountyCode, cancellationToken);
        var found = await store.Table(Tables.Sanctions).ListAcrossPartitionsAsync<SanctionEntity>(scopeOffices.Select(o => o.OfficeCode),
            TableClient.CreateQueryFilter($"Status eq {SanctionStatus.Proposed} or Status eq {SanctionStatus.Objected}"), cancellationToken);
        var waiting = found.OrderBy(s => s.Status == SanctionStatus.Objected ? 0 : 1).ThenBy(s => s.ObjectedAt ?? s.ProposedAt)
            .ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
        if (waiting.Count == 0) return null;
        var names = scopeOffices.ToDictionary(o => o.OfficeCode, o => o.Name);
        var proposed = waiting.Count(s => s.Status == SanctionStatus.Proposed);
        var objected = waiting.Count - proposed;
        var agenda = new List<string>();
        if (proposed > 0) agenda.Add($"تصمیم درباره‌ی {Fa.Number(proposed)} برخورد انضباطی پیشنهادی (تأیید یا لغو)");
        if (objected > 0) agenda.Add($"رسیدگی به اعتراض {Fa.Number(objected)} دفتر به برخورد تأییدشده");
        return DigestBlock.Table(
            $"{Fa.Number(proposed)} برخورد پیشنهادی و {Fa.Number(objected)} اعتراض در انتظار تصمیم کارگروه است.",
            ["دفتر", "برخورد", "وضعیت", "از"],
            waiting.Select(s => (IReadOnlyList<string>)[names.GetValueOrDefault(s.OfficeCode, s.OfficeCode), StepName(s.Step),
                s.Status == SanctionStatus.Objected ? "اعتراض" : "پیشنهادی", Fa.Date(Tehran.DateOf(s.ObjectedAt ?? s.ProposedAt))])) with { Agenda = agenda };
    }

    private static string StepName(string step) =>
        Enum.TryParse<SanctionStep>(step, ignoreCase: true, out var s) ? SanctionLadder.PersianName(s) : step;
}
