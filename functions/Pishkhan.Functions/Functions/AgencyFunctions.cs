using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class AgencyFunctions(HttpGateway gateway)
{
    [Function(nameof(PutAgency))]
    public Task<IResult> PutAgency([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "agencies/{agencyId}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutAgency), req, cancellationToken);

    [Function(nameof(GetAgency))]
    public Task<IResult> GetAgency([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agencies/{agencyId}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetAgency), req, cancellationToken);

    [Function(nameof(ListAgencies))]
    public Task<IResult> ListAgencies([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agencies")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListAgencies), req, cancellationToken);
}
