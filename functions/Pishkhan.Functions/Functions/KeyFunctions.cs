using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class KeyFunctions(HttpGateway gateway)
{
    [Function(nameof(PostKey))]
    public Task<IResult> PostKey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PostKey), req, cancellationToken);

    [Function(nameof(GetMe))]
    public Task<IResult> GetMe([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetMe), req, cancellationToken);

    [Function(nameof(GetKey))]
    public Task<IResult> GetKey([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "keys/{keyId}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetKey), req, cancellationToken);

    [Function(nameof(DeleteKey))]
    public Task<IResult> DeleteKey([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "keys/{keyId}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(DeleteKey), req, cancellationToken);
}
