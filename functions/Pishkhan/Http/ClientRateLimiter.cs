using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Pishkhan.Problems;

namespace Pishkhan.Http;

/// <summary>
/// Per-client sliding-window rate limit for public routes: at most <c>limit</c> calls in any
/// <c>window</c>, else 429 with Retry-After (the seconds until the oldest call leaves the window).
/// The client is the remote IP address — in Azure Functions the ASP.NET Core integration sets it from
/// X-Forwarded-For (azure-functions-dotnet-worker#3111); behind Azure Front Door it is the Front Door
/// address unless X-Azure-ClientIP is trusted (azure-functions-host#11254). IPv6 clients are counted by
/// their /64, which one subscriber usually holds whole. The count lives in this instance's memory, so N
/// instances allow N times the limit: Azure Front Door or API Management rate limiting does it across
/// instances, this is the floor that works everywhere (and in the local host).
/// </summary>
public sealed class ClientRateLimiter(TimeProvider clock)
{
    private const int SweepAbove = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public void Demand(ApiRequest request, string bucket, int limit, TimeSpan window)
    {
        var now = clock.GetUtcNow();
        var key = bucket + "|" + ClientKey(request.Http.HttpContext);
        var w = _windows.GetOrAdd(key, _ => new Window(window));
        TimeSpan? wait;
        lock (w) wait = w.TryHit(now, limit);
        if (_windows.Count > SweepAbove) Sweep(now);
        if (wait is { } retry)
            throw new ApiProblem(new TooManyRequests(Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds))), "rate limited");
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

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, w) in _windows)
        {
            bool idle;
            lock (w) idle = w.IsIdle(now);
            if (idle) _windows.TryRemove(key, out _);
        }
    }

    private sealed class Window(TimeSpan length)
    {
        private readonly Queue<DateTimeOffset> _hits = new();

        public TimeSpan? TryHit(DateTimeOffset now, int limit)
        {
            while (_hits.Count > 0 && _hits.Peek() <= now - length) _hits.Dequeue();
            if (_hits.Count >= limit) return _hits.Peek() + length - now;
            _hits.Enqueue(now);
            return null;
        }

        public bool IsIdle(DateTimeOffset now) => _hits.Count == 0 || _hits.Last() <= now - length;
    }

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
