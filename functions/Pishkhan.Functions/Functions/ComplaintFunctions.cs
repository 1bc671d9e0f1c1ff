using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class ComplaintFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(FunctionNames.FileComplaint)]
    public Task<IResult> FileComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Complaints)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.FileComplaint, req, cancellationToken);

    [Function(FunctionNames.GetComplaintStatus)]
    public Task<IResult> GetComplaintStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Complaint)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetComplaintStatus, req, cancellationToken);

    [Function(FunctionNames.EscalateComplaint)]
    public Task<IResult> EscalateComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.ComplaintEscalation)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.EscalateComplaint, req, cancellationToken);

    [Function(FunctionNames.WithdrawComplaint)]
    public Task<IResult> WithdrawComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.ComplaintWithdrawal)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.WithdrawComplaint, req, cancellationToken);

    [Function(FunctionNames.ListComplaintCategories)]
    public Task<IResult> ListComplaintCategories([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ComplaintCategories)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListComplaintCategories, req, cancellationToken);

    [Function(FunctionNames.ListComplaints)]
    public Task<IResult> ListComplaints([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Complaints)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListComplaints, req, cancellationToken);

    [Function(FunctionNames.GetComplaintCase)]
    public Task<IResult> GetComplaintCase([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ComplaintCase)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetComplaintCase, req, cancellationToken);

    [Function(FunctionNames.DecideComplaint)]
    public Task<IResult> DecideComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.ComplaintDecision)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.DecideComplaint, req, cancellationToken);

    [Function(FunctionNames.ExtendComplaint)]
    public Task<IResult> ExtendComplaint([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.ComplaintExtension)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ExtendComplaint, req, cancellationToken);

    [Function(FunctionNames.GetComplaintAccessLog)]
    public Task<IResult> GetComplaintAccessLog([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ComplaintAccessLog)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetComplaintAccessLog, req, cancellationToken);

    [Function(FunctionNames.ComplaintDeadlines)]
    public Task ComplaintDeadlines([TimerTrigger(Schedules.ComplaintDeadlines)] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(FunctionNames.ComplaintDeadlines, cancellationToken);
}
