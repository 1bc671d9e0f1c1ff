using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Pishkhan.Problems;

namespace Pishkhan.Http;

/// <summary>
/// Per-client rate limit for public routes: at most <c>limit</c> calls in any <c>window</c> (a
/// <see cref="SlidingWindowRateLimiter"/> of <see cref="Segments"/> segments per client and bucket, from
/// System.Threading.RateLimiting), else 429 with Retry-After: the length of one segment, the earliest moment
/// the window slides and a call can be let through again (a client that comes back too early is told again).
/// Refused calls do not count. Partitions idle for a while are dropped by the partitioned limiter, so memory
/// follows the clients of the last few windows. The limiter measures real elapsed time (it does not take a
/// <see cref="TimeProvider"/>, dotnet/runtime#106447), which is what a rate limit is about anyway.
/// The client is the remote IP address — in Azure Functions the ASP.NET Core integration sets it from
/// X-Forwarded-For (azure-functions-dotnet-worker#3111); behind Azure Front Door it is the Front Door
/// address unless X-Azure-ClientIP is trusted (azure-functions-host#11254). IPv6 clients are counted by
/// their /64, which one subscriber usually holds whole. The count lives in this instance's memory, so N
/// instances allow N times the limit: Azure Front Door or API Management rate limiting does it across
/// instances, this is the floor that works everywhere (and in the local host).
/// </summary>
public sealed class ClientRateLimiter : IDisposable
{
    public const int Segments = 10;

    private readonly record struct Partition(string Bucket, string Client, int Limit, TimeSpan Window);

    private readonly PartitionedRateLimiter<Partition> _limiter = PartitionedRateLimiter.Create<Partition, Partition>(p =>
        RateLimitPartition.GetSlidingWindowLimiter(p, k => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = k.Limit, Window = k.Window, SegmentsPerWindow = Segments, QueueLimit = 0,
        }));

    public void Demand(ApiRequest request, string bucket, int limit, TimeSpan window)
    {
        using var lease = _limiter.AttemptAcquire(new Partition(bucket, ClientKey(request.Http.HttpContext), limit, window));
        if (lease.IsAcquired) return;
        // A refused sliding-window lease carries no RetryAfter metadata: one segment is the earliest the window slides.
        throw new ApiProblem(new TooManyRequests(Math.Max(1, (int)Math.Ceiling((window / Segments).TotalSeconds))), "rate limited");
    }

    /// <summary>The client's identity for counting; never logged (an IP address is personal data).</summary>
    public static string ClientKey(HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress;
        if (ip is null) return "unknown";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = ip.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            ip = new IPAddress(bytes);
        }
        return ip.ToString();
    }

    public void Dispose() => _limiter.Dispose();

    private sealed class TooManyRequests(int seconds) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => StatusCodes.Status429TooManyRequests;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.",
                detail: $"Too many calls from your address; try again in {seconds} seconds.").ExecuteAsync(httpContext);
        }
    }
}
