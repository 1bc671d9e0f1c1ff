using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pishkhan.Bindings;
using Pishkhan.Local;
using Pishkhan.Notifications;
using Pishkhan.Notifications.Templates;
using Pishkhan.Storage;

namespace Pishkhan.Bench;

/// <summary>
/// ./bench.sh email [--n 2000] [--concurrency 32] [--latency-ms 100] [--rounds 3]
///
/// Notifications per second through the whole path — Outbox.EnqueueAsync (row + queue message carrying the
/// row), the local host's queue listener, the SendNotification handler (ETag claim, render, SendGrid client
/// POST, ETag record), the delete — against raw POSTs of the same JSON to the same local SendGrid-compatible
/// endpoint, with the same concurrency (the listener's batch size, host.json's 32), in the same run. The
/// endpoint answers 202 after --latency-ms, standing in for the provider's own answer time; with 0 the figure
/// is bound by storage (Azurite) instead. The floor runs --rounds times (its spread is printed); ratio =
/// outbox / the floor's median round.
///
/// Storage calls per notification are counted by part, each in its own flow (so the other queues' idle
/// polling is not in them): the producer's enqueue, the handler (its activity's tally, summed from the
/// pishkhan.storage.calls histogram), and the notifications listener's own calls (fetches, empty polls
/// included, and deletes). The floor's POSTs are counted the same way (they make none).
///
/// The endpoint also records how many requests it holds at once, averaged over each side's wall time (and per tenth
/// of the outbox's): at a fixed answer time the rate is that concurrency over the answer time (Little's law), so
/// the line says whether a gap to the floor is the queue's concurrency or time spent between sends.
/// </summary>
public sealed class EmailBench : IBenchmark
{
    public string Name => "email";

    public async Task<int> RunAsync(BenchOptions options)
    {
        var n = options.Int("n", 2000);
        var concurrency = options.Int("concurrency", 32);
        var rounds = Math.Max(1, options.Int("rounds", 3));
        var latency = TimeSpan.FromMilliseconds(options.Int("latency-ms", 100));

        await using var endpoint = await MailEndpoint.StartAsync(latency);
        await using var env = await BenchEnvironment.StartAsync(new Dictionary<string, string?>
        {
            ["Pishkhan:SendGrid:ApiKey"] = "SG.bench",
            ["Pishkhan:SendGrid:Host"] = endpoint.Url,
            ["Pishkhan:Local:Queues:BatchSize"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["Pishkhan:Local:Queues:MinPollingInterval"] = "00:00:00.010",
            ["Pishkhan:Local:Queues:MaxPollingInterval"] = "00:00:00.050",
        });
        var outbox = env.App.Services.GetRequiredService<Outbox>();
        var store = env.App.Services.GetRequiredService<Pishkhan.Storage.Store>();

        Console.WriteLine($"email: n={n} concurrency={concurrency} endpoint answer time={latency.TotalMilliseconds} ms " +
                          "(a provider-like latency; --latency-ms 0 measures the storage-bound case)");

        // The very JSON the SendGrid client sends for one notification, for the raw side.
        var sample = NotificationTemplates.Render(NotificationKinds.ComplaintReceived, Data("WARM-0000-X"), "مریم رضایی", new TemplateContext("https://pishkhan.example"));
        var settings = new SendGridSettings { ApiKey = "SG.bench", Host = endpoint.Url };
        var json = new SendGridTransport(SendGridTransport.CreateClient(settings), settings, TimeProvider.System, NullLogger<SendGridTransport>.Instance)
            .Build(new MailMessage(NotificationKinds.ComplaintReceived, sample.Subject, sample.Html, sample.Text,
                [new MailRecipient("0123456789abcdef0123456789abcdef", new MailAddress("citizen@example.ir", "مریم رضایی"), new Dictionary<string, string>(), new Dictionary<string, string>())]))
            .Serialize();
        using var raw = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(endpoint.Url) };
        async Task<bool> PostRaw()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v3/mail/send") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "SG.bench");
            using var response = await raw.SendAsync(request);
            return (int)response.StatusCode == 202;
        }

        // Warm-up of both paths (JIT, connections, tables).
        await new Measurement("warm-up raw").RunAsync(Math.Min(100, n), concurrency, _ => PostRaw());
        await RunOutboxAsync(outbox, store, endpoint, "warm", Math.Min(100, n), concurrency, new CallCount());
        endpoint.Reset();

