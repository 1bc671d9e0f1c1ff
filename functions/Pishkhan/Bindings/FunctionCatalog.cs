using System.Text.Json;

namespace Pishkhan.Bindings;

/// <summary>One function as functions.metadata lists it (the Worker SDK writes the file from the attributes).</summary>
public sealed record FunctionMetadata(string Name, string EntryPoint, string Trigger, IReadOnlyList<string> Methods,
    string? Route, string? Queue, string? Connection, string? Schedule);

/// <summary>
/// The app's functions as the Azure Functions host sees them: read from the SDK-generated
/// functions.metadata and joined, by function name, with the rows of <see cref="BindingTable"/>. Both hosts
/// serve what this lists; a function without a row, a row without a function, or a trigger of another
/// kind than its row is an error at start-up, not a route that silently 404s.
/// </summary>
public sealed class FunctionCatalog
{
    public const string FileName = "functions.metadata";

    public IReadOnlyList<FunctionMetadata> Functions { get; }
    public IReadOnlyList<HttpBinding> Http { get; }
    /// <summary>Queue-triggered functions: (function, queue).</summary>
    public IReadOnlyList<(string Function, string Queue)> Queues { get; }
    /// <summary>Timer-triggered functions: (function, schedule).</summary>
    public IReadOnlyList<(string Function, string Schedule)> Timers { get; }

    public FunctionCatalog(IReadOnlyList<FunctionMetadata> functions)
    {
        Functions = functions;
        var errors = new List<string>();
        var http = new List<HttpBinding>();
        var queues = new List<(string, string)>();
        var timers = new List<(string, string)>();
        foreach (var f in functions)
        {
            switch (f.Trigger)
            {
                case "httpTrigger" when BindingTable.Http.TryGetValue(f.Name, out var row):
                    if (f.Route is null || f.Methods.Count == 0) errors.Add($"{f.Name}: an HTTP trigger needs a route and a method.");
                    http.AddRange(f.Methods.Select(m => new HttpBinding(f.Name, m.ToUpperInvariant(), f.Route ?? "", row.Access, row.Handler.Type)));
                    break;
                case "queueTrigger" when BindingTable.Queues.ContainsKey(f.Name) && f.Queue is not null:
                    queues.Add((f.Name, f.Queue));
                    break;
                case "timerTrigger" when BindingTable.Timers.ContainsKey(f.Name) && f.Schedule is not null:
                    timers.Add((f.Name, f.Schedule));
                    break;
                default:
                    errors.Add($"{f.Name}: a {f.Trigger} without a matching row in BindingTable.");
                    break;
            }
        }
        var listed = functions.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(BindingTable.Http.Keys.Concat(BindingTable.Queues.Keys).Concat(BindingTable.Timers.Keys)
            .Where(name => !listed.Contains(name)).Select(name => $"{name}: a BindingTable row without a function in {FileName}."));
        if (errors.Count > 0) throw new InvalidOperationException("The functions and the binding table disagree:\n" + string.Join("\n", errors));
        Http = http;
        Queues = queues;
        Timers = timers;
    }

    public static FunctionCatalog Parse(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        var functions = new List<FunctionMetadata>();
        foreach (var function in document.RootElement.EnumerateArray())
        {
            var trigger = function.GetProperty("bindings").EnumerateArray()
                .Single(b => b.GetProperty("direction").GetString() is "In" or "in" && b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            functions.Add(new FunctionMetadata(
                function.GetProperty("name").GetString()!,
                function.GetProperty("entryPoint").GetString()!,
                trigger.GetProperty("type").GetString()!,
                trigger.TryGetProperty("methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!)] : [],
                Text(trigger, "route"), Text(trigger, "queueName"), Text(trigger, "connection"), Text(trigger, "schedule")));
        }
        return new FunctionCatalog(functions);
    }

    public static FunctionCatalog Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
