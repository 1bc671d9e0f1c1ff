using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Bench;

/// <summary>
/// ./bench.sh inspections-bound [--n 1000] [--offices 200] [--rounds 5] [--batch 32]: what the inspections aim (ratio ≥ 0.5
/// against dequeue + delete) would allow on this Azurite, measured without the app. Each message is handled with raw
/// Azure SDK calls only, no logic, and the handling grows level by level, each level adding one of the effects
/// processing must have (Inspections/README, "Processing cost") in the cheapest form a design could give it. The
/// message carries what the POST knows (office, stamp, the ETag of the inserted row, whether an item failed), so a
/// clean inspection reads nothing:
///   0 floor: receive a batch, delete each message (InspectionsBench's floor loop);
///   1 + the processed mark: one merge of Status under the ETag the message carries;
///   2 the mark with its counts row instead: one transaction (merge under the ETag + insert), so the counts exist
///     exactly when the inspection is processed;
///   3 + the office's result notification row (its own partition, as every outbox row);
///   4 + ONE queue message per received batch naming every row of the batch (the grouping taken to its limit);
///   5 + for the 30 % with a failed item (InspectionsBench's mix: 25 % minor, 5 % major): the history read the policies
///     need (one range query of the office's partition), the sanction, the follow-up and three notification rows
///     (the office, the chair, the county lead), one insert each.
/// Level 5 is the least any design with the effects the issues require can make Azurite do for this bench's mix. The
/// counts flush into OfficeStats is left out, as InspectionsBench leaves it out of its timed part. Rounds alternate
/// the levels on one Azurite, each level on inspection rows of its own (partitions as large as the app's). Nothing
/// here is the app: it is the ceiling any inspection processing could reach here.
/// </summary>
public sealed class InspectionsBoundBench : IBenchmark
{
    private const int Levels = 6;
    private static readonly string[] LevelNames =
    [
        "0 floor: dequeue + delete", "1 + mark (merge)", "2 mark + counts (tx)", "3 + result row", "4 + 1 message/batch", "5 + 30 %: read, sanctions",
    ];
    public string Name => "inspections-bound";

    public async Task<int> RunAsync(BenchOptions options)
    {
        var n = options.Int("n", 1000);
        var officeCount = options.Int("offices", 200);
        var rounds = Math.Max(1, options.Int("rounds", 5));
        var batchSize = options.Int("batch", 32); // host.json's queues.batchSize
        await using var azurite = await Azurite.StartNewAsync(inMemory: true);
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(new StorageCalls(StorageService.Table), Azure.Core.HttpPipelinePosition.PerRetry);
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        queueOptions.AddPolicy(new StorageCalls(StorageService.Queue), Azure.Core.HttpPipelinePosition.PerRetry);
        var tables = new TableServiceClient(azurite.ConnectionString, tableOptions);
        var queues = new QueueServiceClient(azurite.ConnectionString, queueOptions);
        // Fills and checks go through clients without the counter: they are not the handling's work.
        var uncounted = new TableServiceClient(azurite.ConnectionString);
        var uncountedQueues = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var t = new BoundStorage(
            Enumerable.Range(0, Levels).Select(l => tables.GetTableClient($"BoundInspections{l}")).ToArray(),
            tables.GetTableClient("BoundOutbox"), tables.GetTableClient("BoundSanctions"), tables.GetTableClient("BoundFollowUps"),
            queues.GetQueueClient("bound-notifications"));
        foreach (var table in t.Inspections.Append(t.Outbox).Append(t.Sanctions).Append(t.FollowUps)) await table.CreateIfNotExistsAsync();
        await t.Notifications.CreateIfNotExistsAsync();
        var work = Enumerable.Range(0, Levels).Select(l => queues.GetQueueClient($"bound-work-{l}")).ToArray();
        foreach (var q in work) await q.CreateIfNotExistsAsync();
        var cpu = new IntakeBench.CpuMeter(azurite.TablePort);
        Console.WriteLine($"inspections bound: n={n} offices={officeCount} rounds={rounds} batch={batchSize} (raw Azure SDK, Azurite in memory, {Environment.ProcessorCount} cores)");

        var random = new Random(1405);
        var plans = Enumerable.Range(0, n).Select(i => (Office: $"bo{i % officeCount}", Sanction: random.Next(100) >= 70, HoursAgo: random.Next(1, 24 * 30))).ToArray();
        // Warm-up, untimed: JIT, connections, and every level's tables and queue touched once.
        var warmupPlans = Enumerable.Range(0, 100).Select(i => (Office: $"bw{i % 20}", Sanction: i % 10 >= 7, HoursAgo: i + 1)).ToArray();
        for (var level = 0; level < Levels; level++)
        {
            await FillAsync(uncounted, uncountedQueues, level, warmupPlans, 0, warmupPlans.Length, "w");
            await DrainAsync(work[level], warmupPlans.Length, batchSize, m => HandleAsync(t, level, m), t.Notifications);
        }

        var wall = new double[Levels];
        var cpuAzurite = new double[Levels];
        var calls = new (long Table, long Queue)[Levels];
        var perRound = Enumerable.Range(0, Levels).Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            var from = n * round / rounds;
            var count = n * (round + 1) / rounds - from;
            for (var level = 0; level < Levels; level++)
            {
                await FillAsync(uncounted, uncountedQueues, level, plans, from, count, "m");
                var before = StorageCalls.Snapshot();
                var sw = Stopwatch.StartNew();
                cpu.Start();
                await DrainAsync(work[level], count, batchSize, m => HandleAsync(t, level, m), t.Notifications);
                sw.Stop();
                cpuAzurite[level] += cpu.Elapsed().Azurite;
                wall[level] += sw.Elapsed.TotalMilliseconds;
                perRound[level].Add(count / sw.Elapsed.TotalSeconds);
                var after = StorageCalls.Snapshot();
                calls[level] = (calls[level].Table + after.Table - before.Table, calls[level].Queue + after.Queue - before.Queue);
            }
        }

