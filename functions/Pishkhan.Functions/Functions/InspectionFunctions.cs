using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class InspectionFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(FunctionNames.GetInspectionTemplate)]
    public Task<IResult> GetInspectionTemplate([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.InspectionTemplate)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetInspectionTemplate, req, cancellationToken);

    [Function(FunctionNames.PutInspectionTemplate)]
    public Task<IResult> PutInspectionTemplate([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.InspectionTemplate)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutInspectionTemplate, req, cancellationToken);

    [Function(FunctionNames.PostInspection)]
    public Task<IResult> PostInspection([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Inspections)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PostInspection, req, cancellationToken);

    [Function(FunctionNames.GetInspection)]
    public Task<IResult> GetInspection([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Inspection)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetInspection, req, cancellationToken);

    [Function(FunctionNames.ListInspections)]
    public Task<IResult> ListInspections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Inspections)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListInspections, req, cancellationToken);

    [Function(FunctionNames.ListInspectionRequests)]
    public Task<IResult> ListInspectionRequests([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.InspectionRequests)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListInspectionRequests, req, cancellationToken);

    [Function(FunctionNames.ListInspectionFollowUps)]
    public Task<IResult> ListInspectionFollowUps([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.InspectionFollowUps)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListInspectionFollowUps, req, cancellationToken);

    [Function(FunctionNames.GetInspectionCoverage)]
    public Task<IResult> GetInspectionCoverage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.InspectionCoverage)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetInspectionCoverage, req, cancellationToken);

    [Function(FunctionNames.PostReinspectionDraw)]
    public Task<IResult> PostReinspectionDraw([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.ReinspectionDraw)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PostReinspectionDraw, req, cancellationToken);

    [Function(FunctionNames.GetReinspections)]
    public Task<IResult> GetReinspections([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Reinspections)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetReinspections, req, cancellationToken);

    [Function(FunctionNames.ListInspectionPoison)]
    public Task<IResult> ListInspectionPoison([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.InspectionPoison)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListInspectionPoison, req, cancellationToken);

    [Function(FunctionNames.GetInspectionPolicy)]
    public Task<IResult> GetInspectionPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.InspectionPolicy)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetInspectionPolicy, req, cancellationToken);

    [Function(FunctionNames.PutInspectionPolicy)]
    public Task<IResult> PutInspectionPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.InspectionPolicy)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutInspectionPolicy, req, cancellationToken);

    [Function(FunctionNames.ProcessInspection)]
    public Task ProcessInspection([QueueTrigger(QueueNames.Inspections)] string message, CancellationToken cancellationToken)
        => dispatch.RunQueue(FunctionNames.ProcessInspection, message, cancellationToken);

    [Function(FunctionNames.DrawReinspections)]
    public Task DrawReinspections([TimerTrigger(Schedules.DrawReinspections)] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(FunctionNames.DrawReinspections, cancellationToken);
}
