using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class TargetFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.PutTarget)]
    public Task<IResult> PutTarget([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.Target)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutTarget, req, cancellationToken);

    [Function(FunctionNames.GetTargets)]
    public Task<IResult> GetTargets([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Targets)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetTargets, req, cancellationToken);
}
