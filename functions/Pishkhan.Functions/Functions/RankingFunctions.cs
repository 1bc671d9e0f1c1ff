using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class RankingFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(FunctionNames.PutRankingPolicy)]
    public Task<IResult> PutRankingPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.RankingPolicy)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutRankingPolicy, req, cancellationToken);

    [Function(FunctionNames.GetRankingPolicy)]
    public Task<IResult> GetRankingPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.RankingPolicy)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetRankingPolicy, req, cancellationToken);

    [Function(FunctionNames.GetRanking)]
    public Task<IResult> GetRanking([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Ranking)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.GetRanking, req, cancellationToken);

    [Function(FunctionNames.RecomputeRanking)]
    public Task<IResult> RecomputeRanking([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.RankingRecompute)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.RecomputeRanking, req, cancellationToken);

    [Function(FunctionNames.RankProvince)]
    public Task RankProvince([QueueTrigger(QueueNames.Rankings)] string message, CancellationToken cancellationToken)
        => dispatch.RunQueue(FunctionNames.RankProvince, message, cancellationToken);

    [Function(FunctionNames.RankingDaily)]
    public Task RankingDaily([TimerTrigger(Schedules.RankingDaily)] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(FunctionNames.RankingDaily, cancellationToken);
}
