using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class OfficeFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.PutOffice)]
    public Task<IResult> PutOffice([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.Office)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutOffice, req, cancellationToken);

    [Function(FunctionNames.GetOffice)]
    public Task<IResult> GetOffice([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Office)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetOffice, req, cancellationToken);

    [Function(FunctionNames.ListOffices)]
    public Task<IResult> ListOffices([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Offices)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListOffices, req, cancellationToken);

    [Function(FunctionNames.ImportOffices)]
    public Task<IResult> ImportOffices([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.OfficesImport)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ImportOffices, req, cancellationToken);
}
