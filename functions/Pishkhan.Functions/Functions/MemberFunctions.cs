using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class MemberFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.PutMember)]
    public Task<IResult> PutMember([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.Member)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutMember, req, cancellationToken);

    [Function(FunctionNames.ListMembers)]
    public Task<IResult> ListMembers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Members)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListMembers, req, cancellationToken);
}
