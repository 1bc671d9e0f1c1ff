using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class RequestFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(nameof(PostRequest))]
    public Task<IResult> PostRequest([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PostRequest), req, cancellationToken);

    [Function(nameof(GetRequest))]
    public Task<IResult> GetRequest([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "requests/{requestId}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetRequest), req, cancellationToken);

    [Function(nameof(ListRequests))]
    public Task<IResult> ListRequests([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "requests")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListRequests), req, cancellationToken);

    [Function(nameof(PostRequestEvent))]
    public Task<IResult> PostRequestEvent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "requests/{requestId}/events")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PostRequestEvent), req, cancellationToken);

    [Function(nameof(PostRating))]
    public Task<IResult> PostRating([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "ratings")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PostRating), req, cancellationToken);

    [Function(nameof(RotateWebhookSecret))]
    public Task<IResult> RotateWebhookSecret([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agencies/{agencyId}/webhook-secret")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(RotateWebhookSecret), req, cancellationToken);

    [Function(nameof(SendRequestCallback))]
    public Task SendRequestCallback([QueueTrigger(QueueNames.RequestCallbacks)] string message, FunctionContext context, CancellationToken cancellationToken)
        => dispatch.RunQueue(nameof(SendRequestCallback), message, context, cancellationToken);

    // Hourly at minute 5: marks overdue open service requests breached.
    [Function(nameof(SlaSweep))]
    public Task SlaSweep([TimerTrigger("0 5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(nameof(SlaSweep), cancellationToken);
}
