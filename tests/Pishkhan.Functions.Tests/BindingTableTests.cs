using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;
using Pishkhan.Bindings;

namespace Pishkhan.Functions.Tests;

// The Functions app (compiled here against WorkerSurface/) must expose exactly the binding table: one
// function per entry, with the same trigger, and nothing else. The local host iterates the same table, so
// these tests are what keeps the two hosts serving the same routes, queues and timers.
public sealed partial class BindingTableTests
{
    private const string AppNamespace = "Pishkhan.Functions";
    private const string TestNamespace = "Pishkhan.Functions.Tests";

    // Adapter bodies only forward to the core: `gateway.Run(FunctionNames.X, req, ct)` is about 20 bytes of IL.
    private const int MaxAdapterIlBytes = 64;

    private sealed record AppFunction(string Name, MethodInfo Method)
    {
        public override string ToString() => $"{Method.DeclaringType!.Name}.{Method.Name} [Function(\"{Name}\")]";
    }

    private static readonly Lazy<IReadOnlyList<AppFunction>> AllFunctionsInAssembly = new(() =>
        typeof(BindingTableTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(method => (method, attribute: method.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.attribute is not null)
            .Select(x => new AppFunction(x.attribute!.Name, x.method))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList());

    private static IReadOnlyList<AppFunction> AppFunctions =>
        AllFunctionsInAssembly.Value.Where(f => IsAppNamespace(f.Method.DeclaringType!.Namespace)).ToList();

    private static bool IsAppNamespace(string? ns) =>
        ns is not null
        && (ns == AppNamespace || ns.StartsWith(AppNamespace + ".", StringComparison.Ordinal))
        && ns != TestNamespace && !ns.StartsWith(TestNamespace + ".", StringComparison.Ordinal);

    // The row of an empty table: then no function may carry that kind of trigger.
    private const string NoBindings = "(none in the table)";

    public static TheoryData<string, string, string> HttpRows()
    {
        var rows = new TheoryData<string, string, string>();
        foreach (var b in BindingTable.Http) rows.Add(b.Function, b.Method, b.Route);
        return rows;
    }

    public static TheoryData<string, string> QueueRows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var b in BindingTable.Queues) rows.Add(b.Function, b.Queue);
        if (rows.Count == 0) rows.Add(NoBindings, ""); // xunit rejects a theory without rows
        return rows;
    }

