using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class OfficeFunctions(HttpGateway gateway)
{
    [Function(nameof(PutOffice))]
    public Task<IResult> PutOffice([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "offices/{officeCode}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutOffice), req, cancellationToken);

    [Function(nameof(GetOffice))]
    public Task<IResult> GetOffice([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "offices/{officeCode}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetOffice), req, cancellationToken);

    [Function(nameof(ListOffices))]
    public Task<IResult> ListOffices([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "offices")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListOffices), req, cancellationToken);

    [Function(nameof(ImportOffices))]
    public Task<IResult> ImportOffices([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "offices:import")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ImportOffices), req, cancellationToken);
}
