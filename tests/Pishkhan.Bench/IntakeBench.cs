using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Calendar;
using Pishkhan.Requests;
using Pishkhan.Stats;
using Pishkhan.Storage;

namespace Pishkhan.Bench;

/// <summary>
/// ./bench.sh intake [--n 20000] [--concurrency 16]: N POST /api/requests through the local host (agency
/// key, a fresh Idempotency-Key each, routed by county over 4 counties × 5 offices) against an in-memory
/// Azurite, and in the same run the floor: N raw single-entity inserts (an entity shaped like a request
/// row, in the request rows' partition layout: one partition per office, 20) with Azure.Data.Tables at the
/// same concurrency against the same Azurite, in alternating rounds (--rounds 3). Prints both, a check
/// that every request was counted exactly once, and last "ratio=intake/floor" (throughput).
/// </summary>
public sealed class IntakeBench : IBenchmark
{
    public string Name => "intake";

    private const string Province = "lorestan";
    private const int Counties = 4;
    private const int OfficesPerCounty = 5;

    public async Task<int> RunAsync(BenchOptions options)
    {
        var n = options.Int("n", 20_000);
        var concurrency = options.Int("concurrency", 16);
        var rounds = Math.Max(1, options.Int("rounds", 3));
        var warmup = Math.Min(1000, Math.Max(100, n / 20));
        await using var env = await BenchEnvironment.StartAsync();
        var agencyKey = await SeedAsync(env.Http);
        using var agency = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = env.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        agency.DefaultRequestHeaders.Add("X-Api-Key", agencyKey);

        // Counted like the app's clients, so the floor reports its own storage calls per operation.
        var floorOptions = new TableClientOptions();
        floorOptions.AddPolicy(new StorageCalls(StorageService.Table), Azure.Core.HttpPipelinePosition.PerRetry);
        var floorTable = new TableServiceClient(env.Azurite.ConnectionString, floorOptions).GetTableClient("FloorInserts");
        await floorTable.CreateIfNotExistsAsync();

        Console.WriteLine($"intake benchmark: n={n} concurrency={concurrency} warmup={warmup} (Azurite in memory, {Environment.ProcessorCount} cores)");
        // Warm both paths (JIT, connection pools, Azurite collections), then measure the floor first: the
        // intake then runs on an Azurite already holding the floor's entities, which only makes it harder.
        await new Measurement("warmup floor").RunAsync(warmup, concurrency, i => InsertFloorAsync(floorTable, "w" + i));
        // The intake answers after its claim; the request lands in its office's partition after a linger. Each
        // intake phase ends when every request has landed (the settle), so the rate is of complete work.
        var requestBook = env.App.Services.GetRequiredService<RequestBook>();
        await new Measurement("warmup intake").RunAsync(warmup, concurrency, i => PostAsync(agency, "w" + i), requestBook.DrainAsync);

        var cpu = new CpuMeter(env.Azurite.TablePort);

        // Rounds alternate floor and intake, so both see the same machine; each reports its spread over the rounds.
        var perRound = n / rounds;
        var floors = new List<Measurement>();
        var intakes = new List<Measurement>();
        for (var round = 0; round < rounds; round++)
        {
            var offset = round * perRound;
            var f = new Measurement($"floor round {round + 1}");
            cpu.Start();
            await f.RunAsync(perRound, concurrency, i => InsertFloorAsync(floorTable, "m" + (offset + i)));
            Console.WriteLine(f + cpu.Stop(perRound));
            floors.Add(f);
            var t = new Measurement($"intake round {round + 1}");
            cpu.Start();
            await t.RunAsync(perRound, concurrency, i => PostAsync(agency, "m" + (offset + i)), requestBook.DrainAsync);
            Console.WriteLine(t + cpu.Stop(perRound) + string.Create(CultureInfo.InvariantCulture, $"  landing tail={t.SettleTime.TotalMilliseconds:F0} ms"));
            intakes.Add(t);
        }
        var floor = Measurement.Combine("floor (raw inserts)", floors);
        var intake = Measurement.Combine("intake (POST /api/requests)", intakes);
        n = perRound * rounds;
        Console.WriteLine(floor);
        Console.WriteLine(intake);
        Console.WriteLine($"floor throughput/s: {Measurement.Spread(floors.Select(f => f.Throughput).ToList())}");
        Console.WriteLine($"intake throughput/s: {Measurement.Spread(intakes.Select(f => f.Throughput).ToList())}");
        Console.WriteLine($"ratio per round: {Measurement.Spread(intakes.Zip(floors, (t, f) => t.Throughput / f.Throughput).ToList(), "F2")}");

        var counted = await CheckAsync(env, n + warmup);
        Console.WriteLine($"peak working set {BenchEnvironment.PeakWorkingSetMb()} MB");
        Console.WriteLine(floor.CallsLine());
        Console.WriteLine(intake.CallsLine());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calls/op={intake.CallsPerOperation():F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio={intake.Throughput / floor.Throughput:F2}"));
        // Non-zero when a call failed or the derived counters lost or duplicated work.
        return intake.Errors == 0 && floor.Errors == 0 && counted ? 0 : 1;
    }

    private static async Task<string> SeedAsync(HttpClient admin)
    {
        var counties = Enumerable.Range(1, Counties).Select(c => $"bc{c}").ToList();
        foreach (var county in counties)
        {
            await PutAsync(admin, $"/api/counties/{county}", new { name = "شهرستان " + county, province = Province });
            for (var o = 1; o <= OfficesPerCounty; o++)
                await PutAsync(admin, $"/api/offices/{county}-o{o}", new { name = $"دفتر {o}", countyCode = county, openingHours = new { regular = "07:30-14:30" } });
        }
        await PutAsync(admin, "/api/agencies/bench-post", new { name = "اداره پست", province = Province });
        await PutAsync(admin, "/api/contracts/bench-k1", new
        {
            agencyId = "bench-post",
            services = new[] { new { serviceCode = "parcel", name = "مرسوله", slaHours = 16, fee = 150000 }, new { serviceCode = "bill", name = "قبض", slaHours = 8, fee = 20000 } },
            countyCodes = counties, validFrom = "2020-01-01", validTo = "2099-12-31",
        });
        var key = await admin.PostAsJsonAsync("/api/keys", new { role = "agency", scope = "bench-post" });
        key.EnsureSuccessStatusCode();
        return JsonNode.Parse(await key.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
    }

    private static async Task PutAsync(HttpClient admin, string path, object body)
    {
        var response = await admin.PutAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"PUT {path} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static int _reported;

    private static async Task<bool> PostAsync(HttpClient agency, string tag)
    {
        var i = int.Parse(tag.AsSpan(1), CultureInfo.InvariantCulture);
        var body = $$$"""{"contractId":"bench-k1","serviceCode":"{{{(i % 3 == 0 ? "bill" : "parcel")}}}","countyCode":"bc{{{i % Counties + 1}}}","externalRef":"ext-{{{tag}}}","citizen":{"nationalId":"0013542419","mobile":"0912{{{i % 10_000_000:D7}}}","email":"c{{{i}}}@example.ir"}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/requests") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Idempotency-Key", "bench-" + tag);
        using var response = await agency.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Created) return true;
        if (Interlocked.Increment(ref _reported) <= 5) Console.Error.WriteLine($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return false;
    }

    internal static async Task<bool> InsertFloorAsync(TableClient table, string tag)
    {
        var now = DateTimeOffset.UtcNow;
        var i = int.Parse(tag.AsSpan(1), CultureInfo.InvariantCulture);
        await table.AddEntityAsync(RequestLikeRow(OfficeOf(i), "r_" + RequestIds.NewSuffix(now), tag, now));
        return true;
    }

    /// <summary>
    /// The office request i goes to in the request rows' layout: county i % 4 and the county's offices in turn (routing
    /// spreads them evenly), one partition per office.
    /// </summary>
    internal static string OfficeOf(int i) => $"bc{i % Counties + 1}-o{i / Counties % OfficesPerCounty + 1}";

    /// <summary>An entity shaped like a request row (the floors' and the intake bound's).</summary>
    internal static TableEntity RequestLikeRow(string partitionKey, string rowKey, string tag, DateTimeOffset now) => new(partitionKey, rowKey)
    {
        ["RequestId"] = tag, ["AgencyId"] = "bench-post", ["ContractId"] = "bench-k1", ["ServiceCode"] = "parcel", ["ServiceName"] = "مرسوله",
        ["SlaHours"] = 16, ["ExternalRef"] = "ext-" + tag, ["Province"] = Province, ["CountyCode"] = "bc1", ["Status"] = "submitted",
        ["CreatedAt"] = now, ["DueAt"] = now.AddHours(16), ["NationalId"] = "0013542419", ["Mobile"] = "09121234567", ["Email"] = "c@example.ir",
        ["HistoryJson"] = """[{"what":"submitted","at":"2026-11-24T10:00:00+00:00","byRole":"agency","bySubject":"bench-post","note":null}]""",
    };

    /// <summary>Every accepted request counted exactly once: OfficeStats received and the open-work counters sum to the 201s.</summary>
    private static async Task<bool> CheckAsync(BenchEnvironment env, int expected)
    {
        var stats = env.App.Services.GetRequiredService<RequestStats>();
        var router = env.App.Services.GetRequiredService<OfficeRouter>();
        var offices = Enumerable.Range(1, Counties).SelectMany(c => Enumerable.Range(1, OfficesPerCounty).Select(o => $"bc{c}-o{o}")).ToList();
        foreach (var office in offices) await stats.FlushNowAsync(office);
        var period = JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString();
        var rows = await env.App.Services.GetRequiredService<OfficeStatsStore>().ListAsync(period, Province);
        var received = rows.Sum(r => r.RequestsReceived);
        var open = 0;
        foreach (var office in offices) open += await router.OpenWorkAsync(office, default);
        var perOffice = string.Join(' ', rows.OrderBy(r => r.OfficeCode).Select(r => r.RequestsReceived));
        var ok = received == expected && open == expected;
        Console.WriteLine($"check: 201s={expected} OfficeStats.received={received} open-work={open} {(ok ? "OK" : "MISMATCH")}");
        Console.WriteLine($"per office received: {perOffice}");
        return ok;
    }

    /// <summary>CPU time per operation of Azurite (node) and of this process (client + local host), from /proc: independent of other load on the machine.</summary>
    internal sealed class CpuMeter(int tablePort)
    {
        private readonly int? _azuritePid = FindAzurite(tablePort);
        private (double Node, double Self) _start;

        public void Start() => _start = (Ticks(_azuritePid), Ticks(Environment.ProcessId));

        public string Stop(int operations)
        {
            var (node, self) = Elapsed();
            return string.Create(CultureInfo.InvariantCulture, $"  cpu/op: azurite={node / operations:F2} ms dotnet={self / operations:F2} ms");
        }

        /// <summary>CPU milliseconds of Azurite and of this process since <see cref="Start"/>.</summary>
        public (double Azurite, double Dotnet) Elapsed() =>
            ((Ticks(_azuritePid) - _start.Node) * 10.0, (Ticks(Environment.ProcessId) - _start.Self) * 10.0); // clock ticks are 10 ms

        private static double Ticks(int? pid)
        {
            if (pid is null || !File.Exists($"/proc/{pid}/stat")) return double.NaN;
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
        }

        private static int? FindAzurite(int port)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
                try
                {
                    var cmd = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                    if (cmd.Contains("azurite", StringComparison.Ordinal) && cmd.Contains($"--tablePort {port} ", StringComparison.Ordinal)) return pid;
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            return null;
        }
    }
}
