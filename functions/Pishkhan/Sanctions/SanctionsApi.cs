using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Problems;

namespace Pishkhan.Sanctions;

public static class SanctionsApi
{
    /// <summary>GET /api/sanctions?officeCode= — an office's sanctions, newest first; an office key sees its own.</summary>
    public static async Task<IResult> List(ApiRequest request)
    {
        var caller = request.Caller;
        var officeCode = request.QueryCode("officeCode") ?? (caller.Role == Role.Office ? caller.Subject : null)
            ?? throw Problem.Field("officeCode", "The field is required.");
        var office = await request.Service<OfficeStore>().FindAsync(officeCode, request.CancellationToken);
        if (office is null || !request.CanSee(new ResourceScope(office.Province, office.CountyCode, Office: office.OfficeCode))) throw Problem.NotFound("office");
        var now = request.Service<TimeProvider>().GetUtcNow();
        var sanctions = await request.Service<SanctionService>().ListOfficeAsync(officeCode, request.CancellationToken);
        // Row keys are inspection stamps (newest visit first) or other causes' keys: order by proposal time.
        return TypedResults.Ok(new Page<SanctionView>(sanctions.OrderByDescending(s => s.ProposedAt).Select(s => SanctionView.From(s, now)).ToList(), null));
    }

    public static async Task<IResult> Get(ApiRequest request)
    {
        var sanction = await FindVisibleAsync(request);
        return TypedResults.Ok(SanctionView.From(sanction, request.Service<TimeProvider>().GetUtcNow()));
    }

    /// <summary>POST /api/sanctions/{id}/decision {decision: confirm|overturn, reason} (admin of the office's province).</summary>
    public static async Task<IResult> Decide(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<SanctionDecision>();
        var errors = new FieldErrors();
        if (!Enum.IsDefined(body.Decision)) errors.Add("decision", "One of confirm, overturn.");
        var reason = errors.Text("reason", body.Reason, 1000, multiline: true, min: 5);
        errors.ThrowIfAny();
        var sanction = await FindVisibleAsync(request);
        request.Demand(new ResourceScope(sanction.Province));
        var decided = await request.Service<SanctionService>().DecideAsync(sanction, body, reason!, request.Caller.KeyId, request.CancellationToken);
        return TypedResults.Ok(SanctionView.From(decided, request.Service<TimeProvider>().GetUtcNow()));
    }

    /// <summary>POST /api/sanctions/{id}/objection {reason} (the office itself, while the objection window is open).</summary>
    public static async Task<IResult> Object(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<SanctionObjection>();
        var errors = new FieldErrors();
        var reason = errors.Text("reason", body.Reason, 2000, multiline: true, min: 5);
        errors.ThrowIfAny();
        var sanction = await FindVisibleAsync(request);
        request.Demand(new ResourceScope(sanction.Province, sanction.CountyCode, Office: sanction.OfficeCode));
        var objected = await request.Service<SanctionService>().ObjectAsync(sanction, reason!, request.CancellationToken);
        return TypedResults.Ok(SanctionView.From(objected, request.Service<TimeProvider>().GetUtcNow()));
    }

    /// <summary>Timer: applies due objection-window ends and term ends.</summary>
    public static Task Sweep(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<SanctionService>().SweepAsync(cancellationToken);

    private static async Task<SanctionEntity> FindVisibleAsync(ApiRequest request)
    {
        var sanction = await request.Service<SanctionService>().FindAsync(request.RouteValue("id"), request.CancellationToken);
        return sanction is not null && request.CanSee(new ResourceScope(sanction.Province, sanction.CountyCode, Office: sanction.OfficeCode))
            ? sanction
            : throw Problem.NotFound("sanction");
    }
}
