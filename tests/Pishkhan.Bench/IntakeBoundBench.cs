using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Pishkhan.Requests;
using Pishkhan.Storage;

namespace Pishkhan.Bench;

/// <summary>
/// ./bench.sh intake-bound [--n 12000] [--concurrency 16] [--rounds 3]: what the intake aim (ratio ≥ 0.8 against one
/// insert per request) would allow on this Azurite, measured without the app. "Bound" is the leanest layout that
/// still keeps what the issue requires, written with raw Azure.Data.Tables calls and no logic:
///   - while the caller waits: ONE insert per request, the request row keyed by the Idempotency-Key hash in the
///     agency's shard (its insert is the claim);
///   - off the hot path, in entity-group transactions of up to 100 operations, each partition's rows written as
///     soon as the previous transaction of that partition is done (ideal group commit): the agency index row (in
///     the request's shard), the office's list row and SLA-index row (in the office's partition), and per
///     transaction one open-work counter row and one statistics delta row.
/// The floor is IntakeBench's: one request-like row per request in the office partitions. Rounds alternate floor and
/// bound on the same Azurite. The bound's time runs until every derived row is written (its views exact), and the
/// time at which the last synchronous insert answered is printed too. Nothing here is the app: it is the ceiling
/// that any intake design with these rows could reach here.
/// </summary>
public sealed class IntakeBoundBench : IBenchmark
{
    public string Name => "intake-bound";

