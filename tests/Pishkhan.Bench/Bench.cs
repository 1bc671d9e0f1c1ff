using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Pishkhan.Local;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Bench;

public interface IBenchmark
{
    string Name { get; }
    Task<int> RunAsync(BenchOptions options);
}

public sealed record BenchOptions(IReadOnlyDictionary<string, string> Values)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) values[args[i].TrimStart('-')] = args[i + 1];
        return new BenchOptions(values);
    }

    public int Int(string name, int fallback) => Values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}

/// <summary>Latency samples of one measured phase, with throughput and percentiles.</summary>
public sealed class Measurement(string label)
{
    private readonly List<double> _millis = [];
    private readonly Stopwatch _wall = new();
    public string Label { get; } = label;
    public int Errors;

    // Storage round trips of the whole process while the clock runs (StorageCalls counts every client
    // request): the operations themselves and what they cause in the background (queue work, batched views).
    private (long Table, long Queue, long Blob) _callsAtStart, _calls;

    public void Start()
    {
        _callsAtStart = Pishkhan.Storage.StorageCalls.Snapshot();
        _wall.Start();
    }

    public void Stop()
    {
        _wall.Stop();
        var now = Pishkhan.Storage.StorageCalls.Snapshot();
        _calls = (_calls.Table + now.Table - _callsAtStart.Table, _calls.Queue + now.Queue - _callsAtStart.Queue, _calls.Blob + now.Blob - _callsAtStart.Blob);
    }

    /// <summary>Storage calls per operation (operations = the timed samples, or <paramref name="operations"/>).</summary>
    public double CallsPerOperation(int? operations = null) =>
        (double)(_calls.Table + _calls.Queue + _calls.Blob) / Math.Max(1, operations ?? _millis.Count);

    public string CallsLine(int? operations = null)
    {
        var n = (double)Math.Max(1, operations ?? _millis.Count);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Label,-28} storage calls/op: table={_calls.Table / n:F2} queue={_calls.Queue / n:F2} blob={_calls.Blob / n:F2} total={CallsPerOperation(operations):F2}");
    }
    public void Add(double ms) { lock (_millis) _millis.Add(ms); }

    /// <summary>Several rounds of the same phase as one: their samples, wall times, storage calls and errors added up.</summary>
    public static Measurement Combine(string label, IReadOnlyCollection<Measurement> rounds)
    {
        var all = new Measurement(label) { Errors = rounds.Sum(r => r.Errors), _extraWall = TimeSpan.FromTicks(rounds.Sum(r => r.Wall.Ticks)) };
        foreach (var r in rounds)
        {
            all._millis.AddRange(r._millis);
            all._calls = (all._calls.Table + r._calls.Table, all._calls.Queue + r._calls.Queue, all._calls.Blob + r._calls.Blob);
        }
        return all;
    }

    private TimeSpan _extraWall;
    public TimeSpan Wall => _wall.Elapsed + _extraWall;

    /// <summary>"mean ± sd (min–max)" of a figure over rounds: how much the machine moved it during the run.</summary>
    public static string Spread(IReadOnlyCollection<double> values, string format = "F1")
    {
        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1));
        return string.Create(CultureInfo.InvariantCulture, $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {sd.ToString(format, CultureInfo.InvariantCulture)} ({values.Min().ToString(format, CultureInfo.InvariantCulture)}–{values.Max().ToString(format, CultureInfo.InvariantCulture)}) over {values.Count} rounds");
    }

    public double Throughput => _millis.Count / Wall.TotalSeconds;

    public double Percentile(double p)
    {
        lock (_millis)
        {
            if (_millis.Count == 0) return double.NaN;
            var sorted = _millis.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Label,-28} n={_millis.Count,6}  {Throughput,9:F1}/s  p50={Percentile(0.5),7:F2} ms  p99={Percentile(0.99),7:F2} ms  errors={Errors}  wall={Wall.TotalSeconds:F1}s");

    /// <summary>
    /// Runs <paramref name="operation"/> <paramref name="count"/> times with <paramref name="concurrency"/> workers and times each; with
    /// <paramref name="settle"/> (work the operations left for after their answers), the timed wall ends when it is done.
    /// </summary>
    public async Task RunAsync(int count, int concurrency, Func<int, Task<bool>> operation, Func<Task>? settle = null)
    {
        var next = -1;
        Start();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var sw = Stopwatch.StartNew();
                var ok = await operation(i);
                Add(sw.Elapsed.TotalMilliseconds);
                if (!ok) Interlocked.Increment(ref Errors);
            }
        }));
        if (settle is not null)
        {
            var answered = _wall.Elapsed;
            await settle();
            SettleTime = _wall.Elapsed - answered;
        }
        Stop();
    }

    /// <summary>How long the work left after the last answer took (part of the wall).</summary>
    public TimeSpan SettleTime { get; private set; }
}

/// <summary>Azurite (in memory) and the local host on a free port, for one benchmark run.</summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key-0123456789";
    public required Azurite Azurite { get; init; }
    public required WebApplication App { get; init; }
    public required HttpClient Http { get; init; }

    /// <param name="timers">false: no timer fires (a bench that counts every storage call of the process).</param>
    public static async Task<BenchEnvironment> StartAsync(Dictionary<string, string?>? settings = null, bool timers = true)
    {
        var azurite = await Azurite.StartNewAsync(inMemory: true);
        var config = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Pishkhan:BootstrapAdminKey"] = AdminKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings ?? []) config[k] = v;
        var app = LocalHost.Build(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(config), timers: timers ? null : []);
        await app.StartAsync();
        var address = app.Urls.First();
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return new BenchEnvironment { Azurite = azurite, App = app, Http = http };
    }

    public static long PeakWorkingSetMb() => Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
