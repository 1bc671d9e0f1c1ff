using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class InspectionFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(nameof(GetInspectionTemplate))]
    public Task<IResult> GetInspectionTemplate([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inspection-templates/{version}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetInspectionTemplate), req, cancellationToken);

    [Function(nameof(PutInspectionTemplate))]
    public Task<IResult> PutInspectionTemplate([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inspection-templates/{version}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutInspectionTemplate), req, cancellationToken);

    [Function(nameof(PostInspection))]
    public Task<IResult> PostInspection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inspections")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PostInspection), req, cancellationToken);

    [Function(nameof(GetInspection))]
    public Task<IResult> GetInspection([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inspections/{id}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetInspection), req, cancellationToken);

    [Function(nameof(ListInspections))]
    public Task<IResult> ListInspections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inspections")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListInspections), req, cancellationToken);

    [Function(nameof(ListInspectionRequests))]
    public Task<IResult> ListInspectionRequests([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inspection-requests")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListInspectionRequests), req, cancellationToken);

    [Function(nameof(ListInspectionFollowUps))]
    public Task<IResult> ListInspectionFollowUps([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inspection-followups")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListInspectionFollowUps), req, cancellationToken);

    [Function(nameof(GetInspectionCoverage))]
    public Task<IResult> GetInspectionCoverage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inspection-coverage/{countyCode}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetInspectionCoverage), req, cancellationToken);

    [Function(nameof(PostReinspectionDraw))]
    public Task<IResult> PostReinspectionDraw([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reinspection-draws/{period}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PostReinspectionDraw), req, cancellationToken);

    [Function(nameof(GetReinspections))]
    public Task<IResult> GetReinspections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reinspections/{period}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetReinspections), req, cancellationToken);

    [Function(nameof(ListInspectionPoison))]
    public Task<IResult> ListInspectionPoison([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "poison/inspections")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListInspectionPoison), req, cancellationToken);

    [Function(nameof(GetInspectionPolicy))]
    public Task<IResult> GetInspectionPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inspection-policy")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetInspectionPolicy), req, cancellationToken);

    [Function(nameof(PutInspectionPolicy))]
    public Task<IResult> PutInspectionPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "inspection-policy")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutInspectionPolicy), req, cancellationToken);

    [Function(nameof(ProcessInspection))]
    public Task ProcessInspection([QueueTrigger(QueueNames.Inspections)] string message, FunctionContext context, CancellationToken cancellationToken)
        => dispatch.RunQueue(nameof(ProcessInspection), message, context, cancellationToken);

    // Daily at 21:30 UTC (01:00 Tehran): draws the closed month's re-inspections.
    [Function(nameof(DrawReinspections))]
    public Task DrawReinspections([TimerTrigger("0 30 21 * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(nameof(DrawReinspections), cancellationToken);
}
