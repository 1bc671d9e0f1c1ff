using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.Functions;

public sealed class CalendarFunctions(HttpGateway gateway)
{
    [Function(nameof(ListHolidays))]
    public Task<IResult> ListHolidays([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "holidays")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(ListHolidays), req, cancellationToken);

    [Function(nameof(PutHoliday))]
    public Task<IResult> PutHoliday([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "holidays/{date}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(PutHoliday), req, cancellationToken);

    [Function(nameof(DeleteHoliday))]
    public Task<IResult> DeleteHoliday([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "holidays/{date}")] HttpRequest req, CancellationToken cancellationToken)
        => gateway.Run(nameof(DeleteHoliday), req, cancellationToken);
}
