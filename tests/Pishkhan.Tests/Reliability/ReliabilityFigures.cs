using System.Collections.Concurrent;
using System.Text.Json;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Reliability;

/// <summary>
/// The figures each reliability suite measured in this run, written as JSON to
/// <c>tests/Pishkhan.Tests/TestResults/reliability/&lt;suite&gt;.json</c> (git-ignored) so the README table can be
/// refreshed from the last run. Tests assert on the figures; the files are only the record.
/// </summary>
public static class ReliabilityFigures
{
    private static readonly ConcurrentDictionary<string, object> Written = new();

    public static string Directory { get; } = Path.Combine(RepoRoot.Path, "tests", "Pishkhan.Tests", "TestResults", "reliability");

    public static void Write(string suite, object figures)
    {
        Written[suite] = figures;
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, suite + ".json"),
            JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