    public async Task<int> RunAsync(BenchOptions options)
    {
        var n = options.Int("n", 12_000);
        var concurrency = options.Int("concurrency", 16);
        var rounds = Math.Max(1, options.Int("rounds", 3));
        var linger = TimeSpan.FromMilliseconds(options.Int("linger-ms", 200));
        await using var azurite = await Pishkhan.Tests.Infrastructure.Azurite.StartNewAsync(inMemory: true);
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(new StorageCalls(StorageService.Table), Azure.Core.HttpPipelinePosition.PerRetry);
        var service = new TableServiceClient(azurite.ConnectionString, clientOptions);
        var floorTable = service.GetTableClient("FloorInserts");
        var keys = service.GetTableClient("BoundKeys");
        var offices = service.GetTableClient("BoundOffices");
        foreach (var t in new[] { floorTable, keys, offices }) await t.CreateIfNotExistsAsync();
        var cpu = new IntakeBench.CpuMeter(azurite.TablePort);
        Console.WriteLine($"intake bound: n={n} concurrency={concurrency} rounds={rounds} linger={(int)linger.TotalMilliseconds} ms (raw Azure.Data.Tables, Azurite in memory, {Environment.ProcessorCount} cores)");

        await new Measurement("warmup floor").RunAsync(500, concurrency, i => IntakeBench.InsertFloorAsync(floorTable, "w" + i));
        await RunBoundAsync(keys, offices, "w", 0, 500, concurrency, linger);

        var perRound = n / rounds;
        var floorRates = new List<double>();
        var boundRates = new List<double>();
        var answerRates = new List<double>();
        long floorCalls = 0, boundCalls = 0, lost = 0;
        var answerTimes = new Measurement("bound: the synchronous insert");
        for (var round = 0; round < rounds; round++)
        {
            var offset = round * perRound;
            var before = StorageCalls.Snapshot();
            var f = new Measurement($"floor round {round + 1}");
            cpu.Start();
            await f.RunAsync(perRound, concurrency, i => IntakeBench.InsertFloorAsync(floorTable, "m" + (offset + i)));
            Console.WriteLine(f + cpu.Stop(perRound));
            floorRates.Add(f.Throughput);
            var middle = StorageCalls.Snapshot();
            floorCalls += middle.Table - before.Table;

            cpu.Start();
            var (answered, complete, batches) = await RunBoundAsync(keys, offices, "m", offset, perRound, concurrency, linger, answerTimes);
            boundCalls += StorageCalls.Snapshot().Table - middle.Table;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bound round {round + 1}           n={perRound,6}  {perRound / complete.TotalSeconds,9:F1}/s  (answers done at {answered.TotalSeconds:F2}s: {perRound / answered.TotalSeconds:F1}/s; derived rows in {batches} transactions, {(double)perRound / batches:F1} requests each)  wall={complete.TotalSeconds:F1}s{cpu.Stop(perRound)}"));
            boundRates.Add(perRound / complete.TotalSeconds);
            answerRates.Add(perRound / answered.TotalSeconds);
            // The derived views are exact: each office's counter (this round's) adds up to the round's requests.
            var open = 0L;
            await foreach (var row in offices.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {"~office"}"), select: ["Open"]))
                open += row.GetInt64("Open") ?? 0;
            if (open != perRound) lost++;
            Console.WriteLine($"  check: {perRound} requests, open-work counters add up to {open} {(open == perRound ? "OK" : "MISMATCH")}");
        }
        var total = perRound * rounds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bound: the synchronous insert, answer time over all rounds: p50={answerTimes.Percentile(0.5):F2} ms  p99={answerTimes.Percentile(0.99):F2} ms"));
        Console.WriteLine($"floor throughput/s: {Measurement.Spread(floorRates)}");
        Console.WriteLine($"bound throughput/s (views complete): {Measurement.Spread(boundRates)}");
        Console.WriteLine($"ratio per round (views complete): {Measurement.Spread(boundRates.Zip(floorRates, (b, f) => b / f).ToList(), "F2")}");
        Console.WriteLine($"ratio per round (answers only, views still behind): {Measurement.Spread(answerRates.Zip(floorRates, (b, f) => b / f).ToList(), "F2")}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"storage calls/op: floor={(double)floorCalls / total:F2} bound={(double)boundCalls / total:F2} (1 synchronous)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calls/op={(double)boundCalls / total:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio={boundRates.Sum() / floorRates.Sum():F2}"));
        return lost == 0 ? 0 : 1;
    }

    /// <summary>
    /// Writes <paramref name="count"/> requests the bound's way; returns when the last synchronous insert answered, when
    /// the last derived row was written, and how many derived transactions it took.
    /// </summary>
    private static async Task<(TimeSpan Answered, TimeSpan Complete, int Batches)> RunBoundAsync(TableClient keys, TableClient offices, string tag, int offset, int count,
        int concurrency, TimeSpan linger, Measurement? answers = null)
    {
        var derived = new PartitionWriter(new Dictionary<string, TableClient>
        {
            ["keys"] = keys, ["offices"] = offices,
        }, linger);
        var clock = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var id = tag + (offset + i).ToString(CultureInfo.InvariantCulture);
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("bench-" + id)));
                var shard = $"bench-post~{hash[0]}";
                var office = IntakeBench.OfficeOf(offset + i);
                var now = DateTimeOffset.UtcNow;
                var suffix = RequestIds.NewSuffix(now);
                // The one synchronous call: the request row keyed by the key hash, with everything the request holds.
                var request = IntakeBench.RequestLikeRow(shard, "k_" + hash, id, now);
                (request["RequestId"], request["OfficeCode"], request["BodyHash"]) = ($"{office}_{suffix}", office, hash);
                var started = Stopwatch.GetTimestamp();
                await keys.AddEntityAsync(request);
                answers?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                // Off the hot path: the derived rows, group-committed per partition.
                derived.Add("keys", shard, new TableEntity(shard, $"t_{suffix}") { ["RequestId"] = $"{office}_{suffix}", ["CreatedAt"] = now });
                derived.Add("offices", office, new TableEntity(office, "r_" + suffix) { ["Shard"] = shard, ["KeyHash"] = hash, ["Status"] = "submitted", ["CreatedAt"] = now });
                derived.Add("offices", office, new TableEntity(office, $"d_{now.AddHours(16).UtcTicks:D19}_{suffix}") { ["RequestRowKey"] = "r_" + suffix });
            }
        }));
        var answered = clock.Elapsed;
        var batches = await derived.DrainAsync();
        return (answered, clock.Elapsed, batches);
    }

    /// <summary>
    /// Ideal group commit: each partition's waiting rows go in one transaction (≤ 100 operations, the office partitions'
    /// with their counter and delta upserts) as soon as that partition's previous transaction is done.
    /// </summary>
    private sealed class PartitionWriter(Dictionary<string, TableClient> tables, TimeSpan linger)
    {
        private readonly ConcurrentDictionary<(string Table, string Partition), Pending> _partitions = new();
        private int _batches;

        private sealed class Pending
        {
            public readonly List<TableEntity> Rows = [];
            public Task Running = Task.CompletedTask;
            public bool Scheduled;
            public long Counter;
        }

        public void Add(string table, string partition, TableEntity row)
        {
            var pending = _partitions.GetOrAdd((table, partition), _ => new Pending());
            lock (pending)
            {
                pending.Rows.Add(row);
                if (pending.Scheduled) return;
                pending.Scheduled = true;
                pending.Running = pending.Running.ContinueWith(_ => FlushAsync(table, partition, pending), TaskScheduler.Default).Unwrap();
            }
        }

        private async Task FlushAsync(string table, string partition, Pending pending)
        {
            while (true)
            {
                if (linger > TimeSpan.Zero) await Task.Delay(linger);
                List<TableEntity> rows;
                lock (pending)
                {
                    if (pending.Rows.Count == 0)
                    {
                        pending.Scheduled = false;
                        return;
                    }
                    var take = Math.Min(pending.Rows.Count, table == "offices" ? 98 : 100);
                    rows = pending.Rows.GetRange(0, take);
                    pending.Rows.RemoveRange(0, take);
                }
                var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)).ToList();
                if (table == "offices")
                {
                    // One open-work counter and one statistics delta per transaction, however many requests it carries.
                    var requests = rows.Count(r => r.RowKey.StartsWith("r_", StringComparison.Ordinal));
                    pending.Counter += requests;
                    actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, "~office") { ["Open"] = pending.Counter }));
                    actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, "~delta_1405-09") { ["Received"] = pending.Counter }));
                }
                await tables[table].SubmitTransactionAsync(actions);
                Interlocked.Increment(ref _batches);
            }
        }

        public async Task<int> DrainAsync()
        {
            while (_partitions.Values.Any(p => { lock (p) return p.Scheduled || p.Rows.Count > 0; }))
                await Task.WhenAll(_partitions.Values.Select(p => { lock (p) return p.Running; }));
            return _batches;
        }
    }
}
