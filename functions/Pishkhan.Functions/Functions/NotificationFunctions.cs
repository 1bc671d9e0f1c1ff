using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class NotificationFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(nameof(SendNotification))]
    public Task SendNotification([QueueTrigger(QueueNames.Notifications)] string message, FunctionContext context, CancellationToken cancellationToken)
        => dispatch.RunQueue(nameof(SendNotification), message, context, cancellationToken);

    // Saturday 07:00 Tehran = 03:30 UTC (the week starts on Saturday).
    [Function(nameof(WeeklyDigest))]
    public Task WeeklyDigest([TimerTrigger("0 30 3 * * 6")] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(nameof(WeeklyDigest), cancellationToken);

    [Function(nameof(SendDigests))]
    public Task<IResult> SendDigests([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "digests:send")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(SendDigests), req, cancellationToken);

    [Function(nameof(GetUnsubscribe))]
    public Task<IResult> GetUnsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "unsubscribe")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetUnsubscribe), req, cancellationToken);

    [Function(nameof(PostUnsubscribe))]
    public Task<IResult> PostUnsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "unsubscribe")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PostUnsubscribe), req, cancellationToken);
}
