using Pishkhan.Local;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Inspections;

namespace Pishkhan.Bench;

/// <summary>
/// ./bench.sh soak [--minutes 15] [--rate 40] [--workers 8] [--max-ops 200000] [--sample-seconds 30]
/// Mixed traffic against the local host (loopback, its own in-memory Azurite, queue listeners and timers on) at a
/// paced rate: reads, complaints filed and decided, inspections posted and processed from the queue, and (when the
/// requests capability is present) service requests through their lifecycle with ratings. Every 30 s it samples the
/// process's live GC heap (after a full collection), the GC heap size and the working set. Prints the error rate,
/// throughput, memory at start / middle / end (medians of the thirds of the samples after a minute of warm-up) and a
/// flatness verdict. Bounded by --minutes and --max-ops. The process holds the host and the client; Azurite is another process.
/// </summary>
public sealed class SoakBench : IBenchmark
{
    public string Name => "soak";

    private const string Province = "lorestan";
    private const int Counties = 4;
    private const int OfficesPerCounty = 10;

    private sealed record Sample(double Minute, double LiveHeapMb, double GcHeapMb, double WorkingSetMb, long Ops, long Errors);

    private readonly ConcurrentDictionary<string, long> _ops = new();
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private readonly ConcurrentDictionary<string, string> _lastError = new();
    private readonly ConcurrentQueue<string> _openComplaints = new();
    private readonly ConcurrentQueue<string> _complaints = new();
    private readonly ConcurrentQueue<string> _inspections = new();
    private readonly ConcurrentQueue<(string Id, string Office)> _requests = new();
    private readonly ConcurrentQueue<string> _toRate = new();
    private Azure.Data.Tables.TableClient _outbox = null!;
    private readonly Dictionary<string, string> _keys = new();
    private long _total;
    private long _failed;

