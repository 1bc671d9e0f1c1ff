using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class HealthFunctions(HttpGateway gateway)
{
    [Function(nameof(GetHealth))]
    public Task<IResult> GetHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetHealth), req, cancellationToken);
}
