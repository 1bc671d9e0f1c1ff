using System.Reflection;
using System.Text.RegularExpressions;

namespace Pishkhan.Tests.Infra;

/// <summary>
/// Finds the configuration keys C# source reads, as app-setting names ("Pishkhan__MaxJsonBodyBytes"):
/// indexers and GetValue on a configuration or on a section variable (var s = config.GetSection("X")),
/// Environment.GetEnvironmentVariable, and options bound with AddOptions&lt;T&gt;().BindConfiguration("X") or
/// Configure&lt;T&gt;(config.GetSection("X")) — for those, every settable property of T (found by name in
/// <paramref name="types"/>) is a key. A read the scanner cannot name (a key built at run time) is reported
/// as unresolved, so it fails the test instead of slipping through.
/// </summary>
public static partial class ConfigurationReads
{
    public sealed record Scan(IReadOnlySet<string> Keys, IReadOnlyList<string> Unresolved);

    public static Scan Find(IEnumerable<(string File, string Text)> sources, IReadOnlyList<Type> types)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var unresolved = new List<string>();
        foreach (var (file, raw) in sources)
        {
            var text = LineComment().Replace(raw, "");
            var sections = SectionVariable().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            bool IsConfig(string identifier) => sections.ContainsKey(identifier) || identifier.Contains("config", StringComparison.OrdinalIgnoreCase);
            string Prefix(string identifier) => sections.TryGetValue(identifier, out var s) ? s + ":" : "";

            foreach (Match m in Indexer().Matches(text))
                if (IsConfig(m.Groups[1].Value)) keys.Add(Name(Prefix(m.Groups[1].Value) + m.Groups[2].Value));
            foreach (Match m in GetValue().Matches(text))
                if (IsConfig(m.Groups[1].Value)) keys.Add(Name(Prefix(m.Groups[1].Value) + m.Groups[2].Value));
            foreach (Match m in EnvironmentVariable().Matches(text)) keys.Add(m.Groups[1].Value);
            foreach (Match m in BindOptions().Matches(text))
            {
                var typeName = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[3].Value;
                var section = m.Groups[2].Success ? m.Groups[2].Value : m.Groups[4].Value;
                var type = types.FirstOrDefault(t => t.Name == typeName);
                if (type is null) unresolved.Add($"{file}: options type {typeName} bound to \"{section}\" not found");
                else foreach (var key in OptionKeys(type, section)) keys.Add(key);
            }
            foreach (Match m in DynamicRead().Matches(text))
                if (IsConfig(m.Groups[1].Value)) unresolved.Add($"{file}: {m.Value.Trim()} (name the key as a string literal)");
        }
        return new Scan(keys, unresolved);
    }

    private static IEnumerable<string> OptionKeys(Type type, string section, int depth = 0)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var scalar = t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri)
                || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Guid);
            if (scalar || depth > 3) yield return Name(section + ":" + p.Name);
            else foreach (var k in OptionKeys(t, section + ":" + p.Name, depth + 1)) yield return k;
        }
    }

    /// <summary>Configuration path to app-setting name: ":" is "__" in environment variables.</summary>
    public static string Name(string path) => path.Replace(":", "__", StringComparison.Ordinal);

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"var\s+(\w+)\s*=\s*[\w.]+\.GetSection\(\s*""([^""]+)""\s*\)")]
    private static partial Regex SectionVariable();

    [GeneratedRegex(@"\b(\w+)\[\s*""([^""]+)""\s*\]")]
    private static partial Regex Indexer();

    [GeneratedRegex(@"\b(\w+)\.GetValue(?:<[^>]+>)?\(\s*""([^""]+)""")]
    private static partial Regex GetValue();

    [GeneratedRegex(@"Environment\.GetEnvironmentVariable\(\s*""([^""]+)""\s*\)")]
    private static partial Regex EnvironmentVariable();

    [GeneratedRegex(@"AddOptions<(\w+)>\(\)\s*\.BindConfiguration\(\s*""([^""]+)""|Configure<(\w+)>\(\s*[\w.]+\.GetSection\(\s*""([^""]+)""")]
    private static partial Regex BindOptions();

    // config[someVariable] or GetValue<T>(someVariable): a key the scanner cannot see.
    [GeneratedRegex(@"\b(\w+)(?:\[\s*[A-Za-z_$][^\]""]*\]|\.GetValue(?:<[^>]+>)?\(\s*[A-Za-z_$][^,)""]*[,)])")]
    private static partial Regex DynamicRead();
}
