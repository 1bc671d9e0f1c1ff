using Microsoft.AspNetCore.Http;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Problems;

namespace Pishkhan.Targets;

/// <summary>PUT body: the planned value in the indicator's unit (shares 0..1, satisfaction 1..5, days, counts).</summary>
public sealed record PutTarget(double Planned, string? Note = null);

public sealed record TargetView(string Scope, string Province, string? County, string Period, TargetIndicator Indicator, double Planned, string? Note,
    DateTimeOffset UpdatedAt)
{
    public static TargetView From(TargetEntity e, TargetIndicator indicator) =>
        new(e.Scope, e.Province, e.County, e.Period, indicator, e.Planned, e.Note, e.UpdatedAt);
}

public sealed class TargetsApi(CountyStore countyStore, TimeProvider clock, TargetStore targetStore, TargetReports targetReports)
{
    /// <summary>PUT /api/targets/{scope}/{period}/{indicator} (admin of the scope's province).</summary>
    public async Task<IResult> Put(ApiRequest request)
    {
        var code = request.Code("scope");
        var errors = new FieldErrors();
        var period = Period(request, errors);
        var indicator = IndicatorOf(request, errors);
        var body = await request.ReadJsonAsync<PutTarget>();
        var planned = indicator is { } i ? TargetRules.ValidatePlanned(errors, "planned", TargetIndicators.Info(i), body.Planned) : null;
        var note = errors.Text("note", body.Note, 500, required: false);
        errors.ThrowIfAny();

        var ct = request.CancellationToken;
        var scope = await PlanScope.ResolveAsync(code, countyStore, ct) ?? throw Problem.NotFound("province or county");
        request.Demand(scope.Resource);
        var entity = new TargetEntity
        {
            PartitionKey = scope.Code, RowKey = TargetEntity.Key(period!.Value, indicator!.Value), Province = scope.Province, County = scope.County,
            Planned = planned!.Value, Note = note, UpdatedAt = clock.GetUtcNow(), UpdatedBy = request.Caller.KeyId,
        };
        await targetStore.SaveAsync(entity, ct);
        return TypedResults.Ok(TargetView.From(entity, indicator.Value));
    }

    /// <summary>GET /api/targets/{scope}/{period}: admin and members of the province; inspectors of the county for a county scope.</summary>
    public async Task<IResult> Get(ApiRequest request)
    {
        var code = request.Code("scope");
        var errors = new FieldErrors();
        var period = Period(request, errors);
        errors.ThrowIfAny();
        var ct = request.CancellationToken;
        var scope = await PlanScope.ResolveAsync(code, countyStore, ct);
        if (scope is null || !request.CanSee(scope.Resource)) throw Problem.NotFound("province or county");
        return TypedResults.Ok(await targetReports.ReportAsync(scope, period!.Value, ct));
    }

    private JalaliPeriod? Period(ApiRequest request, FieldErrors errors)
    {
        if (JalaliPeriod.TryParse(request.RouteValue("period"), out var period)) return period;
        errors.Add("period", "A Jalali month such as 1405-09.");
        return null;
    }

    private TargetIndicator? IndicatorOf(ApiRequest request, FieldErrors errors)
    {
        if (TargetIndicators.TryParse(request.RouteValue("indicator"), out var indicator)) return indicator;
        errors.Add("indicator", "One of " + TargetIndicators.NameList + ".");
        return null;
    }
}