        // Every level's work done, once: from level 1 on every inspection row is processed.
        var ok = true;
        for (var level = 1; level < Levels; level++)
        {
            var processed = 0;
            await foreach (var _ in uncounted.GetTableClient($"BoundInspections{level}").QueryAsync<TableEntity>(
                               TableClient.CreateQueryFilter($"Status eq {"processed"} and PartitionKey ge {"bo"} and PartitionKey lt {"bp"}"), select: ["PartitionKey"])) processed++;
            if (processed != n) ok = false;
            Console.WriteLine($"check: level {level} processed {processed}/{n} {(processed == n ? "OK" : "MISMATCH")}");
        }
        var floorRate = n / (wall[0] / 1000);
        Console.WriteLine($"{"level",-28} {"per second",10}  {"ratio",5}  azurite ms/op  busy  calls/op (table + queue)  per round /s");
        for (var level = 0; level < Levels; level++)
        {
            var rate = n / (wall[level] / 1000);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{LevelNames[level],-28} {rate,10:F1}  {rate / floorRate,5:F2}  {cpuAzurite[level] / n,13:F2}  {100 * cpuAzurite[level] / wall[level],3:F0} %  {(double)(calls[level].Table + calls[level].Queue) / n,5:F2} ({(double)calls[level].Table / n:F2} + {(double)calls[level].Queue / n:F2})  {string.Join(' ', perRound[level].Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calls/op={(double)(calls[Levels - 1].Table + calls[Levels - 1].Queue) / n:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio={n / (wall[Levels - 1] / 1000) / floorRate:F2}"));
        return ok ? 0 : 1;
    }

    private sealed record BoundStorage(TableClient[] Inspections, TableClient Outbox, TableClient Sanctions, TableClient FollowUps, QueueClient Notifications);

    /// <summary>Untimed: the inspection rows (shaped like the app's, 26 checklist results) and one message each, as the POST leaves them.</summary>
    private static async Task FillAsync(TableServiceClient tables, QueueServiceClient queues, int level, (string Office, bool Sanction, int HoursAgo)[] plans, int from, int count, string tag)
    {
        var table = tables.GetTableClient($"BoundInspections{level}");
        var queue = queues.GetQueueClient($"bound-work-{level}");
        await new Measurement("(fill)").RunAsync(count, 16, async i =>
        {
            var plan = plans[from + i];
            var visited = DateTimeOffset.UtcNow.AddHours(-plan.HoursAgo);
            var stamp = string.Create(CultureInfo.InvariantCulture, $"{999_999_999_999 - visited.ToUnixTimeSeconds():D12}{from + i:x8}");
            var inserted = await table.AddEntityAsync(new TableEntity(plan.Office, stamp)
            {
                ["Province"] = "lorestan", ["CountyCode"] = "bn-c1", ["OfficeName"] = "دفتر پیشخوان", ["OfficeEmail"] = "office@example.ir",
                ["Type"] = "routine", ["VisitedAt"] = visited, ["TemplateVersion"] = 1, ["ItemsJson"] = ItemsJson(plan.Sanction),
                ["FailedCodes"] = plan.Sanction ? "waiting-area,staff-id-badges" : "", ["Violations"] = plan.Sanction ? 2 : 0,
                ["PostedBy"] = "bench", ["PostedByRole"] = "admin", ["CreatedAt"] = DateTimeOffset.UtcNow, ["BodyHash"] = new string('a', 64),
                ["Status"] = "queued", ["Sanction"] = plan.Sanction, ["Tag"] = tag,
            });
            await queue.SendMessageAsync($"{plan.Office} {stamp} {(plan.Sanction ? 1 : 0)} {inserted.Headers.ETag}");
            return true;
        });
    }

    private static string ItemsJson(bool failing) => "[" + string.Join(',', Enumerable.Range(0, 26).Select(i =>
        $"{{\"code\":\"item-code-{i:D2}\",\"result\":\"{(failing && i < 2 ? "fail" : "pass")}\"}}")) + "]";

    /// <summary>One message at <paramref name="level"/>: the effects of the levels up to it, each call awaited in turn as a handler would.</summary>
    private static async Task<string?> HandleAsync(BoundStorage t, int level, string message)
    {
        if (level == 0) return null;
        var parts = message.Split(' ');
        var (office, stamp, failed, etag) = (parts[0], parts[1], parts[2] == "1", new Azure.ETag(parts[3]));
        var table = t.Inspections[level];
        var id = $"{level}.{office}.{stamp}";
        var mark = new TableEntity(office, stamp) { ["Status"] = "processed", ["ProcessedAt"] = DateTimeOffset.UtcNow };
        if (level == 1)
        {
            await table.UpdateEntityAsync(mark, etag, TableUpdateMode.Merge);
            return null;
        }
        // 3: the office's result notification row, before the mark (the mark is last, so a redelivery finds what is missing).
        if (level >= 3)
            await t.Outbox.AddEntityAsync(new TableEntity($"inspectionResult-{id}", "") { ["Channel"] = "email", ["Status"] = "pending", ["PayloadJson"] = new string('x', 400) });
        // 5: a failed item: the history the policies look back on (the rows visited before it: larger stamps), then the sanction's effects.
        if (level >= 5 && failed)
        {
            var history = 0;
            await foreach (var _ in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {office} and RowKey gt {stamp} and RowKey lt {"~"}"))) history++;
            await t.Sanctions.AddEntityAsync(new TableEntity(office, stamp) { ["Status"] = "proposed", ["ReasonJson"] = new string('x', 200), ["EarlierVisits"] = history });
            await t.FollowUps.AddEntityAsync(new TableEntity("bn-c1", $"20261215.{office}.{stamp}") { ["Status"] = "open", ["SourceInspectionId"] = id });
            foreach (var to in new[] { "office", "chair", "lead" })
                await t.Outbox.AddEntityAsync(new TableEntity($"sanctionProposed-{id}-{to}", "") { ["Channel"] = "email", ["Status"] = "pending", ["PayloadJson"] = new string('x', 400) });
        }
        // 2 and up: processed under the POST's ETag, with its counts row, in one transaction.
        await table.SubmitTransactionAsync([
            new TableTransactionAction(TableTransactionActionType.UpdateMerge, mark, etag),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(office, "~stats." + stamp) { ["InspectionCount"] = 1, ["Violations"] = failed ? 2 : 0 }),
        ]);
        return level >= 4 ? id : null;
    }

    /// <summary>
    /// Receive a batch, handle its messages concurrently, delete each when handled, repeat until <paramref name="n"/> are gone
    /// (InspectionsBench's floor loop, with a handler); at level 4 and up, one message per batch names the batch's rows.
    /// </summary>
    private static async Task DrainAsync(QueueClient queue, int n, int batchSize, Func<string, Task<string?>> handle, QueueClient notifications)
    {
        var done = 0;
        while (done < n)
        {
            var batch = (await queue.ReceiveMessagesAsync(batchSize, TimeSpan.FromMinutes(5))).Value;
            var rows = await Task.WhenAll(batch.Select(async message =>
            {
                var row = await handle(message.Body.ToString());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                return row;
            }));
            if (rows.Any(r => r is not null)) await notifications.SendMessageAsync(string.Join(',', rows.Where(r => r is not null)));
            done += batch.Length;
        }
    }
}
