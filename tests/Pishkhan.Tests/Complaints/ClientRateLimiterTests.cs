using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Http;
using Pishkhan.Problems;

namespace Pishkhan.Tests.Complaints;

public class ClientRateLimiterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));

    private static ApiRequest From(string ip)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        return new ApiRequest(context.Request, null, new RouteValueDictionary(), 65536, default);
    }

    private static async Task<(int Status, string? RetryAfter)> ExecuteAsync(ApiProblem problem)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await problem.Result.ExecuteAsync(context);
        return (context.Response.StatusCode, context.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task AllowsTheLimitThenAnswers429WithRetryAfter()
    {
        var limiter = new ClientRateLimiter(_clock);
        for (var i = 0; i < 3; i++)
        {
            limiter.Demand(From("203.0.113.7"), "file", 3, TimeSpan.FromMinutes(10));
            _clock.Advance(TimeSpan.FromMinutes(1));
        }
        var problem = Assert.Throws<ApiProblem>(() => limiter.Demand(From("203.0.113.7"), "file", 3, TimeSpan.FromMinutes(10)));
        var (status, retryAfter) = await ExecuteAsync(problem);
        Assert.Equal(429, status);
        // The first call (at 0:00) leaves the window at 10:00; it is 3:00 now.
        Assert.Equal("420", retryAfter);
    }

    [Fact]
    public void TheWindowSlides()
    {
        var limiter = new ClientRateLimiter(_clock);
        limiter.Demand(From("203.0.113.7"), "file", 2, TimeSpan.FromMinutes(10));
        _clock.Advance(TimeSpan.FromMinutes(6));
        limiter.Demand(From("203.0.113.7"), "file", 2, TimeSpan.FromMinutes(10));
        Assert.Throws<ApiProblem>(() => limiter.Demand(From("203.0.113.7"), "file", 2, TimeSpan.FromMinutes(10)));
        _clock.Advance(TimeSpan.FromMinutes(4));
        limiter.Demand(From("203.0.113.7"), "file", 2, TimeSpan.FromMinutes(10));
        Assert.Throws<ApiProblem>(() => limiter.Demand(From("203.0.113.7"), "file", 2, TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void RefusedCallsDoNotExtendTheBlock()
    {
        var limiter = new ClientRateLimiter(_clock);
        limiter.Demand(From("203.0.113.7"), "file", 1, TimeSpan.FromMinutes(1));
        for (var i = 0; i < 10; i++) Assert.Throws<ApiProblem>(() => limiter.Demand(From("203.0.113.7"), "file", 1, TimeSpan.FromMinutes(1)));
        _clock.Advance(TimeSpan.FromMinutes(1));
        limiter.Demand(From("203.0.113.7"), "file", 1, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void ClientsAndBucketsAreCountedSeparately()
    {
        var limiter = new ClientRateLimiter(_clock);
        limiter.Demand(From("203.0.113.7"), "file", 1, TimeSpan.FromMinutes(10));
        limiter.Demand(From("203.0.113.8"), "file", 1, TimeSpan.FromMinutes(10));
        limiter.Demand(From("203.0.113.7"), "follow", 1, TimeSpan.FromMinutes(10));
        Assert.Throws<ApiProblem>(() => limiter.Demand(From("203.0.113.7"), "file", 1, TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void AnIpv6ClientIsCountedByItsSlash64()
    {
        var limiter = new ClientRateLimiter(_clock);
        limiter.Demand(From("2001:db8:1:2::1"), "file", 1, TimeSpan.FromMinutes(10));
        Assert.Throws<ApiProblem>(() => limiter.Demand(From("2001:db8:1:2:ffff::9"), "file", 1, TimeSpan.FromMinutes(10)));
        limiter.Demand(From("2001:db8:1:3::1"), "file", 1, TimeSpan.FromMinutes(10));
    }

    [Fact]
    public void AnIpv4MappedAddressIsTheIpv4Client()
    {
        var limiter = new ClientRateLimiter(_clock);
        limiter.Demand(From("::ffff:203.0.113.7"), "file", 1, TimeSpan.FromMinutes(10));
        Assert.Throws<ApiProblem>(() => limiter.Demand(From("203.0.113.7"), "file", 1, TimeSpan.FromMinutes(10)));
    }
}
