using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class PublicSiteFunctions(HttpGateway gateway)
{
    [Function(nameof(ListPublicOffices))]
    public Task<IResult> ListPublicOffices([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "public/offices")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListPublicOffices), req, cancellationToken);

    [Function(nameof(ListPublishedReports))]
    public Task<IResult> ListPublishedReports([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "public/reports")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListPublishedReports), req, cancellationToken);
}
