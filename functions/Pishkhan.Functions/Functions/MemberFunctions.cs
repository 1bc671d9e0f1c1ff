using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class MemberFunctions(HttpGateway gateway)
{
    [Function(nameof(PutMember))]
    public Task<IResult> PutMember([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "members/{memberId}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutMember), req, cancellationToken);

    [Function(nameof(ListMembers))]
    public Task<IResult> ListMembers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "members")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListMembers), req, cancellationToken);
}
