using Pishkhan.Local;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Pishkhan.Auth;
using Pishkhan.Bindings;
using Pishkhan.Tests.Infrastructure;
using static Pishkhan.Tests.Reliability.AuthorizationMatrix;

namespace Pishkhan.Tests.Reliability;

/// <summary>One host with the two seeded provinces for the whole matrix; collects every row's outcome for the figures.</summary>
public sealed class MatrixFixture : IAsyncLifetime
{
    public TestHost Host { get; private set; } = null!;
    public MatrixWorld World { get; private set; } = null!;
    public ConcurrentQueue<MatrixOutcome> Outcomes { get; } = new();
    private readonly string _pickup = ReliabilitySettings.NewPickupDirectory();

    public async Task InitializeAsync()
    {
        Host = await TestHost.StartAsync(timers: [], settings: ReliabilitySettings.For(_pickup));
        World = await MatrixWorld.SeedAsync(Host);
    }

    public async Task DisposeAsync()
    {
        var all = Outcomes.ToList();
        if (all.Count > 0)
        {
            ReliabilityFigures.Write("authorization-matrix", new
            {
                routes = all.Select(o => o.Route).Distinct().Count(),
                callers = all.Select(o => o.Caller).Distinct().Count(),
                cases = all.Count,
                expectedDenials = all.Count(o => o.Expectation is Expectation.Unauthorized or Expectation.Forbidden or Expectation.Denied),
                foreignOnScopedToCallerRoutes = all.Count(o => o.Expectation == Expectation.DeniedOrOwnData),
                answeredWithOwnDataOnly = all.Count(o => o.Expectation == Expectation.DeniedOrOwnData && o.Status is >= 200 and < 300),
                allowed = all.Count(o => o.Expectation == Expectation.Allowed),
                allowedAnswered2xx = all.Count(o => o.Expectation == Expectation.Allowed && o.Status is >= 200 and < 300),
                @public = all.Count(o => o.Expectation == Expectation.Public),
                byExpectation = all.GroupBy(o => o.Expectation.ToString()).ToDictionary(g => g.Key, g => g.Count()),
                byStatus = all.GroupBy(o => o.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => g.Count()),
                mismatches = all.Count(o => !o.Ok),
                leaks = all.Count(o => o.Leak),
                failures = all.Where(o => !o.Ok).Select(o => $"{o.Route} as {o.Caller}: {o.Why}").ToList(),
            });
        }
        await Host.DisposeAsync();
        Directory.Delete(_pickup, recursive: true);
    }
}

public sealed record MatrixOutcome(string Route, string Caller, Expectation Expectation, int Status, bool Ok, bool Leak, string Why);

