using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Problems;

namespace Pishkhan.Sanctions;

public sealed class SanctionsApi(OfficeStore officeStore, TimeProvider clock, SanctionService sanctionService)
{
    /// <summary>GET /api/sanctions?officeCode= — an office's sanctions, newest first; an office key sees its own.</summary>
    public async Task<IResult> List(ApiRequest request)
    {
        var caller = request.Caller;
        var officeCode = request.QueryCode("officeCode") ?? (caller.Role == Role.Office ? caller.Subject : null)
            ?? throw Problem.Field("officeCode", "The field is required.");
        var office = await officeStore.FindAsync(officeCode, request.CancellationToken);
        if (office is null || !request.CanSee(new ResourceScope(office.Province, office.CountyCode, Office: office.OfficeCode))) throw Problem.NotFound("office");
        var now = clock.GetUtcNow();
        var sanctions = await sanctionService.ListOfficeAsync(officeCode, request.CancellationToken);
        // Row keys are inspection stamps (newest visit first) or other causes' keys: order by proposal time.
        return TypedResults.Ok(new Page<SanctionView>(sanctions.OrderByDescending(s => s.ProposedAt).Select(s => SanctionView.From(s, now)).ToList(), null));
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
