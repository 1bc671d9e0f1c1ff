using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Auth;
using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Inspections;

public sealed record PoisonMessage(string MessageId, DateTimeOffset? InsertedOn, long DequeueCount, string Body, string? InspectionId);

public sealed class ReinspectionsApi(TimeProvider clock, PishkhanSettings settings, ReinspectionService reinspectionService, Store store, OfficeStore officeStore,
    InspectionStats inspectionStats)
{
    /// <summary>POST /api/reinspection-draws/{period} (admin): draws a closed month now (the daily timer does it otherwise); idempotent.</summary>
    public async Task<IResult> Draw(ApiRequest request)
    {
        var period = Period(request);
        var province = InspectionScope.Province(request);
        request.Demand(new ResourceScope(province));
        var now = clock.GetUtcNow();
        ServicePeriods.CheckInService(period, settings.ServiceStartPeriod, now);
        if (!period.IsClosedAt(now)) throw Problem.Conflict($"{period} has not ended yet; draw it once it has.");
        await reinspectionService.DrawAsync(province, period, request.CancellationToken);
        return TypedResults.Ok(await reinspectionService.ReportAsync(province, period, null, request.CancellationToken));
    }

    /// <summary>GET /api/reinspections/{period}?countyCode= (admin, member): the draw and the agreement per county team.</summary>
    public async Task<IResult> Report(ApiRequest request)
    {
        var period = Period(request);
        var province = InspectionScope.Province(request);
        request.Demand(new ResourceScope(province));
        var county = request.QueryCode("countyCode");
        return TypedResults.Ok(await reinspectionService.ReportAsync(province, period, county, request.CancellationToken));
    }

    /// <summary>
    /// Timer: draws the closed month for every province (idempotent; a missed day catches up the next). First it
    /// moves into OfficeStats the inspection counts a lost flush left pending (InspectionStats.SweepAsync).
    /// </summary>
    public async Task DrawClosedMonth(CancellationToken cancellationToken)
    {
        await inspectionStats.SweepAsync(cancellationToken);
        await reinspectionService.DrawClosedMonthAsync(cancellationToken);
    }

    private JalaliPeriod Period(ApiRequest request) =>
        JalaliPeriod.TryParse(request.RouteValue("period"), out var p) ? p : throw Problem.Field("period", "A Jalali month like 1405-09.");

    /// <summary>
    /// GET /api/poison/inspections (admin): up to 32 messages that failed maxDequeueCount times, peeked (left in
    /// place). Messages naming an inspection of another province are left out; unreadable ones are shown to
    /// every admin (they hold no personal data: a message is only an inspection id).
    /// </summary>
    public async Task<IResult> Poison(ApiRequest request)
    {
        var ct = request.CancellationToken;
        var queue = store.Queue(QueueNames.Inspections + "-poison");
        PeekedMessage[] peeked = (await queue.PeekMessagesAsync(32, ct)).Value;
        var visible = new List<PoisonMessage>();
        foreach (var m in peeked)
        {
            var body = m.Body.ToString();
            string? id = null;
            try { id = InspectionProcessor.ParseMessage(m.Body); }
            catch (FormatException) { }
            if (id is not null && InspectionIds.TryParse(id, out var officeCode, out _)
                && await officeStore.FindAsync(officeCode, ct) is { } office && !request.CanSee(new ResourceScope(office.Province)))
                continue;
            visible.Add(new PoisonMessage(m.MessageId, m.InsertedOn, m.DequeueCount, body.Length > 2000 ? body[..2000] : body, id));
        }
        return TypedResults.Ok(new Page<PoisonMessage>(visible, null));
    }
}
