using System.Net;
using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Digests;
using Pishkhan.Digests.Sections;
using Pishkhan.Sanctions;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Requests;
using Tables = Pishkhan.Storage.Tables;

namespace Pishkhan.Tests.Storage;

/// <summary>
/// The request and timer paths that used to scan a whole table by a non-key property now name a PartitionKey in
/// every query they send (recorded in the Table client's pipeline), and still answer the same rows.
/// </summary>
public sealed class IndexedReadTests : IAsyncLifetime
{
    private readonly TableQueryRecorder _recorder = new();
    private TestHost _host = null!;
    private TestHost Host => _host;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(timers: [], configure: _recorder.Register, settings: new()
    {
        ["Pishkhan:Complaints:FilingsPerClient"] = "100000",
        ["Pishkhan:RequestStatsFlushSeconds"] = "3600",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Follows the continuation tokens of a list to its end; answers <paramref name="field"/> of every item.</summary>
    private async Task<List<string>> AllPagesAsync(string path, string field)
    {
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, path + (token is null ? "" : "&continuationToken=" + token)));
            seen.AddRange(page["items"]!.AsArray().Select(i => i![field]!.GetValue<string>()));
            token = page["continuationToken"]?.GetValue<string>();
        } while (token is not null);
        return seen;
    }

    private bool On(string table, (string Table, string Filter) query) => query.Table == Host.Store.Names.Table(table);

    private void AssertEveryQueryNamesAPartition(List<(string Table, string Filter)> queries, params string[] tables)
    {
        Assert.NotEmpty(queries);
        foreach (var table in tables) Assert.Contains(queries, q => On(table, q));
        Assert.All(queries, q => Assert.True(q.Filter.Contains("PartitionKey eq", StringComparison.Ordinal), $"{q.Table}: a scan ({q.Filter})"));
    }

    [Fact]
    public async Task ListingAProvincesComplaintsReadsItsOfficesPartitionsAndPagesThroughEachOnce()
    {
        await Host.SeedProvinceAsync("kerman", "ix");
        var filed = new List<string>();
        foreach (var office in new[] { "ix-o1", "ix-o1", "ix-o3", "ix-o2", "ix-o3" })
        {
            var response = await Host.SendAsync(HttpMethod.Post, "/api/complaints", new
            {
                officeCode = office, category = "overcharging", description = $"بیش از تعرفه پول گرفتند و رسید ندادند {filed.Count}.", anonymous = true,
            }, key: null);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            filed.Add((await Host.ReadJsonAsync(response))["trackingCode"]!.GetValue<string>());
        }

        var seen = new List<string>();
        var queries = await _recorder.RecordAsync(async () => seen = await AllPagesAsync("/api/complaints?province=kerman&pageSize=2", "trackingCode"));

        Assert.Equal(filed.Order(), seen.Order());
        AssertEveryQueryNamesAPartition(queries, Tables.Complaints, Tables.Offices);

        // The digest's overdue list reads the same partitions (none is overdue yet).
        var overdue = await _recorder.RecordAsync(async () =>
            Assert.Empty(await Host.Services.GetRequiredService<Pishkhan.Complaints.ComplaintStore>().ListOverdueAsync("kerman", null, default)));
        AssertEveryQueryNamesAPartition(overdue, Tables.Complaints);
    }

    [Fact]
    public async Task TheDigestsSanctionsSectionReadsTheScopesOfficesPartitions()
    {
        await Host.SeedProvinceAsync("bushehr", "is");
        var table = Host.Table(Tables.Sanctions);
        var now = DateTimeOffset.UtcNow;
        await table.AddEntityAsync(new SanctionEntity
        {
            PartitionKey = "is-o2", RowKey = "s1", Province = "bushehr", CountyCode = "is-c1", Step = "fine", Severity = "minor",
            Status = SanctionStatus.Proposed, ProposedAt = now.AddDays(-2),
        });
        var section = Host.Services.GetServices<IDigestSection>().OfType<SanctionsAwaitingDecisionSection>().Single();
        DigestBlock? block = null;

        var queries = await _recorder.RecordAsync(async () =>
            block = await section.BuildAsync(new DigestScope("bushehr", null, DigestBuilder.WeekStartOf(now), now), JalaliPeriod.Containing(now), default));

        Assert.Equal(["دفتر پیشخوان 2"], block!.Rows.Select(r => r[0]));
        AssertEveryQueryNamesAPartition(queries, Tables.Sanctions, Tables.Offices);
    }

    [Fact]
    public async Task TheProvincesAwaitingSanctionsListReadsItsOfficesPartitionsAndPagesThroughEachOnce()
    {
        await Host.SeedProvinceAsync("golestan", "iy");
        var table = Host.Table(Tables.Sanctions);
        var now = DateTimeOffset.UtcNow;
        foreach (var (office, rk, status) in new[] { ("iy-o1", "a", SanctionStatus.Proposed), ("iy-o3", "b", SanctionStatus.Objected), ("iy-o3", "c", SanctionStatus.Proposed), ("iy-o2", "d", SanctionStatus.Overturned) })
            await table.AddEntityAsync(new SanctionEntity
            {
                PartitionKey = office, RowKey = rk, Province = "golestan", CountyCode = office == "iy-o3" ? "iy-c2" : "iy-c1", Step = "notice", Severity = "minor",
                Status = status, ProposedAt = now.AddDays(-1),
            });
        var seen = new List<string>();

        var queries = await _recorder.RecordAsync(async () => seen = await AllPagesAsync("/api/sanctions?province=golestan&status=awaiting&pageSize=1", "id"));

        Assert.Equal(["iy-o1.a", "iy-o3.b", "iy-o3.c"], seen);
        AssertEveryQueryNamesAPartition(queries, Tables.Sanctions, Tables.Offices);
    }

    [Fact]
    public async Task TheSlaSweepReadsTheOfficesThatHaveRequestsNotEveryOffice()
    {
        var kit = await RequestsKit.SeedAsync(Host, "yazd", "iw");
        await kit.CreateAsync(kit.Body(officeCode: kit.Office(1)));
        Task Sweep() => Host.Services.GetRequiredService<Dispatch>().RunTimer("SlaSweep", CancellationToken.None);
        await Sweep(); // the first run backfills the index from the offices written before it existed

        var queries = await _recorder.RecordAsync(Sweep);

        AssertEveryQueryNamesAPartition(queries, Tables.RequestOffices, Tables.Requests);
        Assert.DoesNotContain(queries, q => On(Tables.Offices, q));
        Assert.Contains(queries, q => On(Tables.Requests, q) && q.Filter.Contains($"PartitionKey eq '{kit.Office(1)}'", StringComparison.Ordinal));
    }
}
