using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Calendar;
using Pishkhan.Rankings;
using Pishkhan.Requests;
using Pishkhan.Stats;
using Pishkhan.Storage;

namespace Pishkhan.Bench;

/// <summary>
/// The ranking bench's volume check: two provinces of 100 offices each (5 counties × 20), the same month. In the
/// first, <c>requests</c> service requests are posted, accepted and completed through the API (the intake and
/// event paths, whose counts the app's own stats writer moves into OfficeStats); in the second, ten times as
/// many. Ranking either must make the same number of storage calls and take about the same time (best of three
/// runs each, alternating): ranking reads one stats row per office, whatever the requests behind it. Fails when
/// the ×10 province's ranking makes more calls or takes twice the time, or when OfficeStats does not count
/// exactly the requests posted.
/// </summary>
internal static class VolumeCheck
{
    private const string Small = "zanjan", Large = "semnan";
    private const int Counties = 5, OfficesPerCounty = 20, Concurrency = 16, Runs = 3;

    public static async Task<bool> RunAsync(int requests)
    {
        await using var env = await BenchEnvironment.StartAsync(timers: false);
        var period = JalaliPeriod.Containing(DateTimeOffset.UtcNow);
        var small = await ProvinceAsync(env, Small, period, requests);
        var large = await ProvinceAsync(env, Large, period, requests * 10);

        var job = env.App.Services.GetRequiredService<RankingJob>();
        await RankAsync(job, period, Small); // warms the caches (policy, JIT)
        var runs = new List<(double Small, long SmallCalls, double Large, long LargeCalls)>();
        for (var i = 0; i < Runs; i++)
        {
            var (s, sc) = await RankAsync(job, period, Small);
            var (l, lc) = await RankAsync(job, period, Large);
            runs.Add((s, sc, l, lc));
        }
        var (smallSeconds, largeSeconds) = (runs.Min(r => r.Small), runs.Min(r => r.Large));
        var (smallCalls, largeCalls) = (runs.Max(r => r.SmallCalls), runs.Max(r => r.LargeCalls));
        var ok = small && large && largeCalls <= smallCalls && largeSeconds < 2 * smallSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"volume check ({Counties * OfficesPerCounty} offices each, stats written through the API, best of {Runs}): {requests} requests ranked in {smallSeconds:F2}s " +
            $"with {smallCalls} storage calls; {requests * 10} requests in {largeSeconds:F2}s (×{largeSeconds / smallSeconds:F2}) with {largeCalls} calls: {(ok ? "OK" : "GREW")}"));
        return ok;
    }

    private static async Task<(double Seconds, long Calls)> RankAsync(RankingJob job, JalaliPeriod period, string province)
    {
        // The ranking's own calls (its async flow), not the host's background work running at the same time.
        var calls = StorageCalls.Begin();
        var sw = Stopwatch.StartNew();
        await job.RunAsync(period, [province]);
        return (sw.Elapsed.TotalSeconds, calls.Total);
    }

    /// <summary>Seeds the province, then posts, accepts and completes <paramref name="count"/> requests; true when OfficeStats counts exactly them.</summary>
    private static async Task<bool> ProvinceAsync(BenchEnvironment env, string province, JalaliPeriod period, int count)
    {
        var (agency, officeKeys) = await SeedAsync(env.Http, province);
        var ids = new string?[count];
        var posted = new Measurement("volume: post");
        await posted.RunAsync(count, Concurrency, async i =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/requests")
            {
                Content = JsonContent.Create(new
                {
                    contractId = $"{province}-k1", serviceCode = "parcel", countyCode = $"{province}-c{i % Counties + 1}", externalRef = $"v-{i}",
                    citizen = new { nationalId = "0013542419" },
                }),
            };
            message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await agency.SendAsync(message);
            if (!response.IsSuccessStatusCode) return false;
            ids[i] = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            return true;
        });
        var events = new Measurement("volume: accept+complete");
        await events.RunAsync(count, Concurrency, async i =>
        {
            if (ids[i] is not { } id || !RequestIds.TryParse(id, out var key)) return false;
            foreach (var type in new[] { "accepted", "completed" })
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/{id}/events") { Content = JsonContent.Create(new { type }) };
                message.Headers.Add("X-Api-Key", officeKeys[key.OfficeCode]);
                using var response = await env.Http.SendAsync(message);
                if (!response.IsSuccessStatusCode) return false;
            }
            return true;
        });
        var stats = env.App.Services.GetRequiredService<RequestStats>();
        foreach (var office in officeKeys.Keys) await stats.FlushNowAsync(office);
        var rows = await env.App.Services.GetRequiredService<OfficeStatsStore>().ListAsync(period.ToString(), province);
        var (received, completed) = (rows.Sum(r => r.RequestsReceived), rows.Sum(r => r.RequestsCompleted));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{province}: {count} requests posted ({posted.Throughput:F0}/s, errors {posted.Errors}) and completed ({events.Throughput:F0}/s, errors {events.Errors}); OfficeStats received={received} completed={completed}"));
        return posted.Errors == 0 && events.Errors == 0 && received == count && completed == count;
    }

    private static async Task<(HttpClient Agency, Dictionary<string, string> OfficeKeys)> SeedAsync(HttpClient admin, string province)
    {
        var officeKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        var counties = Enumerable.Range(1, Counties).Select(c => $"{province}-c{c}").ToList();
        foreach (var county in counties)
        {
            await PutAsync(admin, $"/api/counties/{county}", new { name = "شهرستان " + county, province });
            for (var o = 1; o <= OfficesPerCounty; o++)
            {
                var office = $"{county}-o{o:00}";
                await PutAsync(admin, $"/api/offices/{office}", new { name = $"دفتر {o}", countyCode = county, openingHours = new { regular = "07:30-14:30" } });
                officeKeys[office] = await KeyAsync(admin, "office", office);
            }
        }
        await PutAsync(admin, $"/api/agencies/{province}-post", new { name = "اداره پست", province });
        await PutAsync(admin, $"/api/contracts/{province}-k1", new
        {
            agencyId = $"{province}-post", services = new[] { new { serviceCode = "parcel", name = "مرسوله", slaHours = 16, fee = 150000 } },
            countyCodes = counties, validFrom = "2020-01-01", validTo = "2099-12-31",
        });
        // Every office ranked in both provinces (a few requests each in the first): the work of ranking is the same.
        var current = await admin.GetFromJsonAsync<JsonObject>($"/api/ranking-policy?province={province}");
        var policy = new JsonObject { ["province"] = province, ["minimumVolume"] = 1 };
        foreach (var field in new[] { "indicators", "tiers", "normalisation", "resamples", "intervalCoverage" }) policy[field] = current![field]?.DeepClone();
        var saved = await admin.PutAsJsonAsync("/api/ranking-policy", policy);
        if (!saved.IsSuccessStatusCode) throw new InvalidOperationException($"PUT ranking-policy → {(int)saved.StatusCode}: {await saved.Content.ReadAsStringAsync()}");
        var agency = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = admin.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        agency.DefaultRequestHeaders.Add("X-Api-Key", await KeyAsync(admin, "agency", $"{province}-post"));
        return (agency, officeKeys);
    }

    private static async Task<string> KeyAsync(HttpClient admin, string role, string scope)
    {
        var response = await admin.PostAsJsonAsync("/api/keys", new { role, scope });
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
    }

    private static async Task PutAsync(HttpClient admin, string path, object body)
    {
        var response = await admin.PutAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"PUT {path} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
