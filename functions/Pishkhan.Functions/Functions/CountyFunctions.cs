using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class CountyFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.PutCounty)]
    public Task<IResult> PutCounty([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.County)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutCounty, req, cancellationToken);

    [Function(FunctionNames.GetCounty)]
    public Task<IResult> GetCounty([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.County)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetCounty, req, cancellationToken);

    [Function(FunctionNames.ListCounties)]
    public Task<IResult> ListCounties([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Counties)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListCounties, req, cancellationToken);
}
