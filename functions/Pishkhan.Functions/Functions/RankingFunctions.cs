using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class RankingFunctions(HttpGateway gateway, Dispatch dispatch)
{
    [Function(nameof(PutRankingPolicy))]
    public Task<IResult> PutRankingPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "ranking-policy")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutRankingPolicy), req, cancellationToken);

    [Function(nameof(GetRankingPolicy))]
    public Task<IResult> GetRankingPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ranking-policy")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetRankingPolicy), req, cancellationToken);

    [Function(nameof(GetRanking))]
    public Task<IResult> GetRanking([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "rankings/{period}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(GetRanking), req, cancellationToken);

    [Function(nameof(RecomputeRanking))]
    public Task<IResult> RecomputeRanking([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rankings/{period}:recompute")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(RecomputeRanking), req, cancellationToken);

    [Function(nameof(RankProvince))]
    public Task RankProvince([QueueTrigger(QueueNames.Rankings)] string message, FunctionContext context, CancellationToken cancellationToken)
        => dispatch.RunQueue(nameof(RankProvince), message, context, cancellationToken);

    // Daily at 21:00 UTC = 00:30 Tehran: the first half hour of a new Jalali month is already past.
    [Function(nameof(RankingDaily))]
    public Task RankingDaily([TimerTrigger("0 0 21 * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => dispatch.RunTimer(nameof(RankingDaily), cancellationToken);
}
