using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class CountyFunctions(HttpGateway gateway)
{
    [Function(nameof(PutCounty))]
    public Task<IResult> PutCounty([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "counties/{countyCode}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutCounty), req, cancellationToken);

    [Function(nameof(GetCounty))]
    public Task<IResult> GetCounty([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "counties/{countyCode}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetCounty), req, cancellationToken);

    [Function(nameof(ListCounties))]
    public Task<IResult> ListCounties([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "counties")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListCounties), req, cancellationToken);
}
