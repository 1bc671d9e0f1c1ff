using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;
using Pishkhan.Bindings;
using Pishkhan.Functions;
using Pishkhan.Local;

namespace Pishkhan.Functions.Tests;

// What the real Worker SDK generated at build (functions.metadata, extensions.json, worker.config.json, beside
// the app in this output folder as in a deployment) against the attributes and the binding table.
public sealed partial class GeneratedMetadataTests
{
    private static string AppFile(string name) => Path.Combine(AppContext.BaseDirectory, name);

    private static readonly Lazy<FunctionCatalog> Generated = new(() => FunctionCatalog.Load(AppFile(FunctionCatalog.FileName)));

    private static readonly IReadOnlyList<(string Name, MethodInfo Method)> Adapters =
        typeof(FunctionsApp).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Attribute: m.GetCustomAttribute<FunctionAttribute>(), Method: m))
            .Where(x => x.Attribute is not null)
            .Select(x => (x.Attribute!.Name, x.Method))
            .ToList();

    [Fact]
    public void TheSdkListsEveryFunctionOnceWithTheExpectedKinds()
    {
        var functions = Generated.Value.Functions;
        Assert.Equal(functions.Count, functions.Select(f => f.Name).Distinct().Count());
        Assert.Equal(Adapters.Count, functions.Count);
        Assert.Equal(BindingTable.Http.Count, functions.Count(f => f.Trigger == "httpTrigger"));
        Assert.Equal(BindingTable.Queues.Count, functions.Count(f => f.Trigger == "queueTrigger"));
        Assert.Equal(BindingTable.Timers.Count, functions.Count(f => f.Trigger == "timerTrigger"));
    }

    [Fact]
    public void EveryGeneratedFunctionIsItsAdapterAttribute()
    {
        var generated = Generated.Value.Functions.ToDictionary(f => f.Name);
        foreach (var (name, method) in Adapters)
        {
            var f = generated[name];
            Assert.Equal($"{method.DeclaringType!.FullName}.{method.Name}", f.EntryPoint);
            Assert.Equal(name, method.Name); // [Function(nameof(X))]: the function is named after its adapter
            var trigger = Assert.Single(method.GetParameters().SelectMany(p => p.GetCustomAttributes<TriggerBindingAttribute>()));
            switch (trigger)
            {
                case HttpTriggerAttribute http:
                    Assert.Equal("httpTrigger", f.Trigger);
                    Assert.Equal(http.Route, f.Route);
                    Assert.Equal(http.Methods!.Select(m => m.ToLowerInvariant()), f.Methods.Select(m => m.ToLowerInvariant()));
                    Assert.Equal(AuthorizationLevel.Anonymous, http.AuthLevel); // the app authenticates X-Api-Key itself
                    break;
                case QueueTriggerAttribute queue:
                    Assert.Equal("queueTrigger", f.Trigger);
                    Assert.Equal(queue.QueueName, f.Queue);
                    Assert.Contains(queue.QueueName, QueueNames.All);
                    // No connection named: the trigger uses AzureWebJobsStorage, the account the app writes to.
                    Assert.Null(queue.Connection);
                    Assert.Null(f.Connection);
                    break;
                case TimerTriggerAttribute timer:
                    Assert.Equal("timerTrigger", f.Trigger);
                    Assert.Equal(timer.Schedule, f.Schedule);
                    Assert.Equal(6, timer.Schedule.Split(' ').Length); // six-field NCRONTAB, evaluated in UTC
                    break;
                default:
                    Assert.Fail($"{name}: unexpected trigger {trigger.GetType().Name}");
                    break;
            }
        }
    }

    [Fact]
    public void TheCatalogRefusesAFunctionWithoutARowAndARowWithoutAFunction()
    {
        var real = Generated.Value.Functions;
        var extra = new FunctionMetadata("PostWidget", "Pishkhan.Functions.X.PostWidget", "httpTrigger", ["post"], "widgets", null, null, null);
        var unknown = Assert.Throws<InvalidOperationException>(() => new FunctionCatalog([.. real, extra]));
        Assert.Contains("PostWidget", unknown.Message);

        var missing = Assert.Throws<InvalidOperationException>(() => new FunctionCatalog([.. real.Where(f => f.Name != "GetHealth")]));
        Assert.Contains("GetHealth", missing.Message);

        var wrongKind = real.Select(f => f.Name == "SlaSweep" ? f with { Trigger = "queueTrigger", Queue = "notifications" } : f).ToList();
        Assert.Contains("SlaSweep", Assert.Throws<InvalidOperationException>(() => new FunctionCatalog(wrongKind)).Message);
    }

    [Fact]
    public void TheLocalHostServesTheFilesFunctions()
    {
        // The local host embeds the same generated file at build: same functions, routes, queues and schedules.
        static string Describe(FunctionMetadata f) => $"{f.Name} {f.Trigger} {string.Join(',', f.Methods)} {f.Route} {f.Queue} {f.Schedule}";
        Assert.Equal(Generated.Value.Functions.Select(Describe), LocalHost.Catalog.Functions.Select(Describe));
        Assert.Equal(Generated.Value.Http.Count, LocalHost.Catalog.Http.Count);
    }

    [Fact]
    public void ExtensionsJsonLoadsTheStorageQueuesExtension()
    {
        using var extensions = JsonDocument.Parse(File.ReadAllText(AppFile("extensions.json")));
        var names = extensions.RootElement.GetProperty("extensions").EnumerateArray()
            .Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Contains("AzureStorageQueues", names);
        // The timer trigger is built into the Functions host (Microsoft.Azure.WebJobs.Extensions): the SDK lists
        // only extensions the host must load from .azurefunctions/, so Timer does not appear — but its worker
        // package is what lets the SDK index [TimerTrigger] (EveryGeneratedFunctionIsItsAdapterAttribute).
        Assert.DoesNotContain(names, n => n is not ("AzureStorageQueues" or "Startup"));
    }

    [Fact]
    public void WorkerConfigStartsTheAppAssembly()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(AppFile("worker.config.json")));
        var description = config.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("Pishkhan.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
    }

    [Fact]
    public void HostJsonMatchesWhatTheLocalHostEmulates()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(AppFile("host.json")));
        var extensions = host.RootElement.GetProperty("extensions");
        Assert.Equal("api", extensions.GetProperty("http").GetProperty("routePrefix").GetString());

        var queues = extensions.GetProperty("queues");
        var local = new QueueListenerOptions();
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString(), ignoreCase: true);
        Assert.Equal(local.BatchSize, queues.GetProperty("batchSize").GetInt32());
        Assert.Equal(local.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal(local.VisibilityTimeout, TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(local.MaxPollingInterval, TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        // The worker exports its own telemetry; the host must not duplicate it.
        Assert.Equal("OpenTelemetry", host.RootElement.GetProperty("telemetryMode").GetString());
        Assert.True(host.RootElement.GetProperty("logging").TryGetProperty("applicationInsights", out _));
    }

    [Fact]
    public void AdapterClassesAreThin()
    {
        var problems = new List<string>();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in Adapters.Select(a => a.Method.DeclaringType!).Distinct())
        {
            // Only the compiler's captures of primary-constructor parameters (named "<param>P").
            foreach (var field in type.GetFields(all).Where(f => !PrimaryConstructorCapture().IsMatch(f.Name)))
                problems.Add($"{type.Name}: field {field.Name} (adapters hold only their constructor dependencies)");
            foreach (var nested in type.GetNestedTypes(all))
                problems.Add($"{type.Name}: nested type {nested.Name} (no lambdas, local functions or async bodies in adapters)");
            foreach (var method in type.GetMethods(all))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is null) problems.Add($"{type.Name}.{method.Name}: not a [Function] (put logic in the core)");
                if (method.GetCustomAttribute<AsyncStateMachineAttribute>() is not null) problems.Add($"{type.Name}.{method.Name}: async (return the core's Task)");
                if (method.GetMethodBody()?.GetILAsByteArray() is { Length: >= 64 } il) problems.Add($"{type.Name}.{method.Name}: {il.Length} bytes of IL; forward in one call");
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [GeneratedRegex(@"^<[^>]+>P$")]
    private static partial Regex PrimaryConstructorCapture();
}
