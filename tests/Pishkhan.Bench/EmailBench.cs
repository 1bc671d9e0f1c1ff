using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pishkhan.Bindings;
using Pishkhan.Notifications;
using Pishkhan.Notifications.Templates;

namespace Pishkhan.Bench;

/// <summary>
/// ./bench.sh email [--n 2000] [--concurrency 16] [--latency-ms 100]
///
/// Notifications per second through the whole path — Outbox.EnqueueAsync (row + queue message), the
/// local host's queue listener, the SendNotification handler (read, ETag claim, render, SendGrid client
/// POST, ETag record, delete) — against raw POSTs of the same JSON to the same local SendGrid-compatible
/// endpoint, with the same concurrency (the listener's batch size), in the same run. The endpoint
/// answers 202 after --latency-ms, standing in for the provider's own answer time; with 0 the figure
/// is bound by storage (Azurite) instead. ratio = outbox / raw.
/// </summary>
public sealed class EmailBench : IBenchmark
{
    public string Name => "email";

    public async Task<int> RunAsync(BenchOptions options)
    {
        var n = options.Int("n", 2000);
        var concurrency = options.Int("concurrency", 16);
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
        await RunOutboxAsync(outbox, store, endpoint, "warm", Math.Min(100, n), concurrency);
        endpoint.Reset();

        var rawPhase = new Measurement("raw POST /v3/mail/send");
        await rawPhase.RunAsync(n, concurrency, _ => PostRaw());
        endpoint.Reset();

        var callsBefore = Pishkhan.Storage.StorageCalls.Snapshot();
        var (enqueue, endToEnd, wall) = await RunOutboxAsync(outbox, store, endpoint, "run", n, concurrency);
        var callsAfter = Pishkhan.Storage.StorageCalls.Snapshot();
        var outboxRate = n / wall.TotalSeconds;

        // Check the work: every row sent, every notification posted once.
        var sent = 0;
        await foreach (var e in outbox.Table.QueryAsync<OutboxEntity>(TableClient.CreateQueryFilter($"Status eq {OutboxStatus.Sent}"), select: ["Cause"]))
            if (e.Cause.StartsWith("bench:run:", StringComparison.Ordinal)) sent++;
        var duplicates = endpoint.PerNotification.Values.Count(c => c > 1);

        Console.WriteLine(rawPhase);
        Console.WriteLine(enqueue);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"outbox + handler (end to end)",-28} n={n,6}  {outboxRate,9:F1}/s  p50={endToEnd.Percentile(0.5),7:F2} ms  p99={endToEnd.Percentile(0.99),7:F2} ms  (enqueue → at the provider)  wall={wall.TotalSeconds:F1}s"));
        Console.WriteLine($"rows sent={sent}/{n}  posted={endpoint.PerNotification.Count}  duplicates={duplicates}  peak working set={BenchEnvironment.PeakWorkingSetMb()} MB");
        // The floor (raw POSTs to the provider) makes no storage call; the outbox path's calls include the enqueue.
        var (table, queue, blob) = (callsAfter.Table - callsBefore.Table, callsAfter.Queue - callsBefore.Queue, callsAfter.Blob - callsBefore.Blob);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"outbox + handler",-28} storage calls/op: table={(double)table / n:F2} queue={(double)queue / n:F2} blob={(double)blob / n:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calls/op={(double)(table + queue + blob) / n:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio={outboxRate / rawPhase.Throughput:F2}"));
        return sent == n && duplicates == 0 ? 0 : 1;
    }

    private static Dictionary<string, string> Data(string code) =>
        new() { ["trackingCode"] = code, ["officeName"] = "دفتر پیشخوان مرکزی خرم‌آباد", ["filedAt"] = "2026-12-06T07:30:00Z" };

    /// <summary>Enqueues <paramref name="n"/> notifications and waits until the endpoint took them all and the queue is empty.</summary>
    private static async Task<(Measurement Enqueue, Measurement EndToEnd, TimeSpan Wall)> RunOutboxAsync(Outbox outbox, Pishkhan.Storage.Store store,
        MailEndpoint endpoint, string tag, int n, int concurrency)
    {
        var enqueuedAt = new ConcurrentDictionary<string, long>();
        var enqueue = new Measurement("enqueue (row + message)");
        var wall = Stopwatch.StartNew();
        await enqueue.RunAsync(n, concurrency, async i =>
        {
            var id = Outbox.IdFor($"bench:{tag}:{i}", $"c{i}@example.ir", null);
            enqueuedAt[id] = Stopwatch.GetTimestamp();
            await outbox.EnqueueAsync(new NotificationRequest($"bench:{tag}:{i}", NotificationKinds.ComplaintReceived, "lorestan", $"c{i}@example.ir", null, "شهروند",
                Data($"B{i:D4}-TEST-X")));
            return true;
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
            if (enqueuedAt.TryGetValue(id, out var start)) endToEnd.Add(Stopwatch.GetElapsedTime(start, at).TotalMilliseconds);
        return (enqueue, endToEnd, wall.Elapsed);
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
