using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class MeetingFunctions(HttpGateway gateway)
{
    [Function(nameof(PostMeeting))]
    public Task<IResult> PostMeeting([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "meetings")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PostMeeting), req, cancellationToken);

    [Function(nameof(ListMeetings))]
    public Task<IResult> ListMeetings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "meetings")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListMeetings), req, cancellationToken);

    [Function(nameof(GetMeeting))]
    public Task<IResult> GetMeeting([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "meetings/{meetingId}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetMeeting), req, cancellationToken);

    [Function(nameof(PostDecisionStatus))]
    public Task<IResult> PostDecisionStatus([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "meetings/{meetingId}/decisions/{decisionId}/status")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PostDecisionStatus), req, cancellationToken);
}
