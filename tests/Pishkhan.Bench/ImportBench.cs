using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;

namespace Pishkhan.Bench;

/// <summary>
/// ./bench.sh import [--n 5000]: POST /api/offices:import of N rows (the cap is 5,000) into one province of 10
/// counties against an in-memory Azurite, twice: creating the offices, then updating all of them (each row a
/// replace under its ETag). The floor, in the same run: the same number of entities (a directory claim and an
/// office per row) written raw as batched inserts of 100, four batches at a time. Prints rows/s, the time for
/// the file, and last "ratio=floor/import" (time).
/// </summary>
public sealed class ImportBench : IBenchmark
{
    public string Name => "import";

    public async Task<int> RunAsync(BenchOptions options)
    {
        var n = options.Int("n", 5000);
        await using var env = await BenchEnvironment.StartAsync();
        const string province = "lorestan";
        for (var c = 1; c <= 10; c++)
            (await env.Http.PutAsync($"/api/counties/ib-c{c:00}", Json(new JsonObject { ["name"] = $"شهرستان {c}", ["province"] = province }))).EnsureSuccessStatusCode();

        // The floor: 2N raw entities in batches of 100 (two partitions), four batches at a time.
        // Counted like the app's clients, so the floor reports its own storage calls per row.
        var floorOptions = new TableClientOptions();
        floorOptions.AddPolicy(new Pishkhan.Storage.StorageCalls(Pishkhan.Storage.StorageService.Table), Azure.Core.HttpPipelinePosition.PerRetry);
        var floorTable = new TableServiceClient(env.Azurite.ConnectionString, floorOptions).GetTableClient("FloorImport");
        await floorTable.CreateIfNotExistsAsync();
        var floorCalls = Pishkhan.Storage.StorageCalls.Snapshot();
        var floor = Stopwatch.StartNew();
        var batches = new[] { "office", province }.SelectMany(pk => Enumerable.Range(0, n).Chunk(100).Select(chunk => (pk, chunk)));
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (b, ct) =>
            await floorTable.SubmitTransactionAsync(b.chunk.Select(i => new TableTransactionAction(TableTransactionActionType.Add,
                new TableEntity(b.pk, $"ib-{i:00000}") { ["Name"] = $"دفتر پیشخوان {i}", ["CountyCode"] = $"ib-c{i % 10 + 1:00}", ["RegularHours"] = "07:30-14:30" })), ct));
        var floorSeconds = floor.Elapsed.TotalSeconds;
        var floorPerRow = (double)Total(Pishkhan.Storage.StorageCalls.Snapshot(), floorCalls) / n;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"floor (raw batched inserts)  entities={2 * n}  {2 * n / floorSeconds,8:F0}/s  wall={floorSeconds:F2}s"));

        var importCalls = Pishkhan.Storage.StorageCalls.Snapshot();
        var create = await ImportAsync(env, n, "دفتر پیشخوان");
        var update = await ImportAsync(env, n, "دفتر پیشخوان دولت");
        // Per row imported (created once, updated once): every call of the process meanwhile, background included.
        var importPerRow = (double)Total(Pishkhan.Storage.StorageCalls.Snapshot(), importCalls) / (2 * n);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"import (create)   rows={n}  {n / create,8:F0} rows/s  wall={create:F2}s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"import (update)   rows={n}  {n / update,8:F0} rows/s  wall={update:F2}s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n} rows imported in {create:F2}s (create) and {update:F2}s (update); goal < 5 s"));
        Console.WriteLine($"peak working set {BenchEnvironment.PeakWorkingSetMb()} MB");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"storage calls per row: import {importPerRow:F3}, floor {floorPerRow:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calls/op={importPerRow:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio={floorSeconds / Math.Max(create, update):F2}"));
        return 0;
    }

    private static async Task<double> ImportAsync(BenchEnvironment env, int n, string name)
    {
        var csv = new StringBuilder("officeCode,name,countyCode,regularHours,afterHours,email\r\n");
        for (var i = 0; i < n; i++)
            csv.Append(CultureInfo.InvariantCulture, $"ib-{i:00000},\"{name} {i}، مرکزی\",ib-c{i % 10 + 1:00},07:30-14:30,16:00-20:00,office{i}@example.ir\r\n");
        using var content = new StringContent(csv.ToString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var sw = Stopwatch.StartNew();
        var response = await env.Http.PostAsync("/api/offices:import", content);
        var seconds = sw.Elapsed.TotalSeconds;
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (!response.IsSuccessStatusCode || body["applied"]!.GetValue<int>() != n)
            throw new InvalidOperationException($"import → {(int)response.StatusCode}: applied {body["applied"]}, failed {body["failed"]}");
        return seconds;
    }

    private static long Total((long Table, long Queue, long Blob) now, (long Table, long Queue, long Blob) before) =>
        now.Table + now.Queue + now.Blob - before.Table - before.Queue - before.Blob;

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");
}
