using Pishkhan.Local;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Pishkhan.Bindings;
using Pishkhan.Tests.Infrastructure;
using Pishkhan.Text;

namespace Pishkhan.Tests.Telemetry;

// An end-to-end scenario over HTTP sends known national IDs, mobiles, emails and names in request bodies
// (valid, invalid and hostile), with the host logging at Trace; then not one log entry, activity or metric
// tag may contain any of them. Extend Scenario() with the steps of new capabilities (requests, complaints …).
public sealed class PersonalDataTests
{
    /// <summary>The personal data of the scenario: citizens, an office manager, a member.</summary>
    public static class Known
    {
        public const string NationalId1 = "0073128457";
        public const string NationalId2 = "4283910678";
        public const string WrongNationalId = "4283910670"; // NationalId2 with a wrong check digit: still someone's typo of theirs
        public const string Mobile1 = "09127654321";
        public const string Mobile2 = "09351237890";
        public const string Email1 = "zahra.ahmadi.pii@example.ir";
        public const string Email2 = "reza.karimi.pii@example.com";
        public const string Name1 = "زهرا احمدی‌نژاد";
        public const string Name2 = "رضا کریمی‌فر";

        public static readonly string[] All = [NationalId1, NationalId2, WrongNationalId, Mobile1, Mobile2, Email1, Email2, Name1, Name2];

        /// <summary>The values and the forms a careless log line would show them in.</summary>
        public static IEnumerable<string> Needles() => All
            .Concat([Mobile1[1..], Mobile2[1..], "+98" + Mobile1[1..], "+98" + Mobile2[1..]])   // 9127654321, +989127654321
            .Concat([NationalId1.TrimStart('0'), NationalId2])                                  // 73128457 (a number)
            .Concat([Email1.Split('@')[0], Email2.Split('@')[0]])                               // local parts
            .Distinct();
    }

    /// <summary>One HTTP call of the scenario; <see cref="After"/> may keep values for later steps.</summary>
    public sealed record Step(string Name, Func<ScenarioRun, Task<HttpResponseMessage>> Send, params HttpStatusCode[] Expected)
    {
        public Func<ScenarioRun, HttpResponseMessage, Task>? After { get; init; }

        public static Step Json(string name, HttpMethod method, string path, object body, params HttpStatusCode[] expected) =>
            new(name, run => run.Host.SendAsync(method, path, body), expected);

        public static Step Raw(string name, HttpMethod method, string path, string body, string contentType, params HttpStatusCode[] expected) =>
            new(name, run => run.Host.SendRawAsync(method, path, body, contentType), expected);

        public static Step Get(string name, string path, params HttpStatusCode[] expected) =>
            new(name, run => run.Host.SendAsync(HttpMethod.Get, path), expected);
    }

    public sealed class ScenarioRun(TestHost host)
    {
        public TestHost Host { get; } = host;

        /// <summary>Keys, ids and tokens earlier steps obtained.</summary>
        public Dictionary<string, string> Values { get; } = [];
    }

