using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pishkhan.Tests.Infra;

/// <summary>
/// Runs the real Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (restored with this
/// test project; its build props give $(BicepPath), stamped into the assembly by the csproj).
/// </summary>
public static partial class Bicep
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, IReadOnlyList<string> Diagnostics)
    {
        public string Output => Stdout + Environment.NewLine + Stderr;
    }

    private static readonly Lazy<Task<JsonObject>> Compiled = new(async () =>
    {
        var result = await RunAsync("build", "infra/main.bicep", "--stdout");
        Assert.True(result.ExitCode == 0, $"bicep build failed:\n{result.Output}");
        return JsonNode.Parse(result.Stdout)!.AsObject();
    });

    public static string RepositoryRoot { get; } = FindRoot();

    public static string ExecutablePath { get; } =
        typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!.Replace('\\', '/');

    /// <summary>infra/main.bicep compiled to an ARM template (modules become nested deployments), once per run.</summary>
    public static Task<JsonObject> MainTemplateAsync() => Compiled.Value;

    public static async Task<Result> RunAsync(params string[] arguments)
    {
        Assert.True(File.Exists(ExecutablePath), $"No Bicep CLI at {ExecutablePath}: restore tests/Pishkhan.Tests (package Azure.Bicep.CommandLine.linux-x64).");
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(ExecutablePath).HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(ExecutablePath, File.GetUnixFileMode(ExecutablePath) | UnixFileMode.UserExecute);

        var start = new ProcessStartInfo(ExecutablePath) { WorkingDirectory = RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var (output, errors) = (await stdout, await stderr);
        var diagnostics = Diagnostic().Matches(output + "\n" + errors).Select(m => m.Value.Trim()).ToList();
        return new Result(process.ExitCode, output, errors, diagnostics);
    }

    /// <summary>The nested deployment (a module) of the compiled main template.</summary>
    public static JsonObject Module(JsonObject main, string name) =>
        main["resources"]!.AsArray().Select(r => r!.AsObject())
            .Single(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments" && r["name"]!.GetValue<string>() == name)
            ["properties"]!["template"]!.AsObject();

    public static IEnumerable<JsonObject> Resources(JsonObject template, string type) =>
        template["resources"]!.AsArray().Select(r => r!.AsObject()).Where(r => r["type"]!.GetValue<string>() == type);

    /// <summary>
    /// A value that is an expression over a variable ("[variables('x')]", "[union(variables('x'), parameters('y'))]"):
    /// the variable's value from the template; otherwise the value itself.
    /// </summary>
    public static JsonNode? Resolve(JsonObject template, JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) && VariableReference().Match(s) is { Success: true } m
            ? template["variables"]![m.Groups[1].Value]
            : value;

    // "path(line,col) : Warning rule-name: message" — any level counts.
    [GeneratedRegex(@"^.*\(\d+,\d+\) : (Error|Warning|Info)\b.*$", RegexOptions.Multiline)]
    private static partial Regex Diagnostic();

    [GeneratedRegex(@"^\[.*?\bvariables\('([^']+)'\)")]
    private static partial Regex VariableReference();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pishkhan.Functions.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("No Pishkhan.Functions.sln above " + AppContext.BaseDirectory);
    }
}
