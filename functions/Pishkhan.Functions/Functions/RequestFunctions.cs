using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class RequestFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(FunctionNames.PostRequest)]
    public Task<IResult> PostRequest([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Requests)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PostRequest, req, cancellationToken);

    [Function(FunctionNames.GetRequest)]
    public Task<IResult> GetRequest([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Request)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetRequest, req, cancellationToken);

    [Function(FunctionNames.ListRequests)]
    public Task<IResult> ListRequests([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Requests)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListRequests, req, cancellationToken);

    [Function(FunctionNames.PostRequestEvent)]
    public Task<IResult> PostRequestEvent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.RequestEvents)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PostRequestEvent, req, cancellationToken);

    [Function(FunctionNames.PostRating)]
    public Task<IResult> PostRating([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Ratings)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PostRating, req, cancellationToken);

    [Function(FunctionNames.RotateWebhookSecret)]
    public Task<IResult> RotateWebhookSecret([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AgencyWebhookSecret)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.RotateWebhookSecret, req, cancellationToken);

    [Function(FunctionNames.SendRequestCallback)]
    public Task SendRequestCallback([QueueTrigger(QueueNames.RequestCallbacks)] string message, CancellationToken cancellationToken)
        => dispatch.RunQueue(FunctionNames.SendRequestCallback, message, cancellationToken);

    [Function(FunctionNames.SlaSweep)]
    public Task SlaSweep([TimerTrigger(Schedules.SlaSweep)] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(FunctionNames.SlaSweep, cancellationToken);
}
