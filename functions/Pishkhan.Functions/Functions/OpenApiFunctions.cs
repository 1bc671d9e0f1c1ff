using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class OpenApiFunctions(HttpGateway gateway)
{
    [Function(nameof(GetOpenApi))]
    public Task<IResult> GetOpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetOpenApi), req, cancellationToken);
}
