using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Requests;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

/// <summary>
/// The intake answers after its claim transaction; the request reaches its office's partition afterwards (the
/// landing, group-committed after a linger). These tests hold that gap open and check what users see in it: the
/// agency reads its request from any instance at once, a process that stops in the gap loses nothing (the sweep
/// lands the request), and nothing is counted twice whoever lands it.
/// </summary>
public sealed class IntakeLandingTests
{
    private static Dictionary<string, string?> Settings(string prefix, int lingerMs) => new(RequestsHostFixture.Settings)
    {
        ["Pishkhan:StorageNamePrefix"] = prefix,
        ["Pishkhan:RequestIntakeLingerMs"] = lingerMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static async Task<int> RequestRowsAsync(TestHost host, string office) =>
        (await host.Table(Tables.Requests).QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {office} and RowKey ge {RequestIds.RequestPrefix} and RowKey lt {RequestIds.RequestPrefixEnd}")).ToListAsync()).Count;

    [Fact]
    public async Task TheAgencyReadsItsRequestOnAnotherInstanceBeforeTheOfficeWriteLandsAndItIsCountedOnce()
    {
        var prefix = TestHost.NewPrefix();
        // Instance A holds its office writes for 10 s (the longest linger allowed); B is another instance on the same storage.
        await using var a = await TestHost.StartAsync(settings: Settings(prefix, 10_000));
        await using var b = await TestHost.StartAsync(settings: Settings(prefix, 200));
        var kit = await RequestsKit.SeedAsync(a, "qom", "il1");

        var response = await kit.PostAsync(kit.Body(externalRef: "gap", officeCode: kit.Office(1)), "gap-key");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await a.ReadJsonAsync(response)).Str("id");
        Assert.True(RequestIds.TryParse(id, out var key));
        // The answer came before the office write: the office's partition does not have the request yet.
        Assert.Null(await a.Table(Tables.Requests).GetOrNullAsync<TableEntity>(kit.Office(1), key.RowKey));
        // The claim's transaction has the agency's index row, naming the claim.
        var claimKey = ClaimRow.KeyFor("gap-key");
        var index = await a.Table(Tables.RequestKeys).QueryAsync<AgencyIndexRow>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {ClaimRow.PartitionFor(kit.Agency, claimKey)} and RowKey ge {AgencyIndexRow.Prefix} and RowKey lt {AgencyIndexRow.PrefixEnd}")).ToListAsync();
        Assert.Equal((id, claimKey), (Assert.Single(index).RequestId, index[0].ClaimKey));

        // The agency reads it on B at once (B writes it from the claim), and finds it in its list.
        var onB = await b.SendAsync(HttpMethod.Get, $"/api/requests/{id}", key: kit.AgencyKey);
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        var view = await b.ReadJsonAsync(onB);
        Assert.Equal("submitted", view.Str("status"));
        Assert.Equal("gap", view.Str("externalRef"));
        var list = await b.ReadJsonAsync(await b.SendAsync(HttpMethod.Get, "/api/requests", key: kit.AgencyKey));
        Assert.Equal([id], list["items"]!.AsArray().Select(i => i!.Str("id")));
        Assert.NotNull(await a.Table(Tables.Requests).GetOrNullAsync<TableEntity>(kit.Office(1), key.RowKey));

        // A's own landing, when its linger ends, finds the request there: one row, counted once.
        await a.Services.GetRequiredService<RequestBook>().DrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await RequestRowsAsync(a, kit.Office(1)));
        Assert.Equal(1, await kit.OpenWorkAsync(kit.Office(1)));
        Assert.Equal(1, (await kit.StatsAsync(kit.Office(1), JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString()))!.RequestsReceived);
    }

