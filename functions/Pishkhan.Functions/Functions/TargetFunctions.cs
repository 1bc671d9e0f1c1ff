using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class TargetFunctions(HttpGateway gateway)
{
    [Function(nameof(PutTarget))]
    public Task<IResult> PutTarget([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "targets/{scope}/{period}/{indicator}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutTarget), req, cancellationToken);

    [Function(nameof(GetTargets))]
    public Task<IResult> GetTargets([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "targets/{scope}/{period}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetTargets), req, cancellationToken);
}
