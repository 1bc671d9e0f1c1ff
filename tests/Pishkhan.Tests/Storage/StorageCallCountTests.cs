using System.Diagnostics;
using System.Net;
using Pishkhan.Telemetry;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Tests.Requests;
using Pishkhan.Tests.Telemetry;

namespace Pishkhan.Tests.Storage;

/// <summary>
/// Pins the storage round trips of the hot paths (what the activity of each call records as
/// pishkhan.storage.calls.*): a change that adds a round trip fails here, not only in a benchmark.
/// Each path is measured in steady state (reference data cached by an earlier call). Lower a figure here
/// when an optimisation removes a call; raising one needs a reason.
/// </summary>
[Collection(nameof(StorageCallCountTests))]
public sealed class StorageCallCountTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestHost Host => fixture.Host;

    private sealed record Calls(long Table, long Queue, long Blob);

    private static Calls Of(Activity a) => new(
        (long)a.GetTagItem("pishkhan.storage.calls.table")!, (long)a.GetTagItem("pishkhan.storage.calls.queue")!, (long)a.GetTagItem("pishkhan.storage.calls.blob")!);

    private async Task<Calls> MeasureAsync(string function, Func<Task> call) =>
        (await MeasureAsync(call, (PishkhanTelemetry.Intake.Name, function)))[0];

    /// <summary>The calls of each named operation (activity source, name) that <paramref name="call"/> started, in order.</summary>
    private static async Task<Calls[]> MeasureAsync(Func<Task> call, params (string Source, string Function)[] operations)
    {
        using var capture = new ActivityCapture();
        using var root = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        await call();
        root.Stop();
        return [.. operations.Select(o => Of(Assert.Single(capture.InTrace(root.TraceId, o.Source), a => a.DisplayName == o.Function)))];
    }

    [Fact]
    public async Task ServiceRequestIntakeAndEventsMakeTheirPinnedRoundTrips()
    {
        var kit = await RequestsKit.SeedAsync(Host, "zanjan", "sc-" + Guid.NewGuid().ToString("N")[..6]);
        // Warms the reference-data cache and both keys' validation cache, so the figures are the steady state.
        var warm = (await kit.CreateAsync(kit.Body(externalRef: "warm", officeCode: kit.Office(1))))["id"]!.GetValue<string>();
        await kit.EventOkAsync(warm, "accepted", kit.OfficeKeys[kit.Office(1)]);
        await kit.EventOkAsync(warm, "completed", kit.OfficeKeys[kit.Office(1)]);

        string id = "";
        // CreateAsync waits for the intake's office write (after the answer, in the background).
        var intakeAndLanding = await MeasureAsync(
            async () => id = (await kit.CreateAsync(kit.Body(externalRef: "pinned", officeCode: kit.Office(1))))["id"]!.GetValue<string>(),
            (PishkhanTelemetry.Intake.Name, "PostRequest"), (PishkhanTelemetry.Queues.Name, Pishkhan.Requests.RequestBook.LandingOperation));
        var accepted = await MeasureAsync("PostRequestEvent", () => kit.EventOkAsync(id, "accepted", kit.OfficeKeys[kit.Office(1)]));
        var completed = await MeasureAsync("PostRequestEvent", () => kit.EventOkAsync(id, "completed", kit.OfficeKeys[kit.Office(1)]));

        Assert.Equal([new Calls(IntakeTable, 0, 0), new Calls(LandingTable, 0, 0), new Calls(AcceptedTable, 0, 0), new Calls(CompletedTable, CompletedQueue, 0)],
            [.. intakeAndLanding, accepted, completed]);
    }

    [Fact]
    public async Task FilingAndFollowingAComplaintMakeTheirPinnedRoundTrips()
    {
        var tag = "scc-" + Guid.NewGuid().ToString("N")[..6];
        await Host.SeedProvinceAsync("ardabil", tag);
        Task<HttpResponseMessage> FileAsync(string description) => Host.SendAsync(HttpMethod.Post, "/api/complaints",
            new { officeCode = $"{tag}-o1", category = "overcharging", description, anonymous = true }, key: null);
        // Warms the reference-data cache (office, policy, holidays), so the figure is the steady state whatever ran before.
        Assert.Equal(HttpStatusCode.Created, (await FileAsync("دفتر برای ارسال مدارک دو بار هزینه گرفت.")).StatusCode);
        string code = "";
        var filed = await MeasureAsync("FileComplaint", async () =>
        {
            var response = await FileAsync("بیش از تعرفه پول گرفتند و رسید ندادند.");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            code = (await Host.ReadJsonAsync(response))["trackingCode"]!.GetValue<string>();
        });
        var followed = await MeasureAsync("GetComplaintStatus", async () =>
            Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}", key: null)).StatusCode));

        Assert.Equal([new Calls(FileTable, FileQueue, 0), new Calls(FollowTable, 0, 0)], [filed, followed]);
    }

    [Fact]
    public async Task ProcessingAnInspectionMakesItsPinnedRoundTrips()
    {
        var tag = "sci-" + Guid.NewGuid().ToString("N")[..6];
        await Host.SeedProvinceAsync("semnan", tag);
        // The first one warms the caches (checklist version, policies, holidays, and, as it proposes a sanction, the
        // province's members); the second is the steady state.
        await Inspections.InspectionTestKit.WaitProcessedAsync(Host, await Inspections.InspectionTestKit.PostAsync(Host, Inspections.InspectionTestKit.Body($"{tag}-o1",
            items: Inspections.InspectionTestKit.Items(("no-extra-charges", "fail")))));
        using var capture = new ActivityCapture();
        var id = await Inspections.InspectionTestKit.PostAsync(Host, Inspections.InspectionTestKit.Body($"{tag}-o2",
            items: Inspections.InspectionTestKit.Items(("no-extra-charges", "fail"))));
        await Inspections.InspectionTestKit.WaitProcessedAsync(Host, id);
        var processed = await ProcessedActivityAsync(capture, id);

        // The two notification rows are queued at once by independent effects: they share one message when the second
        // row is ready while the first one's put is on its way (Outbox, "Grouped messages"), else each has its own.
        var calls = Of(processed);
        Assert.Equal(new Calls(InspectionTable, 0, 0), calls with { Queue = 0 });
        Assert.InRange(calls.Queue, InspectionQueueGrouped, InspectionQueue);

        // Its counts reach OfficeStats a second later, in a flush of the office that knows the row processing wrote:
        // the counter read, the counter + marker transaction and the row's delete, no query.
        var flush = await Inspections.InspectionTestKit.EventuallyAsync(() => Task.FromResult(capture.Stopped.FirstOrDefault(a =>
            a.DisplayName == Pishkhan.Inspections.InspectionStats.FlushOperation && (string?)a.GetTagItem("pishkhan.office") == $"{tag}-o2")));
        Assert.Equal(new Calls(InspectionFlushTable, 0, 0), Of(flush));
    }

    [Fact]
    public async Task ProcessingACleanInspectionReadsNothing()
    {
        var tag = "scc-" + Guid.NewGuid().ToString("N")[..6];
        await Host.SeedProvinceAsync("ardabil", tag);
        await Inspections.InspectionTestKit.WaitProcessedAsync(Host, await Inspections.InspectionTestKit.PostAsync(Host, Inspections.InspectionTestKit.Body($"{tag}-o1")));
        using var capture = new ActivityCapture();
        var id = await Inspections.InspectionTestKit.PostAsync(Host, Inspections.InspectionTestKit.Body($"{tag}-o2"));
        await Inspections.InspectionTestKit.WaitProcessedAsync(Host, id);

        // Its message carries the row as inserted: the result's outbox row and the "processed" + counts transaction,
        // and the result's queue message.
        Assert.Equal(new Calls(CleanInspectionTable, CleanInspectionQueue, 0), Of(await ProcessedActivityAsync(capture, id)));
    }

    private static Task<Activity> ProcessedActivityAsync(ActivityCapture capture, string inspectionId) =>
        Inspections.InspectionTestKit.EventuallyAsync(() => Task.FromResult(capture.Stopped.FirstOrDefault(a =>
            a.DisplayName == "ProcessInspection" && (string?)a.GetTagItem("pishkhan.inspection.id") == inspectionId)));

    // The pinned figures (measured 2026-12-02; see README "Benchmarks" for the aims).
    // The intake answers after one transaction (claim, agency index); its landing, after the answer, is the office's
    // transaction, shared with the intakes that ride along (alone here). Was 2 while a pending row was deleted after it.
    private const long IntakeTable = 1, LandingTable = 1, AcceptedTable = 2, CompletedTable = 2, CompletedQueue = 0; // the completion's rating invitation (email, SMS) is sent after the answer
    // Filing: 13 + 2 for the complaint sweep's index (its rows written in one batch before the complaint, the
    // pending-effects row deleted once the effects ran), so the hourly sweep reads only what is due (Complaints README).
    private const long FileTable = 15, FileQueue = 0, FollowTable = 2;
    // Inspection with one minor violation (a warning proposed, a follow-up, two notifications): the inspection and its
    // history in one query, sanction, follow-up, two outbox rows, "processed" + counts in one transaction; two queue
    // sends, or one when the two rows share a message.
    private const long InspectionTable = 6, InspectionQueue = 2, InspectionQueueGrouped = 1;
    // A clean inspection: 2 + 1, was 3 + 1 while every inspection was read first (its message now carries the row).
    private const long CleanInspectionTable = 2, CleanInspectionQueue = 1;
    // Its counts' flush (off the processing path): 3, was 4 while the flush queried the office's rows first.
    private const long InspectionFlushTable = 3;
}

/// <summary>Runs alone: the activities it reads are process-wide, and another class's queue work would mix in.</summary>
[CollectionDefinition(nameof(StorageCallCountTests), DisableParallelization = true)]
public sealed class StorageCallCountCollection;