    public async Task<int> RunAsync(BenchOptions options)
    {
        var minutes = options.Int("minutes", 15);
        var rate = options.Int("rate", 40);
        var workers = options.Int("workers", 8);
        var maxOps = options.Int("max-ops", 200_000);
        var sampleSeconds = options.Int("sample-seconds", 30);
        var pickup = Directory.CreateTempSubdirectory("pishkhan-soak-mail-").FullName;
        await using var env = await BenchEnvironment.StartAsync(new()
        {
            ["Pishkhan:Complaints:FilingsPerClient"] = "100000000",
            ["Pishkhan:Complaints:FollowUpsPerClient"] = "100000000",
            ["Pishkhan:UnsubscribeSigningKey"] = "soak-unsubscribe-signing-key-0123456789",
            ["Pishkhan:Outbox:PickupDirectory"] = pickup,
        });
        var http = env.Http;
        _outbox = env.App.Services.GetRequiredService<Storage.Store>().Table(Storage.Tables.Outbox);
        var hasRequests = LocalHost.Catalog.Http.Any(b => b.Route == "requests" && b.Method == "POST");
        Console.WriteLine($"soak: {minutes} min at ~{rate} ops/s with {workers} workers (max {maxOps} ops), samples every {sampleSeconds} s; " +
            $"requests lifecycle {(hasRequests ? "on" : "off (capability absent)")}");
        await SeedAsync(http, hasRequests);

        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromMinutes(minutes);
        var samples = new List<Sample> { TakeSample(clock) };
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { await Task.Delay(TimeSpan.FromSeconds(sampleSeconds), stop.Token); }
                catch (OperationCanceledException) { break; }
                var s = TakeSample(clock);
                lock (samples) samples.Add(s);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  t={s.Minute,5:F1} min  ops={s.Ops,7}  errors={s.Errors}  live heap={s.LiveHeapMb,6:F1} MB  GC heap={s.GcHeapMb,6:F1} MB  working set={s.WorkingSetMb,6:F1} MB"));
            }
        });

        // Paced: each worker takes the next slot of a global schedule, so the rate holds whatever the latency.
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        long slot = -1;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(1405 + w);
            while (true)
            {
                var mine = Interlocked.Increment(ref slot);
                var due = interval * mine;
                if (due > duration || mine >= maxOps) return;
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                await OneAsync(http, random, hasRequests);
            }
        })));
        var elapsed = clock.Elapsed;
        stop.Cancel();
        await sampler;
        samples.Add(TakeSample(clock));
        Report(samples, elapsed);
        try { Directory.Delete(pickup, recursive: true); } catch (IOException) { }
        return 0;
    }

    private Sample TakeSample(Stopwatch clock)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var live = GC.GetTotalMemory(forceFullCollection: false) / 1048576.0;
        var info = GC.GetGCMemoryInfo();
        using var process = Process.GetCurrentProcess();
        return new Sample(clock.Elapsed.TotalMinutes, live, info.HeapSizeBytes / 1048576.0, process.WorkingSet64 / 1048576.0,
            Interlocked.Read(ref _total), Interlocked.Read(ref _failed));
    }

    private void Report(List<Sample> samples, TimeSpan elapsed)
    {
        var total = Interlocked.Read(ref _total);
        var failed = Interlocked.Read(ref _failed);
        Console.WriteLine();
        Console.WriteLine("operation                         count   errors");
        foreach (var (name, count) in _ops.OrderBy(o => o.Key))
            Console.WriteLine($"  {name,-30} {count,7}  {_errors.GetValueOrDefault(name),6}{(_lastError.TryGetValue(name, out var e) ? "  last: " + e : "")}");
        // One sample is noisy (a burst of work just before it): start, middle and end are the medians of the thirds of the
        // samples taken after one minute of warm-up.
        var steady = samples.Where(x => x.Minute >= 1).ToList();
        if (steady.Count < 3) steady = samples;
        var third = Math.Max(1, steady.Count / 3);
        Sample Median(IEnumerable<Sample> part)
        {
            var p = part.ToList();
            double M(Func<Sample, double> f) { var v = p.Select(f).Order().ToList(); return v[v.Count / 2]; }
            return new Sample(M(x => x.Minute), M(x => x.LiveHeapMb), M(x => x.GcHeapMb), M(x => x.WorkingSetMb), 0, 0);
        }
        var start = Median(steady.Take(third));
        var middle = Median(steady.Skip(third).Take(Math.Max(1, steady.Count - 2 * third)));
        var end = Median(steady.Skip(steady.Count - third));
        var growthMb = end.LiveHeapMb - start.LiveHeapMb;
        var growthPct = start.LiveHeapMb > 0 ? 100 * growthMb / start.LiveHeapMb : 0;
        var wsGrowthMb = end.WorkingSetMb - start.WorkingSetMb;
        // Flat: the live heap (after a full GC) of the last third is within 10 % or 4 MB of the first third's, and not
        // still climbing over the second half (last third vs middle third within 5 % or 2 MB).
        var flat = (growthMb <= 4 || growthPct <= 10) && (end.LiveHeapMb - middle.LiveHeapMb <= 2 || end.LiveHeapMb <= middle.LiveHeapMb * 1.05);
        string Mem(Sample s) => string.Create(CultureInfo.InvariantCulture, $"around t={s.Minute:F1} min: live heap {s.LiveHeapMb:F1} MB, GC heap {s.GcHeapMb:F1} MB, working set {s.WorkingSetMb:F1} MB");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"duration     {elapsed.TotalMinutes:F1} min"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"operations   {total}  ({total / elapsed.TotalSeconds:F1}/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"errors       {failed}  (error rate {(total == 0 ? 0 : 100.0 * failed / total):F3} %)"));
        Console.WriteLine($"memory start  {Mem(start)}");
        Console.WriteLine($"memory middle {Mem(middle)}");
        Console.WriteLine($"memory end    {Mem(end)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"live heap    min {steady.Min(x => x.LiveHeapMb):F1} MB, max {steady.Max(x => x.LiveHeapMb):F1} MB over {steady.Count} samples (medians of thirds above)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"verdict      {(flat ? "FLAT" : "GROWING")}: live heap {growthMb:+0.0;-0.0} MB ({growthPct:+0.0;-0.0} %) start→end, {end.LiveHeapMb - middle.LiveHeapMb:+0.0;-0.0} MB middle→end; working set {wsGrowthMb:+0.0;-0.0} MB"));
    }

    private async Task OneAsync(HttpClient http, Random random, bool hasRequests)
    {
        var roll = random.Next(100);
        var office = $"sk-o{random.Next(Counties * OfficesPerCounty)}";
        var county = $"sk-c{random.Next(Counties)}";
        try
        {
            switch (roll)
            {
                case < 12: await ExpectAsync("GET office", http.SendAsync(Get($"/api/offices/{office}")), HttpStatusCode.OK); break;
                case < 20: await ExpectAsync("GET offices (list)", http.SendAsync(Get($"/api/offices?countyCode={county}")), HttpStatusCode.OK); break;
                case < 25: await ExpectAsync("GET counties (public)", http.SendAsync(Get($"/api/counties?province={Province}", key: null)), HttpStatusCode.OK); break;
                case < 30 when _complaints.TryPeek(out var code):
                    await ExpectAsync("GET complaint status (public)", http.SendAsync(Get($"/api/complaints/{code}", key: null)), HttpStatusCode.OK); break;
                case < 35 when _inspections.TryPeek(out var id):
                    await ExpectAsync("GET inspection", http.SendAsync(Get($"/api/inspections/{id}")), HttpStatusCode.OK); break;
                case < 38: await ExpectAsync("GET complaints (list)", http.SendAsync(Get($"/api/complaints?countyCode={county}&status=open")), HttpStatusCode.OK); break;
                case < 50:
                {
                    var response = await ExpectAsync("POST complaint (public)", http.SendAsync(Send(HttpMethod.Post, "/api/complaints", new
                    {
                        officeCode = office, category = "delay", description = $"درخواست من در دفتر معطل ماند. {Guid.NewGuid():N}",
                        complainant = new { name = "شاکی", email = "citizen@example.ir" },
                    }, key: null)), HttpStatusCode.Created);
                    if (response is not null)
                    {
                        var code = response["trackingCode"]!.GetValue<string>();
                        _openComplaints.Enqueue(code);
                        _complaints.Enqueue(code);
                        while (_complaints.Count > 500) _complaints.TryDequeue(out _);
                    }
                    break;
                }
                case < 58 when _openComplaints.TryDequeue(out var open):
                    await ExpectAsync("POST complaint decision", http.SendAsync(Send(HttpMethod.Post, $"/api/complaints/{open}/decision", new
                    {
                        outcome = random.Next(2) == 0 ? "upheld" : "dismissed", reasons = "مدارک و اظهارات طرفین بررسی شد.", remedy = "انجام فوری درخواست",
                    })), HttpStatusCode.OK);
                    break;
                case < 66:
                {
                    var items = DefaultChecklist.Template.Items.Select(i => new { code = i.Code, result = random.Next(20) == 0 ? "fail" : "pass" }).ToArray();
                    var response = await ExpectAsync("POST inspection", http.SendAsync(Send(HttpMethod.Post, "/api/inspections", new
                    {
                        officeCode = office, type = "routine", visitedAt = DateTimeOffset.UtcNow.AddMinutes(-random.Next(10, 600)), items,
                    }, key: _keys["inspector:" + OfficeCounty(office)])), HttpStatusCode.Accepted);
                    if (response is not null)
                    {
                        _inspections.Enqueue(response["id"]!.GetValue<string>());
                        while (_inspections.Count > 500) _inspections.TryDequeue(out _);
                    }
                    break;
                }
                case < 100 when hasRequests:
                    await RequestStepAsync(http, random, office);
                    break;
                default:
                    await ExpectAsync("GET ranking policy (public)", http.SendAsync(Get($"/api/ranking-policy?province={Province}", key: null)), HttpStatusCode.OK);
                    break;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Count("transport", ok: false, e.GetType().Name);
        }
    }

    /// <summary>A service request's lifecycle, one step per operation: post, accept, complete (issues a rating token), rate.</summary>
    private async Task RequestStepAsync(HttpClient http, Random random, string office)
    {
        if (random.Next(4) == 0 && _toRate.TryDequeue(out var completed))
        {
            // The citizen's link carries the token; here it is read from the notification the completion queued.
            var id = Notifications.Outbox.IdFor($"request-completed:{completed}", "citizen@example.ir", "09121234567");
            Azure.NullableResponse<Notifications.OutboxEntity> notification;
            try { notification = await _outbox.GetEntityIfExistsAsync<Notifications.OutboxEntity>(id, ""); }
            catch (Exception e) when (e is Azure.RequestFailedException or AggregateException) { _toRate.Enqueue(completed); return; }
            if (!notification.HasValue) { _toRate.Enqueue(completed); return; }
            await ExpectAsync("POST rating (public)", http.SendAsync(Send(HttpMethod.Post, "/api/ratings",
                new { token = notification.Value!.Data["ratingToken"], score = 1 + random.Next(5) }, key: null)), HttpStatusCode.Created);
            return;
        }
        if (random.Next(3) == 0 || !_requests.TryDequeue(out var request))
        {
            var response = await ExpectAsync("POST request", http.SendAsync(Send(HttpMethod.Post, "/api/requests", new
            {
                contractId = "sk-k1", serviceCode = "parcel", officeCode = office, externalRef = Guid.NewGuid().ToString("N")[..20],
                citizen = new { mobile = "09121234567", email = "citizen@example.ir" },
            }, key: _keys["agency"], idempotencyKey: Guid.NewGuid().ToString("N"))), HttpStatusCode.Created);
            if (response is not null) _requests.Enqueue((response["id"]!.GetValue<string>(), response["officeCode"]!.GetValue<string>()));
            return;
        }
        var history = await ExpectAsync("GET request", http.SendAsync(Get($"/api/requests/{request.Id}", key: _keys["agency"])), HttpStatusCode.OK);
        var status = history?["status"]?.GetValue<string>();
        var next = status switch { "submitted" => "accepted", "accepted" => "completed", _ => null };
        if (next is null) return;
        await ExpectAsync($"POST request event ({next})", http.SendAsync(Send(HttpMethod.Post, $"/api/requests/{request.Id}/events",
            new { type = next }, key: _keys["office:" + request.Office])), HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.Accepted);
        if (next == "accepted") _requests.Enqueue(request);
        else _toRate.Enqueue(request.Id);
    }

    private static string OfficeCounty(string office) => $"sk-c{int.Parse(office[4..], CultureInfo.InvariantCulture) / OfficesPerCounty}";

    private async Task<JsonNode?> ExpectAsync(string name, Task<HttpResponseMessage> call, params HttpStatusCode[] expected)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        var ok = expected.Contains(response.StatusCode);
        Count(name, ok, ok ? null : $"{(int)response.StatusCode} {(text.Length > 160 ? text[..160] : text)}");
        return ok && text.Length > 0 ? JsonNode.Parse(text) : null;
    }

    private void Count(string name, bool ok, string? error = null)
    {
        _ops.AddOrUpdate(name, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
        if (ok) return;
        _errors.AddOrUpdate(name, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _failed);
        if (error is not null) _lastError[name] = error;
    }

    private const string Admin = "admin";

    private HttpRequestMessage Get(string path, string? key = Admin) => Send(HttpMethod.Get, path, null, key);

    /// <summary>key: a key, <see cref="Admin"/> for the province's admin key, or null for a public call (no key at all).</summary>
    private HttpRequestMessage Send(HttpMethod method, string path, object? body, string? key = Admin, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        // The environment's client sends the bootstrap key by default; a request with a key of its own replaces it,
        // and a public call sends an empty one (which the gateway treats as none).
        request.Headers.Add("X-Api-Key", key == Admin ? _keys[Admin] : key ?? "");
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    private async Task SeedAsync(HttpClient http, bool hasRequests)
    {
        async Task Put(string path, object body)
        {
            using var response = await http.PutAsJsonAsync($"{path}{(path.Contains('?') ? "&" : "?")}province={Province}", body);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"PUT {path} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        async Task<string> Key(string role, string scope)
        {
            using var response = await http.PostAsJsonAsync("/api/keys", new { role, scope });
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return json["key"]?.GetValue<string>() ?? throw new InvalidOperationException($"POST /api/keys → {(int)response.StatusCode}: {json}");
        }
        _keys[Admin] = await Key("admin", Province);
        for (var c = 0; c < Counties; c++)
        {
            await Put($"/api/counties/sk-c{c}", new { name = $"شهرستان {c}", province = Province });
            _keys["inspector:sk-c" + c] = await Key("inspector", $"sk-c{c}");
        }
        for (var o = 0; o < Counties * OfficesPerCounty; o++)
            await Put($"/api/offices/sk-o{o}", new { name = $"دفتر پیشخوان {o}", countyCode = $"sk-c{o / OfficesPerCounty}", openingHours = new { regular = "07:30-14:30" }, email = $"office{o}@example.ir" });
        await Put("/api/members/sk-chair", new { name = "رئیس کارگروه", email = "chair@example.ir", role = "chair", province = Province });
        if (!hasRequests) return;
        await Put("/api/agencies/sk-post", new { name = "اداره پست", province = Province, contactEmail = "post@example.ir" });
        await Put("/api/contracts/sk-k1", new
        {
            agencyId = "sk-post", services = new[] { new { serviceCode = "parcel", name = "مرسوله", slaHours = 16, fee = 150000 } },
            countyCodes = Enumerable.Range(0, Counties).Select(c => $"sk-c{c}").ToArray(), validFrom = "2026-01-01", validTo = "2027-12-31",
        });
        _keys["agency"] = await Key("agency", "sk-post");
        for (var o = 0; o < Counties * OfficesPerCounty; o++) _keys[$"office:sk-o{o}"] = await Key("office", $"sk-o{o}");
    }
}
