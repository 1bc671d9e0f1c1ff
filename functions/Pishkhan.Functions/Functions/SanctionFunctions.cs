using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class SanctionFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(nameof(ListSanctions))]
    public Task<IResult> ListSanctions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sanctions")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListSanctions), req, cancellationToken);

    [Function(nameof(GetSanction))]
    public Task<IResult> GetSanction([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sanctions/{id}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetSanction), req, cancellationToken);

    [Function(nameof(DecideSanction))]
    public Task<IResult> DecideSanction([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sanctions/{id}/decision")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(DecideSanction), req, cancellationToken);

    [Function(nameof(ObjectSanction))]
    public Task<IResult> ObjectSanction([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sanctions/{id}/objection")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ObjectSanction), req, cancellationToken);

    [Function(nameof(GetSanctionPolicy))]
    public Task<IResult> GetSanctionPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sanction-policy")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetSanctionPolicy), req, cancellationToken);

    [Function(nameof(PutSanctionPolicy))]
    public Task<IResult> PutSanctionPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "sanction-policy")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutSanctionPolicy), req, cancellationToken);

    // Every five minutes: confirmed sanctions whose objection window has passed take effect; terms end.
    [Function(nameof(SweepSanctions))]
    public Task SweepSanctions([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(nameof(SweepSanctions), cancellationToken);
}