    public static TheoryData<string, string> TimerRows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var b in BindingTable.Timers) rows.Add(b.Function, b.Schedule);
        if (rows.Count == 0) rows.Add(NoBindings, "");
        return rows;
    }

    [Fact]
    public void TheAppHasFunctionsAndAllOfThemLiveInTheAppNamespace()
    {
        Assert.NotEmpty(AppFunctions);
        var elsewhere = AllFunctionsInAssembly.Value.Where(f => !IsAppNamespace(f.Method.DeclaringType!.Namespace)).ToList();
        Assert.True(elsewhere.Count == 0,
            $"[Function] methods outside namespace {AppNamespace}: {string.Join(", ", elsewhere)}");
    }

    [Theory]
    [MemberData(nameof(HttpRows))]
    public void HttpBindingHasExactlyOneMatchingFunction(string function, string method, string route)
    {
        var trigger = SingleTrigger<HttpTriggerAttribute>(function);

        var problems = new List<string>();
        if (trigger.Methods is not { Length: 1 } || !string.Equals(trigger.Methods[0], method, StringComparison.OrdinalIgnoreCase))
            problems.Add($"{function}: HttpTrigger methods are [{string.Join(", ", trigger.Methods ?? [])}], the table says [{method}]");
        if (trigger.Route != route)
            problems.Add($"{function}: HttpTrigger route is \"{trigger.Route}\", the table says \"{route}\"");
        // Access is enforced by app-level API keys in HttpGateway, never by Functions host keys.
        if (trigger.AuthLevel != AuthorizationLevel.Anonymous)
            problems.Add($"{function}: AuthLevel is {trigger.AuthLevel}; it must be Anonymous (auth is app-level API keys)");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(QueueRows))]
    public void QueueBindingHasExactlyOneMatchingFunction(string function, string queue)
    {
        if (function == NoBindings)
        {
            Assert.DoesNotContain(AppFunctions, f => f.Method.GetParameters().Any(p => p.IsDefined(typeof(QueueTriggerAttribute), false)));
            return;
        }
        var trigger = SingleTrigger<QueueTriggerAttribute>(function);

        Assert.True(trigger.QueueName == queue, $"{function}: QueueTrigger queue is \"{trigger.QueueName}\", the table says \"{queue}\"");
    }

    [Theory]
    [MemberData(nameof(TimerRows))]
    public void TimerBindingHasExactlyOneMatchingFunction(string function, string schedule)
    {
        if (function == NoBindings)
        {
            Assert.DoesNotContain(AppFunctions, f => f.Method.GetParameters().Any(p => p.IsDefined(typeof(TimerTriggerAttribute), false)));
            return;
        }
        var trigger = SingleTrigger<TimerTriggerAttribute>(function);

        Assert.True(trigger.Schedule == schedule, $"{function}: TimerTrigger schedule is \"{trigger.Schedule}\", the table says \"{schedule}\"");
        Assert.False(trigger.RunOnStartup, $"{function}: RunOnStartup must be false (a restart would re-run the job)");
    }

    [Fact]
    public void EveryFunctionHasOneTriggerAndAnEntryOfThatKindInTheTable()
    {
        var http = BindingTable.Http.Select(b => b.Function).ToHashSet(StringComparer.Ordinal);
        var queues = BindingTable.Queues.Select(b => b.Function).ToHashSet(StringComparer.Ordinal);
        var timers = BindingTable.Timers.Select(b => b.Function).ToHashSet(StringComparer.Ordinal);

        var problems = new List<string>();
        foreach (var function in AppFunctions)
        {
            var triggers = TriggersOf(function.Method);
            if (triggers.Count != 1)
            {
                problems.Add($"{function}: {triggers.Count} trigger parameters (expected exactly 1)");
                continue;
            }

            var (kind, table) = triggers[0] switch
            {
                HttpTriggerAttribute => ("BindingTable.Http", http),
                QueueTriggerAttribute => ("BindingTable.Queues", queues),
                TimerTriggerAttribute => ("BindingTable.Timers", timers),
                var other => (other.GetType().Name, new HashSet<string>()),
            };
            if (!table.Contains(function.Name))
                problems.Add($"{function}: no entry named \"{function.Name}\" in {kind}");
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void FunctionNamesAreUniqueInTheAppAndInTheTable()
    {
        // The Functions host treats function names case-insensitively.
        var appDuplicates = AppFunctions
            .GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g)}")
            .ToList();
        var tableNames = BindingTable.Http.Select(b => b.Function)
            .Concat(BindingTable.Queues.Select(b => b.Function))
            .Concat(BindingTable.Timers.Select(b => b.Function));
        var tableDuplicates = tableNames
            .GroupBy(n => n, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToList();

        Assert.True(appDuplicates.Count == 0, $"Duplicate [Function] names: {string.Join("; ", appDuplicates)}");
        Assert.True(tableDuplicates.Count == 0, $"Duplicate names in BindingTable: {string.Join(", ", tableDuplicates)}");
    }

    [Fact]
    public void AdapterClassesAreThin()
    {
        var problems = new List<string>();
        foreach (var type in AppFunctions.Select(f => f.Method.DeclaringType!).Distinct())
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

            // Only the compiler's captures of primary-constructor parameters (named "<param>P").
            foreach (var field in type.GetFields(all).Where(f => !PrimaryConstructorCapture().IsMatch(f.Name)))
                problems.Add($"{type.Name}: field {field.Name} (adapters hold only their constructor dependencies)");

            // Lambdas, local functions and async methods compile to nested types.
            foreach (var nested in type.GetNestedTypes(all))
                problems.Add($"{type.Name}: nested type {nested.Name} (no lambdas, local functions or async bodies in adapters)");

            foreach (var method in type.GetMethods(all))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is null)
                {
                    problems.Add($"{type.Name}.{method.Name}: not a [Function] (put logic in the core)");
                    continue;
                }

                if (method.GetCustomAttribute<AsyncStateMachineAttribute>() is not null)
                    problems.Add($"{type.Name}.{method.Name}: async (return the core's Task instead)");

                var il = method.GetMethodBody()?.GetILAsByteArray();
                if (il is null)
                    problems.Add($"{type.Name}.{method.Name}: no method body");
                else if (il.Length >= MaxAdapterIlBytes)
                    problems.Add($"{type.Name}.{method.Name}: {il.Length} bytes of IL (limit {MaxAdapterIlBytes}); forward to the core in one call");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void HostJsonSetsTheApiRoutePrefixAndBase64QueueMessages()
    {
        var path = Path.Combine(RepositoryRoot(), "host.json");
        using var host = JsonDocument.Parse(File.ReadAllText(path),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var extensions = host.RootElement.GetProperty("extensions");

        Assert.Equal("api", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("base64", extensions.GetProperty("queues").GetProperty("messageEncoding").GetString(), ignoreCase: true);
    }

    private static T SingleTrigger<T>(string function) where T : TriggerBindingAttribute
    {
        var matches = AppFunctions.Where(f => f.Name == function).ToList();
        Assert.True(matches.Count == 1,
            $"Expected exactly one [Function(\"{function}\")] in {AppNamespace}, found {matches.Count}: {string.Join(", ", matches)}");

        var triggers = TriggersOf(matches[0].Method);
        Assert.True(triggers.Count == 1, $"{matches[0]}: {triggers.Count} trigger parameters (expected exactly 1)");
        return Assert.IsType<T>(triggers[0]);
    }

    private static List<TriggerBindingAttribute> TriggersOf(MethodInfo method) =>
        method.GetParameters()
            .SelectMany(p => p.GetCustomAttributes<TriggerBindingAttribute>())
            .ToList();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pishkhan.Functions.sln")))
                return dir.FullName;
        }

        throw new DirectoryNotFoundException($"No directory above {AppContext.BaseDirectory} contains Pishkhan.Functions.sln");
    }

    [GeneratedRegex(@"^<[^>]+>P$")]
    private static partial Regex PrimaryConstructorCapture();
}
