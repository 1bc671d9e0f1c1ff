using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class NotificationFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(FunctionNames.SendNotification)]
    public Task SendNotification([QueueTrigger(QueueNames.Notifications)] string message, CancellationToken cancellationToken)
        => dispatch.RunQueue(FunctionNames.SendNotification, message, cancellationToken);

    [Function(FunctionNames.WeeklyDigest)]
    public Task WeeklyDigest([TimerTrigger(Schedules.WeeklyDigest)] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(FunctionNames.WeeklyDigest, cancellationToken);

    [Function(FunctionNames.SendDigests)]
    public Task<IResult> SendDigests([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.DigestsSend)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.SendDigests, req, cancellationToken);

    [Function(FunctionNames.GetUnsubscribe)]
    public Task<IResult> GetUnsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Unsubscribe)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetUnsubscribe, req, cancellationToken);

    [Function(FunctionNames.PostUnsubscribe)]
    public Task<IResult> PostUnsubscribe([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Unsubscribe)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PostUnsubscribe, req, cancellationToken);
}
