using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Pishkhan.Complaints;
using Pishkhan.Notifications;
using Pishkhan.Offices;
using Pishkhan.Stats;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Complaints;

/// <summary>
/// A local host for complaint tests: a fake clock (Tue 1405-09-03 09:30 Tehran unless told otherwise), no
/// queue listeners or timers (tests run the deadline sweep themselves), public rate limits high enough not
/// to interfere, and (after <see cref="SeedAsync"/>) Saturday 1405-09-07 as an extra holiday and a seeded province "lorestan" (tag "lr":
/// counties lr-c1, lr-c2; offices lr-o1, lr-o2 in lr-c1 and lr-o3 in lr-c2) with keys for its staff.
/// </summary>
public sealed class ComplaintsHost : IAsyncDisposable
{
    public static readonly DateTimeOffset DefaultStart = ComplaintCalendar.Tehran(2026, 11, 24, 9, 30);
    public const string Province = "lorestan";

    public TestHost Host { get; }
    public FakeTimeProvider Clock { get; }
    public string AdminA { get; private set; } = "";
    public string AdminB { get; private set; } = "";
    public string InspectorC1 { get; private set; } = "";
    public string InspectorC2 { get; private set; } = "";
    public string OfficeO1 { get; private set; } = "";
    public string Member { get; private set; } = "";
    private int _offices;

    private ComplaintsHost(TestHost host, FakeTimeProvider clock) => (Host, Clock) = (host, clock);

    public static async Task<ComplaintsHost> StartAsync(DateTimeOffset? start = null, Dictionary<string, string?>? settings = null, Azurite? azurite = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var clock = new FakeTimeProvider(start ?? DefaultStart);
        var all = new Dictionary<string, string?>
        {
            ["Pishkhan:Complaints:FilingsPerClient"] = "100000",
            ["Pishkhan:Complaints:FollowUpsPerClient"] = "100000",
        };
        foreach (var (k, v) in settings ?? []) all[k] = v;
        var host = await TestHost.StartAsync(azurite, queues: [], timers: [],
            configure: b =>
            {
                b.Services.AddSingleton<TimeProvider>(clock);
                configure?.Invoke(b);
            }, settings: all);
        return new ComplaintsHost(host, clock);
    }

    public async Task<ComplaintsHost> SeedAsync()
    {
        await Host.PutOkAsync("/api/holidays/1405-09-07", new { name = "تعطیلی آزمایشی" });
        await Host.SeedProvinceAsync(Province, "lr");
        AdminA = await Host.IssueKeyAsync("admin", Province);
        AdminB = await Host.IssueKeyAsync("admin", Province);
        InspectorC1 = await Host.IssueKeyAsync("inspector", "lr-c1");
        InspectorC2 = await Host.IssueKeyAsync("inspector", "lr-c2");
        OfficeO1 = await Host.IssueKeyAsync("office", "lr-o1");
        Member = await Host.IssueKeyAsync("member", Province);
        return this;
    }

    /// <summary>A fresh office in county lr-c1 (or another), so counts and escalation tests start clean.</summary>
    public async Task<string> NewOfficeAsync(string county = "lr-c1")
    {
        var code = $"lr-x{Interlocked.Increment(ref _offices)}";
        await Host.PutOkAsync($"/api/offices/{code}", new { name = "دفتر پیشخوان آزمایشی", countyCode = county, openingHours = new { regular = "08:00-14:00" } });
        return code;
    }

    public static object Body(string office, string? description = null, string category = ComplaintCategories.Delay, object? complainant = null,
        bool anonymous = false) => anonymous
        ? new { officeCode = office, category, description = description ?? Text(), anonymous = true }
        : new { officeCode = office, category, description = description ?? Text(), complainant = complainant ?? new { name = "شاکی آزمایشی", email = "citizen@example.ir" } };

    /// <summary>A complaint text no other test uses (so duplicate suppression does not join them).</summary>
    public static string Text() => $"دفتر پیشخوان درخواست من را معطل کرد. شماره پیگیری داخلی {Guid.NewGuid():N}";

    public async Task<(string Code, string Secret, JsonNode Body)> FileAsync(object body)
    {
        var response = await Host.SendAsync(HttpMethod.Post, "/api/complaints", body, key: null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/complaints → {(int)response.StatusCode}: {text}");
        var json = JsonNode.Parse(text)!;
        return (json["trackingCode"]!.GetValue<string>(), json["secret"]!.GetValue<string>(), json);
    }

    public Task<(string Code, string Secret, JsonNode Body)> FileAsync(string office, string category = ComplaintCategories.Delay) =>
        FileAsync(Body(office, category: category));

    public async Task<JsonNode> OkAsync(HttpMethod method, string path, object? body, string? key)
    {
        var response = await Host.SendAsync(method, path, body, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public Task<JsonNode> DecideAsync(string code, string outcome, string key, string? remedy = "بازپرداخت مبلغ اضافه به شاکی") =>
        OkAsync(HttpMethod.Post, $"/api/complaints/{code}/decision", new
        {
            outcome, reasons = "بررسی مدارک و اظهارات طرفین نشان داد که", remedy = outcome is "upheld" or "partlyUpheld" ? remedy : null,
        }, key);

    public Task<JsonNode> EscalateAsync(string code, string secret) =>
        OkAsync(HttpMethod.Post, $"/api/complaints/{code}/escalation", new { secret, reason = "با تصمیم مرحله اول موافق نیستم" }, null);

    public Task<JsonNode> StatusAsync(string code) => OkAsync(HttpMethod.Get, $"/api/complaints/{code}", null, null);

    public Task<OfficeStatsEntity?> StatsAsync(string period, string office) =>
        Host.Services.GetRequiredService<OfficeStatsStore>().GetAsync(period, office);

    public async Task<int> OpenComplaintsAsync(string office) =>
        (await Host.Table(Tables.Offices).GetEntityAsync<OfficeEntity>(Province, office)).Value.OpenComplaints;

    public async Task<List<OutboxEntity>> OutboxAsync(string causePrefix)
    {
        var all = await Host.Table(Tables.Outbox).ListAsync<OutboxEntity>(null);
        return all.Where(o => o.Cause.StartsWith(causePrefix, StringComparison.Ordinal)).ToList();
    }

    public Task<List<T>> RowsAsync<T>(string table, string? filter = null) where T : class, ITableEntity, new() => Host.Table(table).ListAsync<T>(filter);

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>xunit class fixture: one seeded complaints host per test class.</summary>
public sealed class ComplaintsFixture : IAsyncLifetime
{
    public ComplaintsHost Host { get; private set; } = null!;
    public async Task InitializeAsync() => Host = await (await ComplaintsHost.StartAsync()).SeedAsync();
    public async Task DisposeAsync() => await Host.DisposeAsync();
}