    [Fact]
    public async Task AReadOnTheAnsweringInstanceDoesNotWaitOutTheLinger()
    {
        await using var host = await TestHost.StartAsync(settings: Settings(TestHost.NewPrefix(), 10_000));
        var kit = await RequestsKit.SeedAsync(host, "qom", "il2");
        var response = await kit.PostAsync(kit.Body(externalRef: "own", officeCode: kit.Office(2)), "own-key");
        var id = (await host.ReadJsonAsync(response)).Str("id");

        // The office lists it and moves it on at once: reads on this instance send its lingering office write first.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var list = await host.ReadJsonAsync(await host.SendAsync(HttpMethod.Get, "/api/requests", key: kit.OfficeKeys[kit.Office(2)]));
        Assert.Equal([id], list["items"]!.AsArray().Select(i => i!.Str("id")));
        await kit.EventOkAsync(id, "accepted", kit.OfficeKeys[kit.Office(2)]);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(8), $"took {started.Elapsed}");
        await kit.LandedAsync();
        Assert.Equal(1, await kit.OpenWorkAsync(kit.Office(2)));
    }

    [Fact]
    public async Task TheSweepLandsAnIntakeWhoseProcessStoppedAfterTheAnswerOnceItsGraceHasPassed()
    {
        var (clock, host, kit) = await StartOnAFakeClockAsync("il3");
        await using var stopHost = host;

        var now = clock.GetUtcNow();
        var id = await WriteStoppedIntakeAsync(host, kit, "stopped-key", now);
        Assert.True(RequestIds.TryParse(id, out var key));

        // Within the grace the intake may still be lingering in its process: the sweep leaves it.
        clock.Advance(TimeSpan.FromSeconds(30));
        await SweepOnceAsync(host);
        Assert.Null(await host.Table(Tables.Requests).GetOrNullAsync<TableEntity>(kit.Office(1), key.RowKey));

        clock.Advance(RequestBook.LandingGrace);
        await SweepOnceAsync(host);
        await SweepOnceAsync(host);
        Assert.Equal(1, await RequestRowsAsync(host, kit.Office(1)));
        // The next sweep reads the agency's index from where this one stopped (less the overlap), not from the start.
        var watermark = await host.Table(Tables.RequestKeys).GetOrNullAsync<LandingWatermarkRow>(LandingWatermarkRow.PartitionFor(kit.Agency), LandingWatermarkRow.Key);
        Assert.Equal(clock.GetUtcNow() - RequestBook.LandingGrace, watermark!.Through);
        Assert.Equal(1, await kit.OpenWorkAsync(kit.Office(1)));
        Assert.Equal(1, (await kit.StatsAsync(kit.Office(1), JalaliPeriod.Containing(now).ToString()))!.RequestsReceived);
        Assert.Equal("submitted", (await kit.GetAsync(id)).Str("status"));
    }

    [Fact]
    public async Task TheNextSweepLandsAnIntakeWhoseClaimCommittedAfterTheWatermarkHadPassedItsTime()
    {
        var (clock, host, kit) = await StartOnAFakeClockAsync("il4");
        await using var stopHost = host;
        await SweepOnceAsync(host); // the agency's watermark is now a minute (the grace) before 06:00

        // An intake that took its time at 05:55 but committed its claim only now (a process paused between the two),
        // and stopped before landing: its time is behind the watermark, within the sweep's overlap.
        var id = await WriteStoppedIntakeAsync(host, kit, "late-key", clock.GetUtcNow() - TimeSpan.FromMinutes(5));
        Assert.True(RequestIds.TryParse(id, out var key));
        clock.Advance(TimeSpan.FromHours(1));
        await SweepOnceAsync(host);

        Assert.NotNull(await host.Table(Tables.Requests).GetOrNullAsync<TableEntity>(kit.Office(1), key.RowKey));
        Assert.Equal(1, await kit.OpenWorkAsync(kit.Office(1)));
    }

    /// <summary>A host on a fake clock at 06:00 UTC (no wall-clock timers: the test runs the sweep), with a seeded agency and offices.</summary>
    private static async Task<(FakeTimeProvider Clock, TestHost Host, RequestsKit Kit)> StartOnAFakeClockAsync(string tag)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
        var host = await TestHost.StartAsync(timers: [], settings: Settings(TestHost.NewPrefix(), 200),
            configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        try
        {
            return (clock, host, await RequestsKit.SeedAsync(host, "semnan", tag));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static Task SweepOnceAsync(TestHost host) => host.Services.GetRequiredService<Dispatch>().RunTimer("SlaSweep", CancellationToken.None);

    /// <summary>
    /// What a process that stopped after answering leaves: the claim transaction (claim, agency index row naming it)
    /// of an intake stamped <paramref name="createdAt"/>, and no request in the office. Returns the request id.
    /// </summary>
    private static async Task<string> WriteStoppedIntakeAsync(TestHost host, RequestsKit kit, string idempotencyKey, DateTimeOffset createdAt)
    {
        var claimKey = ClaimRow.KeyFor(idempotencyKey);
        var partition = ClaimRow.PartitionFor(kit.Agency, claimKey);
        var id = RequestIds.Id(kit.Office(1), RequestIds.NewSuffix(createdAt, ClaimRow.ShardOf(claimKey)));
        var draft = new RequestDraft(id, kit.Agency, kit.Contract, "parcel", "مرسوله", 16, idempotencyKey, kit.Province, kit.County1, kit.Office(1),
            createdAt, createdAt.AddHours(30), "0013542419", "09121234567", "citizen@example.ir", "test");
        await host.Table(Tables.RequestKeys).SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new ClaimRow
            {
                PartitionKey = partition, RowKey = claimKey, RequestId = id, OfficeCode = kit.Office(1), CreatedAt = createdAt, DueAt = draft.DueAt,
                DraftJson = JsonSerializer.Serialize(draft, Pishkhan.Http.Json.Stored), BodyHash = "x",
            }),
            new(TableTransactionActionType.Add, new AgencyIndexRow { PartitionKey = partition, RowKey = AgencyIndexRow.KeyFor(createdAt, id), RequestId = id, CreatedAt = createdAt, ClaimKey = claimKey }),
        ]);
        return id;
    }
}
