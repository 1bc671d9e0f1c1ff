using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Offices;
using Pishkhan.Rankings;
using Pishkhan.Stats;
using Pishkhan.Storage;

namespace Pishkhan.Bench;

/// <summary>
/// ./bench.sh ranking [--offices 10000] [--rounds 3] [--volume-requests 400]: 10,000 offices in 31 provinces and ~430 counties with
/// 5 + rounds periods of stats in Azurite. Ranks the first five in order (so later ones have movement and five
/// earlier scores for their sparklines), then each round times the next period — rank + persist + publish every
/// province — and its floor: a raw read of that period's stats and a raw batched write of as many rows.
/// Then <see cref="VolumeCheck"/>: two provinces whose stats come from requests posted and completed through
/// the API, the second with ten times the requests; ranking the second must make no more storage calls and take
/// about the same time, because ranking reads one stats row per office whatever the requests behind it.
/// </summary>
public sealed class RankingBench : IBenchmark
{
    public string Name => "ranking";

    public async Task<int> RunAsync(BenchOptions options)
    {
        var officeCount = options.Int("offices", 10_000);
        var env = await BenchEnvironment.StartAsync(timers: false);
        var store = env.App.Services.GetRequiredService<Store>();
        var provinces = Provinces.Names.Keys.Order(StringComparer.Ordinal).ToArray();
        // Five periods to warm up on (so the timed ones have movement and five earlier scores), then one per round.
        var rounds = Math.Max(1, options.Int("rounds", 3));
        var periods = Enumerable.Range(0, 5 + rounds).Select(i => new JalaliPeriod(1405 + (1 + i) / 12, (1 + i) % 12 + 1)).ToArray();

        var seed = Stopwatch.StartNew();
        var offices = await SeedReferenceAsync(store, provinces, officeCount);
        foreach (var period in periods) await SeedStatsAsync(store, period, offices);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {offices.Count} offices, {offices.Select(o => o.CountyCode).Distinct().Count()} counties, {periods.Length} periods of stats in {seed.Elapsed.TotalSeconds:F1}s"));

        var job = env.App.Services.GetRequiredService<RankingJob>();
        async Task<double> RankPeriodAsync(JalaliPeriod period)
        {
            var sw = Stopwatch.StartNew();
            await job.RunAsync(period, provinces);
            return sw.Elapsed.TotalSeconds;
        }
        for (var i = 0; i < 5; i++)
        {
            var seconds = await RankPeriodAsync(periods[i]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ranked {periods[i]} in {seconds:F2}s"));
        }
        var statsTable = store.Table(Tables.OfficeStats);
        // The floor's rows are as large as the ranking's (the average RowJson of a warm-up period's published rows).
        var rowJsonLength = (int)(await env.App.Services.GetRequiredService<RankingStore>().ListRowsAsync(provinces[0], periods[4].ToString(), null))
            .Average(r => r.RowJson.Length);
        Console.WriteLine($"published rows carry {rowJsonLength} characters of JSON each; the floor writes as many");
        // The floor writes into the Rankings table itself, in partitions of its own ("floor|{province}|{period}"): in
        // Azurite a write costs more as its table grows (every insert updates the table's sorted key indices), so a
        // floor writing into a fresh table would not pay what the ranking's writes pay into a table of every period so far.
        var floorTable = store.Table(Tables.Rankings);
        // Rounds alternate the ranking of the next period (as each month is ranked once) and its floor: read the
        // period's stats, write as many rows in batches of 100 into a partition of the period.
        var cpu = new IntakeBench.CpuMeter(env.Azurite.TablePort);
        var rankTimes = new List<double>();
        var floorTimes = new List<double>();
        long rankCalls = 0, floorCalls = 0;
        var read = 0;
        var last = periods[^1];
        // Where a ranking's time goes: the job's own spans, summed over provinces (eight run at a time, so the sums
        // exceed the wall time; their shares are what matters).
        var spans = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Pishkhan.Ranking",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => spans.AddOrUpdate(a.OperationName, a.Duration.TotalSeconds, (_, total) => total + a.Duration.TotalSeconds),
        };
        ActivitySource.AddActivityListener(listener);
        for (var round = 0; round < rounds; round++)
        {
            last = periods[5 + round];
            var callsBefore = StorageCalls.Snapshot();
            cpu.Start();
            rankTimes.Add(await RankPeriodAsync(last));
            var rankCpu = cpu.Stop(1);
            rankCalls = Total(StorageCalls.Snapshot()) - Total(callsBefore);

            var floorCallsBefore = StorageCalls.Snapshot();
            cpu.Start();
            var floor = Stopwatch.StartNew();
            read = 0;
            await foreach (var _ in statsTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {last.ToString()} and RowKey lt {"~"}"))) read++;
            await Parallel.ForEachAsync(offices.GroupBy(o => o.Province), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (g, ct) =>
            {
                foreach (var chunk in g.Chunk(100))
                    await floorTable.SubmitTransactionAsync(chunk.Select(o => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                        new TableEntity($"floor|{o.Province}|{last}", o.OfficeCode) { ["Score"] = 50.0, ["RowJson"] = new string('x', rowJsonLength) })), ct);
            });
            floorTimes.Add(floor.Elapsed.TotalSeconds);
            var floorCpu = cpu.Stop(1);
            floorCalls = Total(StorageCalls.Snapshot()) - Total(floorCallsBefore);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: rank+persist+publish {last} {rankTimes[^1]:F2}s,{rankCpu}; floor {floorTimes[^1]:F2}s,{floorCpu}"));
        }
        var rowsPublished = (await env.App.Services.GetRequiredService<RankingStore>().ListRowsAsync(provinces[0], last.ToString(), null)).Count;
        var (rankSeconds, floorSeconds) = (rankTimes.Average(), floorTimes.Average());

        Console.WriteLine($"rank+persist+publish one period of {offices.Count} offices ({periods[5]}…{last}; {rowsPublished} rows in {provinces[0]}), seconds: {Measurement.Spread(rankTimes, "F2")}");
        Console.WriteLine($"floor (read {read} stats rows + batched write of {offices.Count} rows), seconds: {Measurement.Spread(floorTimes, "F2")}");
        Console.WriteLine($"ratio per round: {Measurement.Spread(rankTimes.Zip(floorTimes, (r, f) => r / f).ToList(), "F2")}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"per round, summed over provinces: {string.Join(", ",
            spans.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key} {x.Value / rounds:F2}s"))}"));
        Console.WriteLine($"peak working set: {BenchEnvironment.PeakWorkingSetMb()} MB");
        await env.DisposeAsync();

        var volumeOk = await VolumeCheck.RunAsync(options.Int("volume-requests", 400));
        // One operation = ranking one period of every province (stats pages + row batches + a constant per province).
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"storage calls: ranking {rankCalls} ({(double)rankCalls / offices.Count:F3} per office), floor {floorCalls}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calls/op={rankCalls}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio={rankSeconds / floorSeconds:F2}"));
        // Non-zero when nothing was published or the ranking's cost grew with the requests behind the stats.
        return rowsPublished > 0 && volumeOk ? 0 : 1;
    }

    private static long Total((long Table, long Queue, long Blob) calls) => calls.Table + calls.Queue + calls.Blob;

    private static async Task<List<OfficeEntity>> SeedReferenceAsync(Store store, string[] provinces, int officeCount)
    {
        var counties = store.Table(Tables.Counties);
        var officesTable = store.Table(Tables.Offices);
        var offices = new List<OfficeEntity>();
        var countyCount = 430;
        for (var i = 0; i < officeCount; i++)
        {
            var county = i % countyCount;
            var province = provinces[county % provinces.Length];
            offices.Add(new OfficeEntity
            {
                PartitionKey = province, RowKey = $"o{i:00000}", Name = $"دفتر پیشخوان {i}", CountyCode = $"c{county:000}",
                RegularHours = "07:30-14:30", AfterHours = i % 3 == 0 ? "16:00-20:00" : null, Status = OfficeStatus.Active,
            });
        }
        var countyRows = Enumerable.Range(0, countyCount).Select(c => new CountyEntity { PartitionKey = provinces[c % provinces.Length], RowKey = $"c{c:000}", Name = $"شهرستان {c}" });
        foreach (var g in countyRows.GroupBy(c => c.PartitionKey))
            foreach (var chunk in g.Chunk(100))
                await counties.SubmitTransactionAsync(chunk.Select(c => new TableTransactionAction(TableTransactionActionType.UpsertReplace, c)));
        await Parallel.ForEachAsync(offices.GroupBy(o => o.PartitionKey), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (g, ct) =>
        {
            foreach (var chunk in g.Chunk(100))
                await officesTable.SubmitTransactionAsync(chunk.Select(o => new TableTransactionAction(TableTransactionActionType.UpsertReplace, o)), ct);
        });
        return offices;
    }

    private static async Task SeedStatsAsync(Store store, JalaliPeriod period, List<OfficeEntity> offices)
    {
        var table = store.Table(Tables.OfficeStats);
        var random = new Random(period.Month * 7919);
        var rows = offices.Select(o =>
        {
            var completed = random.Next(5, 400);
            var breached = (long)(completed * random.NextDouble() * 0.2);
            var ratings = completed / 3;
            return new OfficeStatsEntity
            {
                PartitionKey = period.ToString(), RowKey = o.OfficeCode, Province = o.PartitionKey, CountyCode = o.CountyCode,
                RequestsReceived = completed + 5, RequestsCompleted = completed, CompletedWithinSla = completed - breached, SlaBreached = breached,
                RatingCount = ratings, RatingSum = (long)(ratings * (3 + random.NextDouble() * 2)),
                ComplaintsReceived = random.Next(0, 4), ComplaintsUpheld = random.Next(0, 2),
                InspectionCount = random.Next(0, 3), InspectionScoreSum = random.Next(0, 3) * (55 + random.NextDouble() * 45),
                StaffCount = 6, StaffTrained = random.Next(2, 7), AfterHoursChecks = 2, AfterHoursOpen = random.Next(0, 3),
            };
        }).ToList();
        foreach (var r in rows) r.InspectionScoreSum = Math.Min(r.InspectionScoreSum, r.InspectionCount * 100);
        await Parallel.ForEachAsync(rows.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (chunk, ct) =>
            await table.SubmitTransactionAsync(chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertReplace, s)), ct));
    }
}
