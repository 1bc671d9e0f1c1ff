using System.Text;

namespace Pishkhan.Local.Demo;

/// <summary>What seeding the demo came to: the result, or the error that stopped it (logged; the host serves anyway).</summary>
public sealed record DemoOutcome(DemoSeeder.DemoResult? Result, Exception? Error);

/// <summary>
/// Seeds the demo in a private host and prints where to look. The private host is the local host built with the
/// same settings but its own service provider and its own clock (<see cref="DemoClock"/>, moved into the
/// simulated month), its own queue listener and scheduler, listening on a free loopback port only while it
/// seeds, and stopped before <see cref="SeedPrivatelyAsync"/> returns. <see cref="LocalProgram"/> builds and
/// starts the public host only afterwards, so no caller of the public API ever sees the simulated clock.
/// </summary>
public static class DemoRunner
{
    public static async Task<DemoOutcome> SeedPrivatelyAsync(string[] args, Action<WebApplicationBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        WebApplication? host = null;
        try
        {
            host = LocalHost.Build(args, builder =>
            {
                configure?.Invoke(builder);
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
                builder.Services.AddSingleton<DemoClock>();
                builder.Services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<DemoClock>());
            });
            var settings = host.Services.GetRequiredService<PishkhanSettings>();
            if (settings.BootstrapAdminKey is not { Length: > 0 } bootstrap)
                throw new InvalidOperationException("The demo needs Pishkhan__BootstrapAdminKey (./run.sh sets one).");
            await host.StartAsync(cancellationToken);
            using var http = new HttpClient { BaseAddress = new Uri(host.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Add("X-Api-Key", bootstrap);
            var seeder = new DemoSeeder(http, host.Services, host.Services.GetRequiredService<DemoClock>(), host.Services.GetRequiredService<ILogger<DemoSeeder>>());
            return new DemoOutcome(await seeder.RunAsync(cancellationToken), null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var logger = host?.Services.GetService<ILogger<DemoSeeder>>();
            if (logger is not null) logger.LogError(e, "The demo could not be seeded; the host starts without it");
            else Console.Error.WriteLine($"The demo could not be seeded; the host starts without it: {e}");
            return new DemoOutcome(null, e);
        }
        finally
        {
            if (host is not null)
            {
                try
                {
                    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    await host.StopAsync(stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or AggregateException or InvalidOperationException)
                {
                    // A host that failed to start, or did not stop in time: it is disposed below either way.
                }
                await host.DisposeAsync();
            }
        }
    }

    /// <summary>What the demo made and where to look, on the console (and the keys in .local/demo-keys.txt).</summary>
    public static async Task PrintAsync(DemoOutcome outcome, string baseUrl, string? siteUrl, string outboxDirectory, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        if (outcome.Result is not { } result)
            text.AppendLine($"Demo: NOT seeded ({outcome.Error?.GetType().Name}: {outcome.Error?.Message}); the API serves without it. Is storage running?");
        else if (!result.Seeded)
            text.AppendLine("Demo: the store already has data; it is never seeded twice (delete .azurite/ to start over).");
        else
        {
            text.AppendLine($"Demo seeded in {result.Took.TotalSeconds:F0} s: period {result.Period} ({result.Period.PersianName}) simulated, ranked and published.");
            if (result.Counts is { } counts) text.AppendLine("  simulated      " + string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}")));
            text.AppendLine($"  API base URL   {baseUrl}/api");
            foreach (var url in result.ReportUrls) text.AppendLine($"  report         {url}");
            if (siteUrl is not null) text.AppendLine($"  site           {siteUrl}/index.html");
            text.AppendLine($"  outbox folder  {outboxDirectory}  (also GET {baseUrl}/dev/outbox with X-Api-Key: the bootstrap key)");
            text.AppendLine("  demo keys (X-Api-Key), also in .local/demo-keys.txt:");
            foreach (var (name, key) in result.Keys.OrderBy(k => k.Key))
                text.AppendLine($"    {name,-32} {key}");
            Directory.CreateDirectory(".local");
            await File.WriteAllLinesAsync(Path.Combine(".local", "demo-keys.txt"), result.Keys.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"), cancellationToken);
        }
        Console.WriteLine(text.ToString());
    }
}
