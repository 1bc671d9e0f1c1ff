using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class AgencyFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.PutAgency)]
    public Task<IResult> PutAgency([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.Agency)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutAgency, req, cancellationToken);

    [Function(FunctionNames.GetAgency)]
    public Task<IResult> GetAgency([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Agency)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetAgency, req, cancellationToken);

    [Function(FunctionNames.ListAgencies)]
    public Task<IResult> ListAgencies([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Agencies)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListAgencies, req, cancellationToken);
}
