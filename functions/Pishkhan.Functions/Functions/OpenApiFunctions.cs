using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class OpenApiFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.GetOpenApi)]
    public Task<IResult> GetOpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetOpenApi, req, cancellationToken);
}
