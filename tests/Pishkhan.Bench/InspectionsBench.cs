using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pishkhan.Bindings;
using Pishkhan.Inspections;
using Pishkhan.Local;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Bench;

/// <summary>
/// ./bench.sh inspections [--n 1000] [--offices 200] [--concurrency 16] [--rounds 5] [--warmup 100]
/// Inspections posted over HTTP (listener off) fill the "inspections" queue; then the local host's
/// QueueListener is started and timed until every message is processed. The floor is the same number of
/// messages dequeued and deleted from a scratch queue with the listener's own pattern (batches of
/// BatchSize, handled concurrently), against the same Azurite in the same run. ratio = processing / floor.
/// An untimed warm-up (100 inspections on 20 offices of its own, and as many floor messages) goes first.
/// </summary>
public sealed class InspectionsBench : IBenchmark
{
    private const string AdminKey = "bench-admin-key-0123456789";
    private const int WarmupOffices = 20;
    public string Name => "inspections";

    public async Task<int> RunAsync(BenchOptions options)
    {
        var n = options.Int("n", 1000);
        var officeCount = options.Int("offices", 200);
        var concurrency = options.Int("concurrency", 16);
        await using var azurite = await Azurite.StartNewAsync(inMemory: true);
        var app = LocalHost.Build(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Pishkhan:BootstrapAdminKey"] = AdminKey,
            ["Logging:LogLevel:Default"] = "Warning",
        }), queues: [], timers: []);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
            var store = app.Services.GetRequiredService<Store>();
            var listenerOptions = app.Services.GetRequiredService<IOptions<QueueListenerOptions>>();

            Console.WriteLine($"inspections: n={n} offices={officeCount} batchSize={listenerOptions.Value.BatchSize} mix: 70% clean, 25% minor, 5% major violations");
            await SeedAsync(http, officeCount);
            await SeedOfficesAsync(http, "bn-w", WarmupOffices);

            // The machine is shared: floor and processing alternate in rounds, so both see the same load.
            var rounds = Math.Max(1, options.Int("rounds", 5));
            var post = new Measurement("POST /api/inspections");
            var floor = new Measurement("floor: dequeue + delete");
            var processing = new Measurement("processing: QueueListener");
            var random = new Random(1405);
            var plans = Enumerable.Range(0, n).Select(i => (Office: $"bn-o{i % officeCount}", Kind: random.Next(100), HoursAgo: random.Next(1, 24 * 30))).ToList();
            var queue = store.Queue(QueueNames.Inspections);
            var scratch = store.Queue("bench-floor");
            await scratch.CreateIfNotExistsAsync();
            var sample = BinaryData.FromObjectAsJson(new InspectionMessage($"bn-o0.{new string('0', 12)}deadbeef"));
            // The bench's own polling goes through clients without the call counter: it is not the capability's work.
            var watch = new Watch(new QueueClient(azurite.ConnectionString, queue.Name), new TableClient(azurite.ConnectionString, store.Table(Tables.Inspections).Name));
            var floorRounds = new List<double>();
            var processingRounds = new List<double>();
            var countsFlush = (Table: 0L, Queue: 0L, Blob: 0L);
            // CPU of Azurite and of this process while each phase is timed: which one the phase waits for.
            var cpu = new IntakeBench.CpuMeter(azurite.TablePort);
            (double Azurite, double Dotnet, double WallMs) cpuFloor = default, cpuProcessing = default;
            static (double, double, double) Add((double A, double D, double W) sum, (double A, double D) phase, TimeSpan wall) =>
                (sum.A + phase.A, sum.D + phase.D, sum.W + wall.TotalMilliseconds);
            // Warm-up, untimed: JIT, connection pools and the global caches (template, policy), on offices of their own
            // so that every measured office is still met for the first time in round 1, as a month's first visit is.
            var warmup = options.Int("warmup", 100);
            var warmupPlans = Enumerable.Range(0, warmup).Select(i => (Office: $"bn-w{i % WarmupOffices}", Kind: random.Next(100), HoursAgo: random.Next(1, 24 * 30))).ToList();
            if (warmup > 0)
            {
                await new Measurement("(warm-up posts)").RunAsync(warmup, concurrency, i => PostAsync(http, warmupPlans[i]));
                await ProcessAsync(app, store, watch, warmup, listenerOptions, new Measurement("(warm-up processing)"));
                await new Measurement("(warm-up scratch queue)").RunAsync(warmup, concurrency, async _ => { await scratch.SendMessageAsync(sample); return true; });
                await DrainAsync(scratch, warmup, listenerOptions.Value, new Measurement("(warm-up floor)"));
                await watch.CountsFlushedAsync();
            }
            for (var round = 0; round < rounds; round++)
            {
                var from = n * round / rounds;
                var count = n * (round + 1) / rounds - from;
                // 1. Fill the queue through the real route (validation, entity, county pointer, message), listener off.
                await post.RunAsync(count, concurrency, i => PostAsync(http, plans[from + i]));
                // 2. The floor: as many messages, dequeued and deleted exactly as the listener does.
                await new Measurement("(fill scratch queue)").RunAsync(count, concurrency, async _ => { await scratch.SendMessageAsync(sample); return true; });
                var sw = Stopwatch.StartNew();
                cpu.Start();
                await DrainAsync(scratch, count, listenerOptions.Value, floor);
                floorRounds.Add(count / sw.Elapsed.TotalSeconds);
                cpuFloor = Add(cpuFloor, cpu.Elapsed(), sw.Elapsed);
                // 3. Processing: the local host's QueueListener on the inspections queue.
                sw.Restart();
                cpu.Start();
                await ProcessAsync(app, store, watch, count, listenerOptions, processing);
                processingRounds.Add(count / sw.Elapsed.TotalSeconds);
                cpuProcessing = Add(cpuProcessing, cpu.Elapsed(), sw.Elapsed);
                // 4. The OfficeStats counts follow processing by about a second (InspectionStats): untimed, but their
                // storage calls are the capability's too.
                var before = Pishkhan.Storage.StorageCalls.Snapshot();
                await watch.CountsFlushedAsync();
                var after = Pishkhan.Storage.StorageCalls.Snapshot();
                countsFlush = (countsFlush.Table + after.Table - before.Table, countsFlush.Queue + after.Queue - before.Queue, countsFlush.Blob + after.Blob - before.Blob);
            }
            Console.WriteLine(post);
            Console.WriteLine(floor);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{processing.Label,-28} n={n,6}  {processing.Throughput,9:F1}/s  wall={n / processing.Throughput:F1}s  ({rounds} rounds alternating with the floor)"));
            var total = n + warmup; // the warm-up's inspections are in the tables too
            var processed = 0;
            await foreach (var _ in store.Table(Tables.Inspections).QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"Status eq {InspectionStatus.Processed}"), select: ["PartitionKey"])) processed++;
            var sanctions = 0;
            await foreach (var _ in store.Table(Tables.Sanctions).QueryAsync<TableEntity>(select: ["PartitionKey"])) sanctions++;
            long counted = 0;
            await foreach (var row in store.Table(Tables.OfficeStats).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey lt {"~"}"), select: ["InspectionCount"]))
                counted += row.GetInt64("InspectionCount") ?? 0;
            Console.WriteLine($"counted in OfficeStats={counted}/{total} (warm-up {warmup} included)");
            Console.WriteLine($"processed={processed}/{total} sanctions proposed={sanctions} poison={(await store.Queue(QueueNames.Inspections + "-poison").GetPropertiesAsync()).Value.ApproximateMessagesCount}");
            Console.WriteLine($"peak working set: {BenchEnvironment.PeakWorkingSetMb()} MB");
            var ratio = processing.Throughput / floor.Throughput;
            Console.WriteLine(Spread("floor", floorRounds));
            Console.WriteLine(Spread("processing", processingRounds));
            string CpuLine(string label, (double Azurite, double Dotnet, double WallMs) c) => string.Create(CultureInfo.InvariantCulture,
                $"{label,-28} cpu/op: azurite={c.Azurite / n:F2} ms dotnet={c.Dotnet / n:F2} ms  busy while timed: azurite {100 * c.Azurite / c.WallMs:F0} % of a core, this process {100 * c.Dotnet / c.WallMs:F0} %");
            Console.WriteLine(CpuLine("floor: dequeue + delete", cpuFloor));
            Console.WriteLine(CpuLine("processing: QueueListener", cpuProcessing));
            Console.WriteLine(floor.CallsLine());
            Console.WriteLine(processing.CallsLine(n));
            var flushPerOp = (double)(countsFlush.Table + countsFlush.Queue + countsFlush.Blob) / n;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"counts flush (after each round)",-28} storage calls/op: table={countsFlush.Table / (double)n:F2} queue={countsFlush.Queue / (double)n:F2} total={flushPerOp:F2}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calls/op={processing.CallsPerOperation(n) + flushPerOp:F2}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio={ratio:F2}"));
            return processed == total && counted == total ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>One inspection through the real route: validation, entity, county pointer, message (listener off).</summary>
    private static async Task<bool> PostAsync(HttpClient http, (string Office, int Kind, int HoursAgo) plan)
    {
        var failed = plan.Kind < 70 ? [] : plan.Kind < 95 ? new[] { "waiting-area", "staff-id-badges" } : new[] { "no-extra-charges" };
        var body = new
        {
            officeCode = plan.Office, type = "routine", visitedAt = DateTimeOffset.UtcNow.AddHours(-plan.HoursAgo),
            items = DefaultChecklist.Template.Items.Select(t => new { code = t.Code, result = failed.Contains(t.Code) ? "fail" : "pass" }),
        };
        using var response = await http.PostAsJsonAsync("/api/inspections", body);
        return (int)response.StatusCode == 202;
    }

    private static async Task SeedAsync(HttpClient http, int offices)
    {
        await PutAsync(http, "/api/counties/bn-c1", new { name = "خرم‌آباد", province = "lorestan" });
        await PutAsync(http, "/api/members/bn-chair", new { name = "رئیس", email = "chair@example.ir", role = "chair", province = "lorestan" });
        await PutAsync(http, "/api/members/bn-lead", new { name = "مسئول", email = "lead@example.ir", role = "countyLead", province = "lorestan", countyCode = "bn-c1" });
        await SeedOfficesAsync(http, "bn-o", offices);
    }

    private static async Task SeedOfficesAsync(HttpClient http, string prefix, int offices)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < offices)
                await PutAsync(http, $"/api/offices/{prefix}{i}", new { name = $"دفتر {i}", countyCode = "bn-c1", openingHours = new { regular = "07:30-14:30" }, email = $"o{i}@example.ir" });
        }));
    }

    private static async Task PutAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PutAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"PUT {path} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Receive BatchSize, delete them all concurrently, repeat until <paramref name="n"/> are gone: the listener's loop without a handler.</summary>
    private static async Task DrainAsync(QueueClient queue, int n, QueueListenerOptions options, Measurement m)
    {
        var done = 0;
        m.Start();
        while (done < n)
        {
            var batch = (await queue.ReceiveMessagesAsync(options.BatchSize, options.LeaseTime)).Value;
            await Task.WhenAll(batch.Select(async message =>
            {
                var sw = Stopwatch.StartNew();
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                m.Add(sw.Elapsed.TotalMilliseconds);
            }));
            done += batch.Length;
        }
        m.Stop();
    }

    /// <summary>Throughput per round: min–max, mean and coefficient of variation (each phase reports its own spread).</summary>
    private static string Spread(string label, List<double> perRound)
    {
        var mean = perRound.Average();
        var sd = Math.Sqrt(perRound.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, perRound.Count - 1));
        return string.Create(CultureInfo.InvariantCulture,
            $"{label} per round: {string.Join(' ', perRound.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))} /s  min–max {perRound.Min():F1}–{perRound.Max():F1}  mean {mean:F1}  cv={100 * sd / mean:F1}%");
    }

    /// <summary>Uncounted clients the bench polls with.</summary>
    private sealed record Watch(QueueClient Queue, TableClient Inspections)
    {
        public async Task<int> MessagesAsync() => (await Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

        /// <summary>Until no processed inspection's counts wait to be moved into OfficeStats.</summary>
        public async Task CountsFlushedAsync()
        {
            var filter = TableClient.CreateQueryFilter($"RowKey ge {InspectionStatsDelta.Prefix} and RowKey lt {InspectionStatsDelta.End}");
            for (var i = 0; i < 600; i++)
            {
                var any = false;
                await foreach (var _ in Inspections.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"])) { any = true; break; }
                if (!any) return;
                await Task.Delay(100);
            }
            throw new TimeoutException("Inspection counts still pending a minute after processing.");
        }
    }

    private static async Task ProcessAsync(WebApplication app, Store store, Watch watch, int n, IOptions<QueueListenerOptions> options, Measurement m)
    {
        // The host was built with no queue bindings (listener off while posting): this one listens to "inspections" only.
        var bindings = new QueueListenerBindings([new QueueBinding("ProcessInspection", QueueNames.Inspections,
            app.Services.GetRequiredService<Dispatch>().Queue("ProcessInspection"))]);
        var listener = new QueueListener(store, bindings, options,
            app.Services.GetRequiredService<ILogger<QueueListener>>());
        m.Start();
        await listener.StartAsync(CancellationToken.None);
        var last = n;
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var count = await watch.MessagesAsync();
            for (; last > count; last--) m.Add(sw.Elapsed.TotalMilliseconds); // time since start at which each message was gone
            if (count == 0) break;
            await Task.Delay(20);
        }
        m.Stop();
        await listener.StopAsync(CancellationToken.None);
    }
}
