using Microsoft.AspNetCore.Http;
using Pishkhan.Http;
using Pishkhan.Storage;

namespace Pishkhan.Health;

public sealed class HealthApi(Store store, TimeProvider clock)
{
    public sealed record HealthView(string Status, string Storage, DateTimeOffset CheckedAt);

    /// <summary>200 when Table Storage answers within 3 s; otherwise the gateway answers 503 with Retry-After.</summary>
    public async Task<IResult> Get(ApiRequest request)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(request.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        await foreach (var _ in store.Tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages(pageSizeHint: 1))
            break;
        return TypedResults.Ok(new HealthView("ok", "reachable", clock.GetUtcNow()));
    }
}
