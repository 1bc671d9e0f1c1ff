using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class KeyFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.PostKey)]
    public Task<IResult> PostKey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Keys)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PostKey, req, cancellationToken);

    [Function(FunctionNames.GetKey)]
    public Task<IResult> GetKey([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Key)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetKey, req, cancellationToken);

    [Function(FunctionNames.DeleteKey)]
    public Task<IResult> DeleteKey([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Key)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.DeleteKey, req, cancellationToken);
}