/// <summary>
/// Broken object-level authorization is the first API risk: every route × caller, the expected outcome derived from
/// the binding table's access rule and the caller's scope against the route's target (see <see cref="AuthorizationMatrix"/>).
/// A row fails when a caller is let in where it should not be (a leak: 2xx, or data of a scope it does not cover, or a
/// complainant's personal data outside the case view), refused where it should not be, or answered with a 5xx.
/// An allowed caller must get 2xx: a 404 or 409 there is a wrong refusal, not a pass.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixFixture fixture) : IClassFixture<MatrixFixture>
{
    public static TheoryData<string, string> Cases() => Rows();

    [Fact]
    public void MatrixKnowsEveryRoute()
    {
        var unknown = LocalHost.Catalog.Http.Select(b => (b, gaps: Gaps(b))).Where(x => x.gaps.Count > 0)
            .Select(x => $"{x.b.Method} {x.b.Route}: add {string.Join(", ", x.gaps)}").ToList();
        Assert.True(unknown.Count == 0, "The authorization matrix does not know these routes:\n" + string.Join("\n", unknown));
        Assert.Equal(LocalHost.Catalog.Http.Count * Callers.Count, Rows().Count());
    }

    [Fact]
    public void RouteWithAParameterTheMatrixDoesNotKnowIsAGap()
    {
        var route = new HttpBinding("PostWidget", "POST", "widgets/{widgetId}", AccessRule.For(Role.Admin), typeof(object));
        Assert.Equal(["parameter {widgetId}", "a RouteSpec (target scope)", "a sample body"], Gaps(route));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CallerGetsOnlyWhatItsRoleAndScopeAllow(string route, string callerName)
    {
        var binding = LocalHost.Catalog.Http.Single(b => $"{b.Method} {b.Route}" == route);
        var gaps = Gaps(binding);
        Assert.True(gaps.Count == 0, $"{route}: the matrix does not know {string.Join(", ", gaps)}");
        var world = fixture.World;
        var caller = Callers.Single(c => c.Name == callerName);
        var expectation = Expect(binding, caller, world);

        var arranged = expectation == Expectation.Allowed && Specs[binding.Function].Arrange is { } arrange ? await arrange(world) : null;
        var path = PathFor(binding, world, arranged);
        var body = arranged?.Body is { } arrangedBody
            ? new Body(System.Text.Json.JsonSerializer.Serialize(arrangedBody, Pishkhan.Http.Json.Options), "application/json")
            : BodyFor(binding, world);
        using var request = new HttpRequestMessage(new HttpMethod(binding.Method), path);
        if (world.Keys[caller.Name] is { } key) request.Headers.Add("X-Api-Key", key);
        if (binding.Method == "POST") request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        if (Specs[binding.Function].ReplacesExisting) request.Headers.TryAddWithoutValidation("If-Match", "*");
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.Text));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(body.MediaType) { CharSet = "utf-8" };
        }
        using var response = await fixture.Host.Http.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();

        var (ok, leak, why) = Judge(binding, caller, expectation, status, response.Content.Headers.ContentType?.MediaType, text, path + "\n" + body?.Text);
        fixture.Outcomes.Enqueue(new MatrixOutcome(route, caller.Name, expectation, status, ok, leak, why));
        Assert.True(ok, $"{binding.Method} {path} as {caller.Name}: expected {expectation}, got {status}{(why.Length > 0 ? " — " + why : "")}: {Truncate(text)}");
    }

    private (bool Ok, bool Leak, string Why) Judge(HttpBinding binding, MatrixCaller caller, Expectation expectation, int status, string? mediaType, string text, string requestText)
    {
        var success = status is >= 200 and < 300;
        if (status >= 500) return (false, false, "a server error");
        if (status >= 400 && mediaType != "application/problem+json") return (false, false, $"an error without problem details ({mediaType})");

        // Personal data: a complainant's in the case view only, a citizen's in full only to the agency that sent the request.
        if (success && MatrixWorld.PersonalData.FirstOrDefault(p => text.Contains(p.Value, StringComparison.Ordinal) && !p.MaySee(binding.Function, caller)) is { Value: { } pii })
            return (false, true, $"personal data '{pii}' in the answer");
        // Data of a scope the caller does not cover (and did not name in its request).
        if (success && expectation != Expectation.Public)
        {
            var foreign = fixture.World.Markers.Where(m => !m.VisibleTo(caller) && text.Contains(m.Value, StringComparison.Ordinal)
                && !requestText.Contains(m.Value, StringComparison.Ordinal)).Select(m => m.Value).ToList();
            if (foreign.Count > 0) return (false, true, $"data outside the caller's scope: {string.Join(", ", foreign)}");
        }

        return expectation switch
        {
            Expectation.Unauthorized => (status == 401, success, ""),
            Expectation.Forbidden => (status == 403, success, ""),
            Expectation.Denied when status == 400 && Specs[binding.Function].NamedInBody && text.Contains("\"errors\"", StringComparison.Ordinal) => (true, false, ""),
            Expectation.Denied => (status is 403 or 404, success, ""),
            Expectation.DeniedOrOwnData when success && Specs[binding.Function].ForeignCheck?.Invoke(Parse(text)) is { } problem => (false, true, problem),
            Expectation.DeniedOrOwnData => (status is 403 or 404 || success, false, ""),
            Expectation.Allowed => (success, false, ""),
            Expectation.Public => (status != 401, false, ""),
            _ => throw new ArgumentOutOfRangeException(nameof(expectation)),
        };
    }

    private static JsonNode? Parse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static string Truncate(string s) => s.Length > 600 ? s[..600] + "…" : s;
}