    /// <summary>
    /// The scenario. Personal data goes where each route takes it (office manager, phone and email; member
    /// name and email; key labels; CSV rows) and where it does not belong (unknown fields, bad values), so
    /// validation errors are exercised too.
    /// </summary>
    public static IEnumerable<Step> Scenario(string tag)
    {
        var province = "lorestan";
        yield return Step.Json("county", HttpMethod.Put, $"/api/counties/{tag}-c1", new { name = "خرم‌آباد", province }, HttpStatusCode.OK);
        yield return Step.Json("office", HttpMethod.Put, $"/api/offices/{tag}-o1", new
        {
            name = "دفتر پیشخوان دولت شماره ۱۲", countyCode = $"{tag}-c1",
            openingHours = new { regular = "07:30-14:30", afterHours = "16:00-20:00" },
            managerName = Known.Name1, phone = Known.Mobile1, email = Known.Email1, address = "خرم‌آباد، خیابان انقلاب",
        }, HttpStatusCode.OK);
        yield return Step.Json("office with a national ID where none belongs", HttpMethod.Put, $"/api/offices/{tag}-o2", new
        {
            name = "دفتر پیشخوان ۲", countyCode = $"{tag}-c1", openingHours = new { regular = "07:30-14:30" }, nationalId = Known.NationalId1,
        }, HttpStatusCode.BadRequest);
        yield return Step.Json("office with a malformed email", HttpMethod.Put, $"/api/offices/{tag}-o3", new
        {
            name = "دفتر پیشخوان ۳", countyCode = $"{tag}-c1", openingHours = new { regular = "07:30-14:30" },
            email = Known.Email2 + "\r\nBcc: " + Known.Mobile2, managerName = Known.Name2,
        }, HttpStatusCode.BadRequest);
        yield return Step.Raw("office import with one bad row", HttpMethod.Post, "/api/offices:import",
            "officeCode,name,countyCode,regularHours,managerName,phone,email\n"
            + $"{tag}-o4,دفتر پیشخوان ۴,{tag}-c1,07:30-14:30,{Known.Name2},{Known.Mobile2},{Known.Email2}\n"
            + $"{tag}-o5,دفتر پیشخوان ۵,{tag}-c1,07:30-14:30,{Known.Name1},{Known.NationalId2},not-an-email-{Known.NationalId1}\n",
            "text/csv", HttpStatusCode.OK);
        yield return Step.Json("agency", HttpMethod.Put, $"/api/agencies/{tag}-post", new { name = "اداره پست", province, contactEmail = Known.Email2 }, HttpStatusCode.OK);
        yield return Step.Json("contract", HttpMethod.Put, $"/api/contracts/{tag}-k1", new
        {
            agencyId = $"{tag}-post",
            services = new[] { new { serviceCode = "parcel", name = "مرسوله", slaHours = 16, fee = 150000 } },
            countyCodes = new[] { $"{tag}-c1" }, validFrom = "2026-03-21", validTo = "2027-03-20",
        }, HttpStatusCode.OK);
        yield return Step.Json("member", HttpMethod.Put, $"/api/members/{tag}-m1", new
        {
            name = Known.Name2, email = Known.Email2, role = "countyLead", province, countyCode = $"{tag}-c1",
        }, HttpStatusCode.OK);
        yield return Step.Json("member with a mobile for an email", HttpMethod.Put, $"/api/members/{tag}-m2", new
        {
            name = Known.Name1, email = Known.Mobile1, role = "member", province,
        }, HttpStatusCode.BadRequest);
        yield return new Step("office key labelled with personal data", run => run.Host.SendAsync(HttpMethod.Post, "/api/keys",
            new { role = "office", scope = $"{tag}-o1", label = $"{Known.Name1} {Known.Mobile1}" }), HttpStatusCode.Created)
        {
            After = async (run, response) => run.Values["officeKey"] = (await run.Host.ReadJsonAsync(response))["key"]!.GetValue<string>(),
        };
        yield return new Step("office reads its own office", run => run.Host.SendAsync(HttpMethod.Get, $"/api/offices/{tag}-o1", key: run.Values["officeKey"]), HttpStatusCode.OK);
        yield return new Step("office may not write", run => run.Host.SendAsync(HttpMethod.Put, $"/api/members/{tag}-m3",
            new { name = Known.Name1, email = Known.Email1, role = "member", province }, key: run.Values["officeKey"]), HttpStatusCode.Forbidden);
        yield return new Step("a key that is someone's email", run => run.Host.SendAsync(HttpMethod.Get, "/api/offices", key: Known.Email1), HttpStatusCode.Unauthorized);
        yield return Step.Get("offices list", $"/api/offices?province={province}&countyCode={tag}-c1", HttpStatusCode.OK);
        yield return Step.Get("members list", $"/api/members?province={province}", HttpStatusCode.OK);
        yield return new Step("a citizen files a complaint", run => run.Host.SendAsync(HttpMethod.Post, "/api/complaints", new
        {
            officeCode = $"{tag}-o1", category = "overcharging",
            description = $"برای صدور کارت سوخت دو برابر تعرفه از من گرفتند. کد ملی من {Known.NationalId2} است.",
            complainant = new { name = Known.Name1, mobile = Known.Mobile1, email = Known.Email1, nationalId = Known.NationalId1 },
        }, key: null), HttpStatusCode.Created)
        {
            After = async (run, response) => run.Values["trackingCode"] = (await run.Host.ReadJsonAsync(response))["trackingCode"]!.GetValue<string>(),
        };
        yield return new Step("the citizen follows it", run => run.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{run.Values["trackingCode"]}", key: null), HttpStatusCode.OK);
        yield return new Step("the admin reads the case with the complainant", run => run.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{run.Values["trackingCode"]}/case"), HttpStatusCode.OK);
        yield return new Step("the admin upholds it", run => run.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{run.Values["trackingCode"]}/decision",
            new { outcome = "upheld", reasons = $"اظهارات {Known.Name1} بررسی شد.", remedy = $"بازگرداندن وجه با تماس به {Known.Mobile1}" }), HttpStatusCode.OK);
        yield return new Step("a complaint with a wrong national ID and a mobile for an email", run => run.Host.SendAsync(HttpMethod.Post, "/api/complaints", new
        {
            officeCode = $"{tag}-o1", category = "delay", description = "پرونده پس از دو هفته هنوز ارسال نشده است.",
            complainant = new { name = Known.Name2, email = Known.Mobile2, nationalId = Known.WrongNationalId },
        }, key: null), HttpStatusCode.BadRequest);
        yield return Step.Get("complaints list", $"/api/complaints?province={province}", HttpStatusCode.OK);
        yield return Step.Json("meeting whose decision names a citizen", HttpMethod.Post, "/api/meetings", new
        {
            date = "1405-08-20", scope = province, participants = new[] { $"{tag}-m1" },
            decisions = new[] { new { text = $"پیگیری شکایت {Known.Name1} با شماره {Known.Mobile1}", ownerMemberId = $"{tag}-m1", dueDate = "1405-09-30" } },
        }, HttpStatusCode.Created);
        yield return Step.Json("target", HttpMethod.Put, $"/api/targets/{province}/1405-09/slaCompliance", new { planned = 0.9, note = $"پیگیری {Known.Email1}" }, HttpStatusCode.OK);
        yield return Step.Get("holidays", "/api/holidays?year=1405", HttpStatusCode.OK);
        yield return Step.Get("ranking policy", $"/api/ranking-policy?province={province}", HttpStatusCode.OK);
        // A ranking through the rankings queue; publishing it mails the members (the outbox holds their emails).
        var period = Pishkhan.Calendar.JalaliPeriod.Containing(TimeProvider.System.GetUtcNow()).Previous().ToString();
        yield return Step.Json("recompute a closed period", HttpMethod.Post, $"/api/rankings/{period}:recompute?province={province}", new { }, HttpStatusCode.Accepted);
        yield return new Step("the ranking is published", run => PollAsync(() => run.Host.SendAsync(HttpMethod.Get, $"/api/rankings/{period}?scope={province}", key: null)),
            HttpStatusCode.OK);
        yield return Step.Get("health", "/api/health", HttpStatusCode.OK);
        yield return Step.Get("openapi", "/api/openapi.json", HttpStatusCode.OK);
        // Service requests and ratings: citizen contact in bodies, notes and comments.
        yield return new Step("agency key", run => run.Host.SendAsync(HttpMethod.Post, "/api/keys", new { role = "agency", scope = $"{tag}-post" }), HttpStatusCode.Created)
        {
            After = async (run, response) => run.Values["agencyKey"] = (await run.Host.ReadJsonAsync(response))["key"]!.GetValue<string>(),
        };
        yield return new Step("an agency posts a request with the citizen's contact", run => PostRequestAsync(run, tag,
            new { nationalId = Known.NationalId1, mobile = Known.Mobile1, email = Known.Email1 }, "pii-1"), HttpStatusCode.Created)
        {
            After = async (run, response) => run.Values["requestId"] = (await run.Host.ReadJsonAsync(response))["id"]!.GetValue<string>(),
        };
        yield return new Step("the agency retries it", run => PostRequestAsync(run, tag, new { nationalId = Known.NationalId1, mobile = Known.Mobile1, email = Known.Email1 }, "pii-1"),
            HttpStatusCode.Created);
        yield return new Step("the same key with another citizen", run => PostRequestAsync(run, tag, new { nationalId = Known.NationalId2, mobile = Known.Mobile2 }, "pii-1"),
            HttpStatusCode.UnprocessableEntity);
        yield return new Step("a request with a wrong national ID and a mobile for an email", run => PostRequestAsync(run, tag,
            new { nationalId = Known.WrongNationalId, email = Known.Mobile2 }, "pii-2"), HttpStatusCode.BadRequest);
        yield return new Step("the agency reads it in full", run => run.Host.SendAsync(HttpMethod.Get, $"/api/requests/{run.Values["requestId"]}", key: run.Values["agencyKey"]), HttpStatusCode.OK);
        yield return new Step("the agency lists its requests", run => run.Host.SendAsync(HttpMethod.Get, "/api/requests", key: run.Values["agencyKey"]), HttpStatusCode.OK);
        yield return new Step("the office accepts it", run => run.Host.SendAsync(HttpMethod.Post, $"/api/requests/{run.Values["requestId"]}/events",
            new { type = "accepted", note = $"تماس با {Known.Name1} به شماره {Known.Mobile1}" }, run.Values["officeKey"]), HttpStatusCode.OK);
        yield return new Step("the office completes it", run => run.Host.SendAsync(HttpMethod.Post, $"/api/requests/{run.Values["requestId"]}/events",
            new { type = "completed" }, run.Values["officeKey"]), HttpStatusCode.OK);
        yield return Step.Get("the admin lists the office's requests", $"/api/requests?officeCode={tag}-o1", HttpStatusCode.OK);
        yield return new Step("the citizen rates it, naming themselves", async run =>
        {
            // The completion's message is written after its answer (RequestOutbox.DispatchInBackground).
            await Pishkhan.Tests.Notifications.Poll.UntilAsync(async () =>
            {
                var outbox = run.Host.Table(Pishkhan.Storage.Tables.Outbox).QueryAsync<Pishkhan.Notifications.OutboxEntity>(
                    Azure.Data.Tables.TableClient.CreateQueryFilter($"Cause eq {"request-completed:" + run.Values["requestId"]}"));
                await foreach (var n in outbox) run.Values["ratingToken"] = n.Data["ratingToken"];
                return run.Values.ContainsKey("ratingToken");
            }, "the completion's message");
            return await run.Host.SendAsync(HttpMethod.Post, "/api/ratings",
                new { token = run.Values["ratingToken"], score = 2, comment = $"من {Known.Name2} هستم، با {Known.Email2} یا {Known.Mobile2} تماس بگیرید." }, key: null);
        }, HttpStatusCode.Created);
        yield return new Step("the token again", run => run.Host.SendAsync(HttpMethod.Post, "/api/ratings", new { token = run.Values["ratingToken"], score = 5 }, key: null),
            HttpStatusCode.Conflict);
        yield return Step.Json("the agency's webhook secret", HttpMethod.Post, $"/api/agencies/{tag}-post/webhook-secret", new { }, HttpStatusCode.OK);
        // Inspections, notifications: add their steps here (bodies with citizen national IDs, mobiles and
        // emails), keeping to the values in Known.
    }

    private static Task<HttpResponseMessage> PostRequestAsync(ScenarioRun run, string tag, object citizen, string idempotencyKey)
    {
        var request = run.Host.Request(HttpMethod.Post, "/api/requests", run.Values["agencyKey"],
            new { contractId = $"{tag}-k1", serviceCode = "parcel", officeCode = $"{tag}-o1", externalRef = "P-1405-77", citizen });
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return run.Host.Http.SendAsync(request);
    }

    /// <summary>Repeats a GET until it answers 200 (background work done) or 30 s pass; returns the last answer.</summary>
    public static async Task<HttpResponseMessage> PollAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await send();
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline) return response;
            response.Dispose();
            await Task.Delay(100);
        }
    }

    [Fact]
    public void TheKnownDataIsValidPersonalData()
    {
        Assert.True(NationalId.TryNormalize(Known.NationalId1, out _) && NationalId.TryNormalize(Known.NationalId2, out _));
        Assert.False(NationalId.TryNormalize(Known.WrongNationalId, out _));
        Assert.True(MobileNumber.TryNormalize(Known.Mobile1, out _) && MobileNumber.TryNormalize(Known.Mobile2, out _));
        Assert.True(EmailAddress.TryNormalize(Known.Email1, out _) && EmailAddress.TryNormalize(Known.Email2, out _));
    }

    [Fact]
    public void TheCheckFindsPersonalDataInAnyPartOfALogEntryOrActivity()
    {
        var logs = new[]
        {
            new CapturedLog("c", LogLevel.Information, "ok", [], [], null),
            new CapturedLog("c", LogLevel.Information, "ok", [new("Mobile", "+98" + Known.Mobile1[1..])], [], null),
            new CapturedLog("c", LogLevel.Information, "ok", [], ["RequestPath:/x/" + Known.Email1], null),
            new CapturedLog("c", LogLevel.Error, "ok", [], [], "System.Exception: bad id 73128457"),
        };
        using var activity = new Activity("probe").SetTag("name", Known.Name2);

        Assert.Equal(3, logs.Count(l => Leaks(l.Text).Any()));
        Assert.NotEmpty(Leaks(ActivityCapture.TextOf(activity)));
    }

    [Fact]
    public async Task AWholeScenarioLeavesNoPersonalDataInLogsTracesOrMetrics()
    {
        var logs = new CapturingLoggerProvider();
        using var activities = new ActivityCapture();
        using var metrics = new MetricCapture();
        await using var host = await TestHost.StartAsync(
            configure: b => b.Logging.AddProvider(logs),
            settings: new() { ["Logging:LogLevel:Default"] = "Trace" });
        var run = new ScenarioRun(host);
        var tag = "pii" + Guid.NewGuid().ToString("N")[..6];

        using var root = new Activity("PersonalDataScenario").SetIdFormat(ActivityIdFormat.W3C).Start();
        var steps = Scenario(tag).ToList();
        foreach (var step in steps)
        {
            using var response = await step.Send(run);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(step.Expected.Contains(response.StatusCode), $"{step.Name}: {(int)response.StatusCode} {body}");
            if (step.After is not null) await step.After(run, response);
        }
        root.Stop();
        await DrainQueuesAsync(host);

        // The capture worked: the host logged at Trace and the gateway traced every call of this trace.
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Trace || e.Level == LogLevel.Debug);
        Assert.Contains(logs.Entries, e => e.Category == typeof(Http.HttpGateway).FullName);
        Assert.True(activities.InTrace(root.TraceId, "Pishkhan.Intake").Count >= steps.Count, "every call is traced (polling steps call more than once)");
        Assert.Contains(activities.Stopped, a => a.Source.Name == "Pishkhan.Queues"); // the ranking went through the queue

        var leaks = logs.Entries.SelectMany(e => Leaks(e.Text).Select(n => $"log [{e.Category}] \"{e.Message}\" contains {n}"))
            .Concat(activities.Stopped.Where(a => a.Source.Name.StartsWith("Pishkhan.", StringComparison.Ordinal))
                .SelectMany(a => Leaks(ActivityCapture.TextOf(a)).Select(n => $"activity {a.DisplayName} contains {n}")))
            .Concat(metrics.Measurements.SelectMany(m => Leaks(string.Join(",", m.Tags.Select(t => $"{t.Key}={t.Value}")))
                .Select(n => $"metric {m.Instrument} tags contain {n}")))
            .Distinct().ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    private static IEnumerable<string> Leaks(string text) =>
        Known.Needles().Where(n => text.Contains(n, StringComparison.OrdinalIgnoreCase));

    /// <summary>Waits until the queue listeners have handled what the scenario queued (nothing visible or in flight).</summary>
    private static async Task DrainQueuesAsync(TestHost host)
    {
        // Only bound queues drain; a queue nothing listens to yet (a later issue's) only fills up.
        var queues = LocalHost.Catalog.Queues.Select(b => b.Queue).Distinct().ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var pending = 0;
            foreach (var q in queues)
            {
                var client = host.Store.Queue(q);
                if (await client.ExistsAsync()) pending += (await client.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            }
            if (pending == 0) return;
            Assert.True(DateTime.UtcNow < deadline, $"{pending} queue messages still pending after 30 s");
            await Task.Delay(100);
        }
    }
}
