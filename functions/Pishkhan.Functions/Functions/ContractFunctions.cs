using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class ContractFunctions(HttpGateway gateway)
{
    [Function(nameof(PutContract))]
    public Task<IResult> PutContract([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "contracts/{contractId}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutContract), req, cancellationToken);

    [Function(nameof(GetContract))]
    public Task<IResult> GetContract([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "contracts/{contractId}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetContract), req, cancellationToken);
}
