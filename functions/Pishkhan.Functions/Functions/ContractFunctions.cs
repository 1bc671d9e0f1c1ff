using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class ContractFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.PutContract)]
    public Task<IResult> PutContract([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.Contract)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutContract, req, cancellationToken);

    [Function(FunctionNames.GetContract)]
    public Task<IResult> GetContract([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Contract)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetContract, req, cancellationToken);
}
