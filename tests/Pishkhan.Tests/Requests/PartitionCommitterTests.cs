using Azure;
using Azure.Data.Tables;
using Pishkhan.Problems;
using Pishkhan.Requests;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

/// <summary>The group-commit core against real Azurite: exact under concurrency, within one process and across two.</summary>
public sealed class PartitionCommitterTests
{
    public sealed class Counter : IRow
    {
        public string PartitionKey { get; set; } = "";
        public string RowKey { get; set; } = "";
        public DateTimeOffset? Timestamp { get; set; }
        public ETag ETag { get; set; }
        public int Value { get; set; }
        public IRow Copy() => (IRow)MemberwiseClone();
    }

    private sealed class Increment(string item) : Unit<int>
    {
        public override IEnumerable<RowRef> Rows => [RowRef.For<Counter>("counter", pinned: true), RowRef.For<Counter>(item, RowLoad.AssumeAbsent)];

        public override int Decide(WorkingSet ws)
        {
            if (ws.Exists(item)) return -1; // already counted
            var c = ws.Get<Counter>("counter") ?? new Counter { PartitionKey = "p", RowKey = "counter" };
            c.Value++;
            ws.Put(c);
            ws.Put(new Counter { PartitionKey = "p", RowKey = item, Value = 1 });
            return c.Value;
        }
    }

    private sealed class Failing : Unit<int>
    {
        public override IEnumerable<RowRef> Rows => [RowRef.For<Counter>("counter", pinned: true)];

        public override int Decide(WorkingSet ws)
        {
            var c = ws.Get<Counter>("counter") ?? new Counter { PartitionKey = "p", RowKey = "counter" };
            c.Value += 1000;
            ws.Put(c);
            throw Problem.Conflict("no");
        }
    }

    private static async Task<TableClient> TableAsync()
    {
        var azurite = await Azurite.SharedAsync();
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("commit" + Guid.NewGuid().ToString("N")[..10]);
        await table.CreateAsync();
        return table;
    }

    [Fact]
    public async Task TwoInstancesCountEveryUnitExactlyOnce()
    {
        var table = await TableAsync();
        var a = new PartitionCommitter(table, "p");
        var b = new PartitionCommitter(table, "p");
        // 300 units, each submitted twice (once per "instance"), concurrently.
        var results = await Task.WhenAll(Enumerable.Range(0, 300).SelectMany(i => new[]
        {
            a.SubmitAsync(new Increment($"i{i}")), b.SubmitAsync(new Increment($"i{i}")),
        }));
        var counter = (await table.GetEntityAsync<Counter>("p", "counter")).Value;
        Assert.Equal(300, counter.Value);
        Assert.Equal(300, results.Count(r => r > 0));
        Assert.Equal(Enumerable.Range(1, 300), results.Where(r => r > 0).Order());
    }

    [Fact]
    public async Task AFailingUnitLeavesNoTraceAndOthersCommit()
    {
        var table = await TableAsync();
        var committer = new PartitionCommitter(table, "p");
        var ok1 = committer.SubmitAsync(new Increment("x1"));
        var bad = committer.SubmitAsync(new Failing());
        var ok2 = committer.SubmitAsync(new Increment("x2"));
        await Assert.ThrowsAsync<ApiProblem>(() => bad);
        await Task.WhenAll(ok1, ok2);
        Assert.Equal(2, (await table.GetEntityAsync<Counter>("p", "counter")).Value.Value);
    }

    [Fact]
    public async Task ARowAssumedAbsentThatExistsIsReadAndDecidedAgain()
    {
        var table = await TableAsync();
        await table.AddEntityAsync(new Counter { PartitionKey = "p", RowKey = "dup", Value = 1 });
        var committer = new PartitionCommitter(table, "p");
        Assert.Equal(-1, await committer.SubmitAsync(new Increment("dup")));
        Assert.Equal(1, await committer.SubmitAsync(new Increment("fresh")));
    }
}
