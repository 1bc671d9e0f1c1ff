using System.Diagnostics;
using System.Text.Json.Nodes;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.OpenApi;

/// <summary>
/// The served document through the two linters API tooling uses, pinned in package.json: Redocly's
/// `recommended` (redocly.yaml) and Spectral's `spectral:oas` (.spectral.yaml). Both must report nothing.
/// </summary>
public sealed class OpenApiLintTests(HostFixture fixture) : IClassFixture<HostFixture>, IAsyncLifetime
{
    private string _file = "";

    public async Task InitializeAsync()
    {
        var response = await fixture.Host.SendAsync(HttpMethod.Get, "/api/openapi.json", key: null);
        response.EnsureSuccessStatusCode();
        _file = Path.Combine(Directory.CreateTempSubdirectory("pishkhan-openapi-").FullName, "openapi.json");
        await File.WriteAllTextAsync(_file, await response.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RedoclyRecommendedReportsNoErrorsAndNoWarnings()
    {
        var (output, _) = await RunAsync("@redocly/cli/bin/cli.js", "lint", _file, "--config", Path.Combine(RepoRoot.Path, "redocly.yaml"), "--format", "json");
        var report = JsonNode.Parse(output[output.IndexOf('{')..])!;
        var problems = report["problems"]!.AsArray().Select(p => $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}");
        Assert.True(report["totals"]!["errors"]!.GetValue<int>() == 0 && report["totals"]!["warnings"]!.GetValue<int>() == 0,
            string.Join("\n", problems));
    }

    [Fact]
    public async Task SpectralOasReportsNothing()
    {
        var (output, exit) = await RunAsync("@stoplight/spectral-cli/dist/index.js", "lint", _file,
            "--ruleset", Path.Combine(RepoRoot.Path, ".spectral.yaml"), "--format", "json", "--fail-severity", "hint", "--quiet");
        var results = output.Trim().Length == 0 ? [] : JsonNode.Parse(output[output.IndexOf('[')..])!.AsArray();
        var lines = results.Select(r => $"{r!["severity"]} {r["code"]}: {r["message"]} at {string.Join('/', r["path"]!.AsArray())}");
        Assert.True(results.Count == 0 && exit == 0, $"exit {exit}\n" + string.Join("\n", lines));
    }

    private static async Task<(string Output, int Exit)> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot.Path };
        start.ArgumentList.Add(Path.Combine(RepoRoot.Path, "node_modules", script));
        foreach (var a in args) start.ArgumentList.Add(a);
        // Neither tool may phone home from CI.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.True(output.Length > 0 || process.ExitCode == 0, $"{script} exited {process.ExitCode}: {await stderr}");
        return (output, process.ExitCode);
    }
}
