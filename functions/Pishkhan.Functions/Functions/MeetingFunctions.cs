using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class MeetingFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.PostMeeting)]
    public Task<IResult> PostMeeting([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Meetings)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PostMeeting, req, cancellationToken);

    [Function(FunctionNames.ListMeetings)]
    public Task<IResult> ListMeetings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Meetings)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListMeetings, req, cancellationToken);

    [Function(FunctionNames.GetMeeting)]
    public Task<IResult> GetMeeting([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Meeting)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetMeeting, req, cancellationToken);

    [Function(FunctionNames.PostDecisionStatus)]
    public Task<IResult> PostDecisionStatus([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.DecisionStatus)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PostDecisionStatus, req, cancellationToken);
}
