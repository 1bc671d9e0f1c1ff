using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.Offices;
using Azure.Data.Tables;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Sanctions;

public sealed class SanctionsApi(OfficeStore officeStore, TimeProvider clock, SanctionService sanctionService)
{
    /// <summary>GET /api/sanctions?officeCode= — an office's sanctions, newest first; an office key sees its own.</summary>
    public async Task<IResult> List(ApiRequest request)
    {
        var caller = request.Caller;
        var officeCode = request.QueryCode("officeCode") ?? (caller.Role == Role.Office ? caller.Subject : null);
        if (officeCode is null) return await ListScopeAsync(request);
        var office = await officeStore.FindAsync(officeCode, request.CancellationToken);
        if (office is null || !request.CanSee(new ResourceScope(office.Province, office.CountyCode, Office: office.OfficeCode))) throw Problem.NotFound("office");
        var now = clock.GetUtcNow();
        var sanctions = await sanctionService.ListOfficeAsync(officeCode, request.CancellationToken);
        // Row keys are inspection stamps (newest visit first) or other causes' keys: order by proposal time.
        return TypedResults.Ok(new Page<SanctionView>(sanctions.OrderByDescending(s => s.ProposedAt).Select(s => SanctionView.From(s, now)).ToList(), null));
    }

    /// <summary>The statuses a province-wide list may filter on: stored values that time does not change, and awaiting (proposed or objected).</summary>
    public static readonly string[] ScopeStatuses = ["awaiting", SanctionStatus.Proposed, SanctionStatus.Objected];

    /// <summary>
    /// GET /api/sanctions without officeCode (staff): the caller's province (an inspector: its county; an admin may narrow to
    /// ?countyCode=), optionally ?status=awaiting (proposed or objected: what an admin decides), paged. The working-group
    /// console's list of proposals to decide. The Sanctions table is keyed by office: this reads the province's offices'
    /// partitions in turn (PageAcrossPartitionsAsync), never the whole table.
    /// </summary>
    private async Task<IResult> ListScopeAsync(ApiRequest request)
    {
        var caller = request.Caller;
        var errors = new FieldErrors();
        var province = caller.Province ?? errors.Province("province", request.Query("province"));
        var county = caller.Role == Role.Inspector ? caller.County : request.QueryCode("countyCode");
        var status = request.Query("status");
        if (status is not null && !ScopeStatuses.Contains(status)) errors.Add("status", $"One of {string.Join(", ", ScopeStatuses)}.");
        var pageSize = request.PageSize();
        var token = request.ContinuationToken();
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!, county));

        var conditions = new List<string>();
        if (county is not null) conditions.Add(TableClient.CreateQueryFilter($"CountyCode eq {county}"));
        if (status == "awaiting") conditions.Add(TableClient.CreateQueryFilter($"(Status eq {SanctionStatus.Proposed} or Status eq {SanctionStatus.Objected})"));
        else if (status is not null) conditions.Add(TableClient.CreateQueryFilter($"Status eq {status}"));
        // Every office of the province, not only the county's: a sanction keeps the county it was proposed in.
        var offices = (await officeStore.ListAsync(province!, null, request.CancellationToken)).Select(o => o.OfficeCode).Order(StringComparer.Ordinal).ToList();
        var (items, next) = await sanctionService.Table.PageAcrossPartitionsAsync<SanctionEntity>(offices,
            conditions.Count == 0 ? null : string.Join(" and ", conditions), pageSize, token, request.CancellationToken);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new Page<SanctionView>(items.OrderBy(s => s.ProposedAt).Select(s => SanctionView.From(s, now)).ToList(), Paging.Encode(next)));
    }

    public async Task<IResult> Get(ApiRequest request)
    {
        var sanction = await FindVisibleAsync(request);
        return TypedResults.Ok(SanctionView.From(sanction, clock.GetUtcNow()));
    }

    /// <summary>POST /api/sanctions/{id}/decision {decision: confirm|overturn, reason} (admin of the office's province).</summary>
    public async Task<IResult> Decide(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<SanctionDecision>();
        var errors = new FieldErrors();
        if (!Enum.IsDefined(body.Decision)) errors.Add("decision", "One of confirm, overturn.");
        var reason = errors.Text("reason", body.Reason, 1000, multiline: true, min: 5);
        errors.ThrowIfAny();
        var sanction = await FindVisibleAsync(request);
        request.Demand(new ResourceScope(sanction.Province));
        var decided = await sanctionService.DecideAsync(sanction, body, reason!, request.Caller.KeyId, request.CancellationToken);
        return TypedResults.Ok(SanctionView.From(decided, clock.GetUtcNow()));
    }

    /// <summary>POST /api/sanctions/{id}/objection {reason} (the office itself, while the objection window is open).</summary>
    public async Task<IResult> Object(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<SanctionObjection>();
        var errors = new FieldErrors();
        var reason = errors.Text("reason", body.Reason, 2000, multiline: true, min: 5);
        errors.ThrowIfAny();
        var sanction = await FindVisibleAsync(request);
        request.Demand(new ResourceScope(sanction.Province, sanction.CountyCode, Office: sanction.OfficeCode));
        var objected = await sanctionService.ObjectAsync(sanction, reason!, request.CancellationToken);
        return TypedResults.Ok(SanctionView.From(objected, clock.GetUtcNow()));
    }

    /// <summary>Timer: applies due objection-window ends and term ends.</summary>
    public Task Sweep(CancellationToken cancellationToken) =>
        sanctionService.SweepAsync(cancellationToken);

    private async Task<SanctionEntity> FindVisibleAsync(ApiRequest request)
    {
        var sanction = await sanctionService.FindAsync(request.RouteValue("id"), request.CancellationToken);
        return sanction is not null && request.CanSee(new ResourceScope(sanction.Province, sanction.CountyCode, Office: sanction.OfficeCode))
            ? sanction
            : throw Problem.NotFound("sanction");
    }
}