        // The floor, in rounds: its own spread says how much of a ratio's move is the machine.
        var floorRounds = new List<Measurement>();
        var floorCalls = new CallCount();
        var floorInFlight = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var round = new Measurement($"raw POST round {r + 1}");
            var from = Stopwatch.GetTimestamp();
            await round.RunAsync(n, concurrency, _ => floorCalls.CountAsync(PostRaw));
            floorRounds.Add(round);
            floorInFlight.Add(endpoint.MeanInFlight(from, round.Wall));
            endpoint.Reset();
        }
        var floorRates = floorRounds.Select(m => m.Throughput).Order().ToList();
        var floorMedian = floorRates[floorRates.Count / 2];
        var floorMean = floorRates.Average();
        var floorSd = Math.Sqrt(floorRates.Sum(x => (x - floorMean) * (x - floorMean)) / Math.Max(1, floorRates.Count - 1));

        var listener = env.App.Services.GetServices<IHostedService>().OfType<QueueListener>().Single();
        using var handlerCalls = new HandlerCalls("SendNotification");
        var enqueueCalls = new CallCount();
        var listenerBefore = Snapshot(listener.CallsOf(QueueNames.Notifications));
        // The other queues' listeners poll while they idle: their calls are not the notifications' and are taken out.
        Calls OtherQueues() => QueueNames.All.Where(q => q != QueueNames.Notifications).Select(q => Snapshot(listener.CallsOf(q)))
            .Aggregate(new Calls(0, 0, 0), (a, b) => new(a.Table + b.Table, a.Queue + b.Queue, a.Blob + b.Blob));
        var othersBefore = OtherQueues();
        var handlerBefore = handlerCalls.Snapshot();
        var callsBefore = StorageCalls.Snapshot();
        var (enqueue, endToEnd, wall, start) = await RunOutboxAsync(outbox, store, endpoint, "run", n, concurrency, enqueueCalls);
        var callsAfter = StorageCalls.Snapshot();
        var others = Minus(OtherQueues(), othersBefore);
        var handler = Minus(handlerCalls.Snapshot(), handlerBefore);
        var listened = Minus(Snapshot(listener.CallsOf(QueueNames.Notifications)), listenerBefore);
        var outboxRate = n / wall.TotalSeconds;

        // Check the work: every row sent, every notification posted once.
        var sent = 0;
        await foreach (var e in outbox.Table.QueryAsync<OutboxEntity>(TableClient.CreateQueryFilter($"Status eq {OutboxStatus.Sent}"), select: ["Cause"]))
            if (e.Cause.StartsWith("bench:run:", StringComparison.Ordinal)) sent++;
        var duplicates = endpoint.PerNotification.Values.Count(c => c > 1);

        foreach (var round in floorRounds) Console.WriteLine(round);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"raw POST (floor)",-28} {rounds} rounds of n={n}: median {floorMedian:F1}/s  min {floorRates[0]:F1}  max {floorRates[^1]:F1}  mean {floorMean:F1} ± {floorSd:F1} (sd, {100 * floorSd / floorMean:F1} %)"));
        Console.WriteLine(enqueue);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"outbox + handler (end to end)",-28} n={n,6}  {outboxRate,9:F1}/s  p50={endToEnd.Percentile(0.5),7:F2} ms  p99={endToEnd.Percentile(0.99),7:F2} ms  (enqueue → at the provider)  wall={wall.TotalSeconds:F1}s"));
        // Little's law: at a fixed answer time the rate follows the requests the provider holds at once, so these say
        // whether a gap to the floor is concurrency (a slow start, a tail, the listener's refill) or time between sends.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"provider concurrency",-28} mean requests in flight over the wall: floor {Measurement.Spread(floorInFlight)}; outbox {endpoint.MeanInFlight(start, wall):F1}"));
        Console.WriteLine($"{"  outbox, per tenth of wall",-28} {endpoint.InFlightBySlice(start, wall, 10)}");
        // Whether the burst's start waited for the listener's next poll (idle, it backs off to host.json's maxPollingInterval,
        // 2 s), and how long the drain took past the last answer (the queue's delete).
        var (firstSend, lastAnswer) = endpoint.FirstAndLast(start);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"  outbox, edges of the burst",-28} first request at the provider {firstSend.TotalMilliseconds:F0} ms after the first enqueue; last answer {(wall - lastAnswer).TotalMilliseconds:F0} ms before the wall's end"));
        Console.WriteLine($"rows sent={sent}/{n}  posted={endpoint.PerNotification.Count}  duplicates={duplicates}  peak working set={BenchEnvironment.PeakWorkingSetMb()} MB");

        // Rows queued together share one message (Outbox, "Grouped messages"): each producer's tally counts the put it
        // waited for, so the puts actually made are what the process sent to the queue less the listeners' and handlers' calls.
        var puts = callsAfter.Queue - callsBefore.Queue - others.Queue - listened.Queue - handler.Queue;
        var (table, queue) = (enqueueCalls.Calls.Table + handler.Table + listened.Table, puts + handler.Queue + listened.Queue);
        var total = table + queue + enqueueCalls.Calls.Blob + handler.Blob + listened.Blob;
        Console.WriteLine(CallsLine("raw POST (floor)", floorCalls.Calls, (long)n * rounds));
        Console.WriteLine(CallsLine("  enqueue (producer)", enqueueCalls.Calls, n) + " (each row waited for one put)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"  queue messages put",-28} {puts} for {n} rows: {(double)n / Math.Max(1, puts):F2} rows per message, {(double)puts / n:F2} puts per row"));
        Console.WriteLine(CallsLine("  handler (activity)", handler, n));
        Console.WriteLine(CallsLine("  listener (fetch, delete)", listened, n));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"outbox + handler",-28} storage calls/op: table={(double)table / n:F2} queue={(double)queue / n:F2} blob={(double)(enqueueCalls.Calls.Blob + handler.Blob + listened.Blob) / n:F2} total={(double)total / n:F2}  (handling one row: {(double)(handler.Total + listened.Total) / n:F2})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"  process-wide, for reference",-28} {(double)(callsAfter.Table + callsAfter.Queue + callsAfter.Blob - callsBefore.Table - callsBefore.Queue - callsBefore.Blob) / n:F2} per op (adds the idle polling of the other queues: {(double)others.Total / n:F2})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calls/op={(double)total / n:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio={outboxRate / floorMedian:F2}"));
        return sent == n && duplicates == 0 && floorRounds.All(m => m.Errors == 0) ? 0 : 1;
    }

    private sealed record Calls(long Table, long Queue, long Blob)
    {
        public long Total => Table + Queue + Blob;
    }

    private static Calls Snapshot(StorageCalls.Tally? t) => t is null ? new(0, 0, 0) : new(t.Table, t.Queue, t.Blob);

    private static Calls Minus(Calls a, Calls b) => new(a.Table - b.Table, a.Queue - b.Queue, a.Blob - b.Blob);

    private static string CallsLine(string label, Calls c, long n) => string.Create(CultureInfo.InvariantCulture,
        $"{label,-28} storage calls/op: table={(double)c.Table / n:F2} queue={(double)c.Queue / n:F2} blob={(double)c.Blob / n:F2} total={(double)c.Total / n:F2}");

    /// <summary>Sums the storage calls of operations run through it, each counted in its own async flow.</summary>
    private sealed class CallCount
    {
        private long _table, _queue, _blob;
        public Calls Calls => new(Interlocked.Read(ref _table), Interlocked.Read(ref _queue), Interlocked.Read(ref _blob));

        public async Task<T> CountAsync<T>(Func<Task<T>> operation)
        {
            var tally = StorageCalls.Begin();
            try
            {
                return await operation();
            }
            finally
            {
                Interlocked.Add(ref _table, tally.Table);
                Interlocked.Add(ref _queue, tally.Queue);
                Interlocked.Add(ref _blob, tally.Blob);
            }
        }
    }

    /// <summary>The storage calls one function's handlers recorded (pishkhan.storage.calls, one point per message and service).</summary>
    private sealed class HandlerCalls : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _table, _queue, _blob;

        public HandlerCalls(string function)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Pishkhan" && instrument.Name == "pishkhan.storage.calls") l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? fn = null, service = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "function") fn = tag.Value as string;
                    else if (tag.Key == "storage.service") service = tag.Value as string;
                }
                if (fn != function) return;
                switch (service)
                {
                    case "table": Interlocked.Add(ref _table, value); break;
                    case "queue": Interlocked.Add(ref _queue, value); break;
                    case "blob": Interlocked.Add(ref _blob, value); break;
                }
            });
            _listener.Start();
        }

        public Calls Snapshot() => new(Interlocked.Read(ref _table), Interlocked.Read(ref _queue), Interlocked.Read(ref _blob));

        public void Dispose() => _listener.Dispose();
    }

    private static Dictionary<string, string> Data(string code) =>
        new() { ["trackingCode"] = code, ["officeName"] = "دفتر پیشخوان مرکزی خرم‌آباد", ["filedAt"] = "2026-12-06T07:30:00Z" };

    /// <summary>Enqueues <paramref name="n"/> notifications and waits until the endpoint took them all and the queue is empty.</summary>
    private static async Task<(Measurement Enqueue, Measurement EndToEnd, TimeSpan Wall, long Start)> RunOutboxAsync(Outbox outbox, Pishkhan.Storage.Store store,
        MailEndpoint endpoint, string tag, int n, int concurrency, CallCount calls)
    {
        var enqueuedAt = new ConcurrentDictionary<string, long>();
        var enqueue = new Measurement("enqueue (row + message)");
        var start = Stopwatch.GetTimestamp();
        var wall = Stopwatch.StartNew();
        await enqueue.RunAsync(n, concurrency, async i =>
        {
            var id = Outbox.IdFor($"bench:{tag}:{i}", $"c{i}@example.ir", null);
            enqueuedAt[id] = Stopwatch.GetTimestamp();
            return await calls.CountAsync(async () =>
            {
                await outbox.EnqueueAsync(new NotificationRequest($"bench:{tag}:{i}", NotificationKinds.ComplaintReceived, "lorestan", $"c{i}@example.ir", null, "شهروند",
                    Data($"B{i:D4}-TEST-X")));
                return true;
            });
        });
        var queue = store.Queue(QueueNames.Notifications);
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (endpoint.PerNotification.Count(kv => enqueuedAt.ContainsKey(kv.Key)) < n
               || (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The outbox did not drain within 10 minutes.");
            await Task.Delay(10);
        }
        wall.Stop();
        var endToEnd = new Measurement("end to end");
        foreach (var (id, at) in endpoint.FirstSeen)
            if (enqueuedAt.TryGetValue(id, out var enqueued)) endToEnd.Add(Stopwatch.GetElapsedTime(enqueued, at).TotalMilliseconds);
        return (enqueue, endToEnd, wall.Elapsed, start);
    }

    /// <summary>A SendGrid-compatible endpoint: POST /v3/mail/send → 202 + X-Message-Id after a fixed answer time.</summary>
    private sealed class MailEndpoint : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private long _next;
        public string Url { get; }
        public TimeSpan Latency { get; init; }
        public ConcurrentDictionary<string, int> PerNotification { get; private set; } = new();
        public ConcurrentDictionary<string, long> FirstSeen { get; private set; } = new();
        /// <summary>When each request arrived and was answered (Stopwatch timestamps): the provider's concurrency over time.</summary>
        public ConcurrentBag<(long From, long To)> Held { get; private set; } = [];

        /// <summary>Requests in flight at the provider, averaged over the time from <paramref name="from"/> for <paramref name="wall"/>.</summary>
        public double MeanInFlight(long from, TimeSpan wall) =>
            Held.Sum(h => Stopwatch.GetElapsedTime(Math.Max(h.From, from), h.To).TotalSeconds) / wall.TotalSeconds;

        /// <summary>When, from <paramref name="from"/>, the first request arrived and the last was answered.</summary>
        public (TimeSpan FirstArrival, TimeSpan LastAnswer) FirstAndLast(long from) =>
            (Stopwatch.GetElapsedTime(from, Held.Min(h => h.From)), Stopwatch.GetElapsedTime(from, Held.Max(h => h.To)));

        /// <summary>The same per slice of the window: how the concurrency moved (a slow start, a tail).</summary>
        public string InFlightBySlice(long from, TimeSpan wall, int slices)
        {
            var width = wall.TotalSeconds / slices;
            var busy = new double[slices];
            foreach (var (a, b) in Held)
            {
                var (s, e) = (Stopwatch.GetElapsedTime(from, a).TotalSeconds, Stopwatch.GetElapsedTime(from, b).TotalSeconds);
                for (var i = Math.Max(0, (int)(s / width)); i < slices && i * width < e; i++)
                    busy[i] += Math.Min(e, (i + 1) * width) - Math.Max(s, i * width);
            }
            return string.Join(' ', busy.Select(x => (x / width).ToString("F0", CultureInfo.InvariantCulture)));
        }

        private MailEndpoint(WebApplication app, TimeSpan latency)
        {
            _app = app;
            Latency = latency;
            Url = app.Urls.First();
        }

        public void Reset()
        {
            PerNotification = new();
            FirstSeen = new();
            Held = [];
        }

        public static async Task<MailEndpoint> StartAsync(TimeSpan latency)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            MailEndpoint? self = null;
            app.MapPost("/v3/mail/send", async (HttpContext context) =>
            {
                var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!;
                var now = Stopwatch.GetTimestamp();
                foreach (var p in body["personalizations"]!.AsArray())
                {
                    var id = p!["custom_args"]?["notificationId"]?.GetValue<string>() ?? "";
                    self!.PerNotification.AddOrUpdate(id, 1, (_, c) => c + 1);
                    self.FirstSeen.TryAdd(id, now);
                }
                if (self!.Latency > TimeSpan.Zero) await Task.Delay(self.Latency);
                self.Held.Add((now, Stopwatch.GetTimestamp()));
                context.Response.StatusCode = 202;
                context.Response.Headers["X-Message-Id"] = "bench-" + Interlocked.Increment(ref self._next).ToString(CultureInfo.InvariantCulture);
            });
            await app.StartAsync();
            self = new MailEndpoint(app, latency);
            return self;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
