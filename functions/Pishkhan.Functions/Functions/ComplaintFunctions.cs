using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class ComplaintFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(nameof(FileComplaint))]
    public Task<IResult> FileComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "complaints")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(FileComplaint), req, cancellationToken);

    [Function(nameof(GetComplaintStatus))]
    public Task<IResult> GetComplaintStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "complaints/{trackingCode}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetComplaintStatus), req, cancellationToken);

    [Function(nameof(EscalateComplaint))]
    public Task<IResult> EscalateComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "complaints/{trackingCode}/escalation")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(EscalateComplaint), req, cancellationToken);

    [Function(nameof(WithdrawComplaint))]
    public Task<IResult> WithdrawComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "complaints/{trackingCode}/withdrawal")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(WithdrawComplaint), req, cancellationToken);

    [Function(nameof(ListComplaintCategories))]
    public Task<IResult> ListComplaintCategories([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "complaint-categories")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListComplaintCategories), req, cancellationToken);

    [Function(nameof(ListComplaints))]
    public Task<IResult> ListComplaints([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "complaints")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListComplaints), req, cancellationToken);

    [Function(nameof(GetComplaintCase))]
    public Task<IResult> GetComplaintCase([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "complaints/{trackingCode}/case")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetComplaintCase), req, cancellationToken);

    [Function(nameof(DecideComplaint))]
    public Task<IResult> DecideComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "complaints/{trackingCode}/decision")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(DecideComplaint), req, cancellationToken);

    [Function(nameof(ExtendComplaint))]
    public Task<IResult> ExtendComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "complaints/{trackingCode}/extension")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ExtendComplaint), req, cancellationToken);

    [Function(nameof(GetComplaintAccessLog))]
    public Task<IResult> GetComplaintAccessLog([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "complaints/{trackingCode}/access-log")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetComplaintAccessLog), req, cancellationToken);

    // Hourly at minute 15: flags overdue complaints, finishes interrupted side effects.
    [Function(nameof(ComplaintDeadlines))]
    public Task ComplaintDeadlines([TimerTrigger("0 15 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(nameof(ComplaintDeadlines), cancellationToken);
}
