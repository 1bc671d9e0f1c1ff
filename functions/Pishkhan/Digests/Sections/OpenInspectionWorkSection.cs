using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Inspections;
using Pishkhan.Notifications.Templates;
using Pishkhan.Storage;

namespace Pishkhan.Digests.Sections;

/// <summary>
/// The county teams' open inspection work (Inspections): follow-up visits past their due date and
/// targeted-inspection requests (from upheld complaints) not yet answered, per county. Both tables are
/// keyed by county, so this is one partition query per county of the scope.
/// </summary>
public sealed class OpenInspectionWorkSection(Store store, CountyStore counties, TimeProvider clock) : IDigestSection
{
    public string Title => "بازرسی‌های عقب‌افتاده و درخواست‌های باز";
    public int Order => 420;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        var countyList = (await counties.ListAsync(scope.Province, cancellationToken))
            .Where(c => scope.CountyCode is null || c.CountyCode == scope.CountyCode).OrderBy(c => c.CountyCode, StringComparer.Ordinal).ToList();
        var today = Tehran.Today(clock).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var rows = await Task.WhenAll(countyList.Select(async c =>
        {
            var lateFollowUps = await store.Table(Tables.InspectionFollowUps).ListAsync<FollowUpEntity>(TableClient.CreateQueryFilter(
                $"PartitionKey eq {c.CountyCode} and Status eq {FollowUpStatus.Open} and DueDate lt {today}"), cancellationToken);
            var openRequests = await store.Table(Tables.InspectionRequests).ListAsync<InspectionRequestEntity>(TableClient.CreateQueryFilter(
                $"PartitionKey eq {c.CountyCode} and Status eq {"open"}"), cancellationToken);
            return (County: c.Name, Late: lateFollowUps.Count, Requests: openRequests.Count);
        }));
        var busy = rows.Where(r => r.Late > 0 || r.Requests > 0).OrderByDescending(r => r.Late).ThenByDescending(r => r.Requests).ToList();
        if (busy.Count == 0) return null;
        var late = busy.Sum(r => r.Late);
        return DigestBlock.Table(
            $"{Fa.Number(late)} بازرسی پیگیری از مهلت گذشته و {Fa.Number(busy.Sum(r => r.Requests))} درخواست بازرسی هدفمند هنوز باز است.",
            ["شهرستان", "پیگیری عقب‌افتاده", "درخواست باز"],
            busy.Select(r => (IReadOnlyList<string>)[r.County, Fa.Number(r.Late), Fa.Number(r.Requests)])) with
        {
            Agenda = late == 0 ? [] : [$"پیگیری {Fa.Number(late)} بازرسی مجدد عقب‌افتاده‌ی تیم‌های شهرستان"],
        };
    }
}
