using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class HealthFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.GetHealth)]
    public Task<IResult> GetHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Health)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetHealth, req, cancellationToken);
}
