using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class CalendarFunctions(HttpGateway gateway)
{
    [Function(FunctionNames.ListHolidays)]
    public Task<IResult> ListHolidays([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Holidays)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.ListHolidays, req, cancellationToken);

    [Function(FunctionNames.PutHoliday)]
    public Task<IResult> PutHoliday([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.Holiday)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.PutHoliday, req, cancellationToken);

    [Function(FunctionNames.DeleteHoliday)]
    public Task<IResult> DeleteHoliday([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.Holiday)] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(FunctionNames.DeleteHoliday, req, cancellationToken);
}
