using System.Text;

namespace Pishkhan.Local.Demo;

/// <summary>Runs the demo seeder against the started local host and prints where to look.</summary>
public static class DemoRunner
{
    public static async Task<DemoSeeder.DemoResult> RunAsync(WebApplication app, string? siteUrl = null, CancellationToken cancellationToken = default)
    {
        var settings = app.Services.GetRequiredService<PishkhanSettings>();
        if (settings.BootstrapAdminKey is not { Length: > 0 } bootstrap)
            throw new InvalidOperationException("The demo needs Pishkhan__BootstrapAdminKey (./run.sh sets one).");
        var baseUrl = app.Urls.First();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", bootstrap);
        var seeder = new DemoSeeder(http, app.Services, app.Services.GetRequiredService<DemoClock>(), app.Services.GetRequiredService<ILogger<DemoSeeder>>());
        var result = await seeder.RunAsync(cancellationToken);

        var outbox = Path.GetFullPath(app.Configuration["Pishkhan:Outbox:PickupDirectory"] ?? Path.Combine(".local", "outbox"));
        var text = new StringBuilder();
        if (!result.Seeded)
            text.AppendLine("Demo: the store already has data; it is never seeded twice (delete .azurite/ to start over).");
        else
        {
            text.AppendLine($"Demo seeded in {result.Took.TotalSeconds:F0} s: period {result.Period} ({result.Period.PersianName}) simulated, ranked and published.");
            if (result.Counts is { } counts) text.AppendLine("  simulated      " + string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}")));
            text.AppendLine($"  API base URL   {baseUrl}/api");
            foreach (var url in result.ReportUrls) text.AppendLine($"  report         {url}");
            if (siteUrl is not null) text.AppendLine($"  site           {siteUrl}/index.html");
            text.AppendLine($"  outbox folder  {outbox}  (also GET {baseUrl}/dev/outbox with X-Api-Key: the bootstrap key)");
            text.AppendLine("  demo keys (X-Api-Key), also in .local/demo-keys.txt:");
            foreach (var (name, key) in result.Keys.OrderBy(k => k.Key))
                text.AppendLine($"    {name,-32} {key}");
            Directory.CreateDirectory(".local");
            await File.WriteAllLinesAsync(Path.Combine(".local", "demo-keys.txt"), result.Keys.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"), cancellationToken);
        }
        Console.WriteLine(text.ToString());
        return result;
    }
}
