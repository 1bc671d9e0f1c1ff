using System.Diagnostics;
using System.Net.Sockets;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Logging;
using Pishkhan.Auth;
using Pishkhan.Bindings;
using Pishkhan.Problems;
using Pishkhan.Storage;
using Pishkhan.Telemetry;

namespace Pishkhan.Http;

/// <summary>
/// The single entry of every HTTP call in both hosts: finds the route in the binding table, applies its
/// access rule (401/403), runs the handler, and turns failures into problem details — 503 with
/// Retry-After when storage is unreachable, never a 500 for what the caller sent.
/// </summary>
public sealed class HttpGateway(FunctionCatalog catalog, Dispatch dispatch, ApiKeys keys, PishkhanSettings settings, ILogger<HttpGateway> logger)
{
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly Dictionary<string, (HttpBinding Binding, TemplateMatcher Matcher)> _routes =
        catalog.Http.ToDictionary(b => b.Function,
            b => (b, new TemplateMatcher(TemplateParser.Parse(b.Route), new RouteValueDictionary())));

    /// <summary>
    /// One activity (Pishkhan.Intake) and one metric point per call, tagged with the function, route
    /// template, method, caller role and status code: never the path's values, the query or the body.
    /// </summary>
    public async Task<IResult> Run(string function, HttpRequest request, CancellationToken cancellationToken)
    {
        var binding = _routes[function].Binding;
        using var activity = PishkhanTelemetry.Intake.StartActivity(function);
        activity?.SetTag("function", function);
        activity?.SetTag("http.route", binding.Route);
        activity?.SetTag("http.request.method", binding.Method);
        var started = Stopwatch.GetTimestamp();
        var calls = StorageCalls.Begin();

        var result = await RunRoute(function, request, activity, cancellationToken);

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        var elapsed = Stopwatch.GetElapsedTime(started);
        activity?.SetTag("http.response.status_code", status);
        if (status >= 500) activity?.SetStatus(ActivityStatusCode.Error);
        PishkhanTelemetry.RecordRequest(function, binding.Route, binding.Method, status, elapsed);
        PishkhanTelemetry.RecordStorageCalls(activity, function, calls);
        logger.LogDebug("{Function} answered {StatusCode} in {ElapsedMs:0.0} ms", function, status, elapsed.TotalMilliseconds);
        return result;
    }

    private async Task<IResult> RunRoute(string function, HttpRequest request, Activity? activity, CancellationToken cancellationToken)
    {
        var (binding, matcher) = _routes[function];
        try
        {
            var route = new RouteValueDictionary();
            var path = request.Path.Value ?? "";
            var relative = path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) ? path[4..] : path;
            matcher.TryMatch(new PathString(relative), route); // Path.Value is decoded already: not the string overload, which decodes again

            var access = binding.Access;
            Caller? caller = null;
            var presented = request.Headers[ApiKeyHeader].ToString();
            if (!access.IsPublic)
            {
                caller = await keys.AuthenticateAsync(presented, cancellationToken) ?? throw Problem.Unauthorized();
                if (!access.Allows(caller)) throw Problem.Forbidden("Your role may not call this route.");
            }
            else if (presented.Length > 0)
            {
                caller = await keys.AuthenticateAsync(presented, cancellationToken);
            }

            activity?.SetTag("pishkhan.caller.role", caller is null ? "public" : caller.Role.ToString().ToLowerInvariant());
            return await dispatch.Http(function)(new ApiRequest(request, caller, route, settings.MaxJsonBodyBytes, cancellationToken));
        }
        catch (ApiProblem problem)
        {
            return problem.Result;
        }
        catch (Exception e) when (IsStorageUnavailable(e, cancellationToken))
        {
            logger.LogWarning("Storage unreachable during {Function}: {Reason}", function, e.GetType().Name);
            return StorageUnavailable();
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return Problem.PreconditionFailed().Result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return TypedResults.StatusCode(499);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unhandled failure in {Function}", function);
            return TypedResults.Problem(statusCode: 500, title: "Internal error.", detail: "The failure was logged.");
        }
    }

    public static IResult StorageUnavailable() => new RetryAfterResult(
        TypedResults.Problem(statusCode: 503, title: "Storage unavailable.", detail: "Try again shortly."), seconds: 5);

    /// <summary>Connection refused, DNS, timeouts and 5xx from storage: the caller should retry later.</summary>
    public static bool IsStorageUnavailable(Exception e, CancellationToken cancellationToken) => e switch
    {
        RequestFailedException r => r.Status == 0 || r.Status >= 500 || r.InnerException is not null && IsStorageUnavailable(r.InnerException, cancellationToken),
        AggregateException a => a.InnerExceptions.All(i => IsStorageUnavailable(i, cancellationToken)),
        HttpRequestException or SocketException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private sealed class RetryAfterResult(IResult inner, int seconds) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => 503;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
