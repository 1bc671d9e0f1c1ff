using System.Reflection;
using System.Text.RegularExpressions;

namespace Pishkhan.Tests.Infra;

/// <summary>
/// Finds the configuration keys C# source reads, as app-setting names ("Pishkhan__MaxJsonBodyBytes"):
/// <list type="bullet">
/// <item>indexers and GetValue on a configuration (an identifier containing "config") or on a section —
/// a variable <c>var s = x.GetSection("X")</c>, or a method parameter <c>IConfigurationSection s</c> whose
/// callers pass <c>y.GetSection("X")</c> to <c>Type.Method(...)</c>; keys are string literals or <c>nameof(X)</c>;</item>
/// <item>Environment.GetEnvironmentVariable("X");</item>
/// <item>options bound with AddOptions&lt;T&gt;().BindConfiguration("X") or Configure&lt;T&gt;(x.GetSection("X")):
/// every property of T with a public setter (found by name in the given types) is a key, named by its
/// [ConfigurationKeyName] if it has one.</item>
/// </list>
/// A read the scanner cannot name (a key in a variable, a section parameter no caller names) is reported as
/// unresolved, so it fails the test instead of slipping through.
/// </summary>
public static partial class ConfigurationReads
{
    public sealed record Scan(IReadOnlySet<string> Keys, IReadOnlyList<string> Unresolved);

    private sealed record Source(string File, string Text, Dictionary<string, string> Sections);

    public static Scan Find(IEnumerable<(string File, string Text)> sources, IReadOnlyList<Type> types)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var unresolved = new List<string>();
        var files = sources.Select(s => new Source(s.File, LineComment().Replace(s.Text, ""), [])).ToList();

        // Section variables: var s = config.GetSection("X") (root) or var t = s.GetSection("Y") (nested).
        foreach (var f in files)
            foreach (Match m in SectionVariable().Matches(f.Text))
                f.Sections[m.Groups[1].Value] = Path(f, m.Groups[2].Value, m.Groups[3].Value);

        // Section parameters: Type.Method(IConfigurationSection p), named by the callers' GetSection("X").
        foreach (var f in files)
            foreach (Match m in SectionParameter().Matches(f.Text))
            {
                var (method, parameter) = (m.Groups[1].Value, m.Groups[2].Value);
                var type = TypeDeclaration().Matches(f.Text[..m.Index]).LastOrDefault()?.Groups[1].Value ?? "";
                var paths = files.SelectMany(caller => CallWithSection(type, method).Matches(caller.Text)
                        .Select(c => Path(caller, c.Groups[1].Value, c.Groups[2].Value)))
                    .Distinct().ToList();
                if (paths.Count == 1) f.Sections[parameter] = paths[0];
                else unresolved.Add($"{f.File}: {type}.{method}({parameter}) is called with {paths.Count} distinct sections; pass one literal GetSection(\"…\")");
            }

        foreach (var f in files)
        {
            bool IsConfig(string identifier) => f.Sections.ContainsKey(identifier) || identifier.Contains("config", StringComparison.OrdinalIgnoreCase);
            string Prefix(string identifier) => f.Sections.TryGetValue(identifier, out var s) ? s + ":" : "";
            string KeyOf(Match m) => m.Groups[2].Success && m.Groups[2].Length > 0 ? m.Groups[2].Value : m.Groups[3].Value;

            foreach (Match m in Indexer().Matches(f.Text))
                if (IsConfig(m.Groups[1].Value)) keys.Add(Name(Prefix(m.Groups[1].Value) + KeyOf(m)));
            foreach (Match m in GetValue().Matches(f.Text))
                if (IsConfig(m.Groups[1].Value)) keys.Add(Name(Prefix(m.Groups[1].Value) + KeyOf(m)));
            foreach (Match m in EnvironmentVariable().Matches(f.Text)) keys.Add(m.Groups[1].Value);
            foreach (Match m in BindOptions().Matches(f.Text))
            {
                var typeName = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[3].Value;
                var section = m.Groups[2].Success ? m.Groups[2].Value : m.Groups[4].Value;
                var type = types.FirstOrDefault(t => t.Name == typeName);
                if (type is null) unresolved.Add($"{f.File}: options type {typeName} bound to \"{section}\" not found");
                else foreach (var key in OptionKeys(type, section)) keys.Add(key);
            }
            foreach (Match m in DynamicRead().Matches(f.Text))
                if (IsConfig(m.Groups[1].Value)) unresolved.Add($"{f.File}: {m.Value.Trim()} (name the key with a string literal or nameof)");
        }
        return new Scan(keys, unresolved);
    }

    private static string Path(Source file, string receiver, string name) =>
        file.Sections.TryGetValue(receiver, out var parent) ? parent + ":" + name : name;

    private static IEnumerable<string> OptionKeys(Type type, string section, int depth = 0)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var scalar = t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri)
                || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Guid);
            // The binder reads a property from its [ConfigurationKeyName] when it has one (a path such as "Outbox:PickupDirectory").
            var key = p.GetCustomAttribute<Microsoft.Extensions.Configuration.ConfigurationKeyNameAttribute>()?.Name ?? p.Name;
            if (scalar || depth > 3) yield return Name(section + ":" + key);
            else foreach (var k in OptionKeys(t, section + ":" + key, depth + 1)) yield return k;
        }
    }

    /// <summary>Configuration path to app-setting name: ":" is "__" in environment variables.</summary>
    public static string Name(string path) => path.Replace(":", "__", StringComparison.Ordinal);

    private static Regex CallWithSection(string type, string method) =>
        new($@"\b{Regex.Escape(type)}\.{Regex.Escape(method)}\(\s*(\w+)\.GetSection\(\s*""([^""]+)""\s*\)\s*\)");

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"var\s+(\w+)\s*=\s*(\w+)\.GetSection\(\s*""([^""]+)""\s*\)")]
    private static partial Regex SectionVariable();

    [GeneratedRegex(@"(\w+)\s*\(\s*IConfigurationSection\s+(\w+)\s*\)")]
    private static partial Regex SectionParameter();

    [GeneratedRegex(@"\b(?:class|record|struct)\s+(\w+)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"\b(\w+)\[\s*(?:""([^""]+)""|nameof\((?:\w+\.)*(\w+)\))\s*\]")]
    private static partial Regex Indexer();

    [GeneratedRegex(@"\b(\w+)\.GetValue(?:<[^>]+>)?\(\s*(?:""([^""]+)""|nameof\((?:\w+\.)*(\w+)\))")]
    private static partial Regex GetValue();

    [GeneratedRegex(@"Environment\.GetEnvironmentVariable\(\s*""([^""]+)""\s*\)")]
    private static partial Regex EnvironmentVariable();

    [GeneratedRegex(@"AddOptions<(\w+)>\(\)\s*\.BindConfiguration\(\s*""([^""]+)""|Configure<(\w+)>\(\s*[\w.]+\.GetSection\(\s*""([^""]+)""")]
    private static partial Regex BindOptions();

    // config[someVariable] or GetValue<T>(someVariable): a key the scanner cannot see (nameof is fine).
    [GeneratedRegex(@"\b(\w+)(?:\[\s*(?!nameof\()[A-Za-z_$][^\]""]*\]|\.GetValue(?:<[^>]+>)?\(\s*(?!nameof\()[A-Za-z_$][^,)""]*[,)])")]
    private static partial Regex DynamicRead();
}
