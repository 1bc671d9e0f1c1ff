using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class SanctionFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(FunctionNames.ListSanctions)]
    public Task<IResult> ListSanctions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Sanctions)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListSanctions, req, cancellationToken);

    [Function(FunctionNames.GetSanction)]
    public Task<IResult> GetSanction([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Sanction)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetSanction, req, cancellationToken);

    [Function(FunctionNames.DecideSanction)]
    public Task<IResult> DecideSanction([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.SanctionDecision)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.DecideSanction, req, cancellationToken);

    [Function(FunctionNames.ObjectSanction)]
    public Task<IResult> ObjectSanction([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.SanctionObjection)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ObjectSanction, req, cancellationToken);

    [Function(FunctionNames.GetSanctionPolicy)]
    public Task<IResult> GetSanctionPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.SanctionPolicy)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetSanctionPolicy, req, cancellationToken);

    [Function(FunctionNames.PutSanctionPolicy)]
    public Task<IResult> PutSanctionPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.SanctionPolicy)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutSanctionPolicy, req, cancellationToken);

    [Function(FunctionNames.SweepSanctions)]
    public Task SweepSanctions([TimerTrigger(Schedules.SweepSanctions)] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(FunctionNames.SweepSanctions, cancellationToken);
}
