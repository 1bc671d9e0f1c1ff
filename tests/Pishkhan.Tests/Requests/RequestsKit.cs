using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Pishkhan.Requests;
using Pishkhan.Stats;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

/// <summary>A seeded province (TestHost.SeedProvinceAsync) with keys for its agency and offices, and request helpers.</summary>
public sealed class RequestsKit
{
    public required TestHost Host { get; init; }
    public required string Tag { get; init; }
    public required string Province { get; init; }
    public required string AgencyKey { get; init; }
    public required Dictionary<string, string> OfficeKeys { get; init; }

    public string Agency => $"{Tag}-post";
    public string Contract => $"{Tag}-k1";
    public string County1 => $"{Tag}-c1";
    public string County2 => $"{Tag}-c2";
    public string Office(int i) => $"{Tag}-o{i}";

    public static async Task<RequestsKit> SeedAsync(TestHost host, string province, string tag)
    {
        await host.SeedProvinceAsync(province, tag);
        var agencyKey = await host.IssueKeyAsync("agency", $"{tag}-post");
        var officeKeys = new Dictionary<string, string>();
        for (var i = 1; i <= 3; i++) officeKeys[$"{tag}-o{i}"] = await host.IssueKeyAsync("office", $"{tag}-o{i}");
        return new RequestsKit { Host = host, Tag = tag, Province = province, AgencyKey = agencyKey, OfficeKeys = officeKeys };
    }

    public object Body(string externalRef = "ref-1", string? officeCode = null, string? countyCode = null, object? citizen = null,
        string? serviceCode = "parcel") => new
    {
        contractId = Contract, serviceCode, externalRef, officeCode, countyCode = officeCode is null ? countyCode ?? County1 : countyCode,
        citizen = citizen ?? new { nationalId = "0013542419", mobile = "09121234567", email = "citizen@example.ir" },
    };

    public async Task<HttpResponseMessage> PostAsync(object body, string? idempotencyKey = null, string? key = null)
    {
        var request = Host.Request(HttpMethod.Post, "/api/requests", key ?? AgencyKey, body);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await Host.Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostRawAsync(string json, string? idempotencyKey, string? key = null, string contentType = "application/json")
    {
        var request = Host.Request(HttpMethod.Post, "/api/requests", key ?? AgencyKey);
        request.Content = new StringContent(json, Encoding.UTF8);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return await Host.Http.SendAsync(request);
    }

    /// <summary>Posts a request and fails the test unless it is created; returns the 201 body.</summary>
    public async Task<JsonNode> CreateAsync(object? body = null, string? idempotencyKey = null)
    {
        var response = await PostAsync(body ?? Body(externalRef: Guid.NewGuid().ToString("N")[..12]), idempotencyKey ?? Guid.NewGuid().ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/requests → {(int)response.StatusCode}: {text}");
        await LandedAsync();
        return JsonNode.Parse(text)!;
    }

    /// <summary>
    /// Waits until every intake the host has answered is in its office's partition (the office write follows the
    /// 201 after a linger: Requests/README "Intake"), so a test can count rows and counters directly.
    /// </summary>
    public Task LandedAsync() => Host.Services.GetRequiredService<RequestBook>().DrainAsync();

    public Task<HttpResponseMessage> EventAsync(string id, string type, string officeKey, DateTimeOffset? at = null, string? note = null) =>
        Host.SendAsync(HttpMethod.Post, $"/api/requests/{id}/events", new { type, at, note }, officeKey);

    public async Task<JsonNode> EventOkAsync(string id, string type, string officeKey, DateTimeOffset? at = null)
    {
        var response = await EventAsync(id, type, officeKey, at);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"event {type} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static string OfficeOf(string requestId) => requestId.Split('_')[0];

    /// <summary>The office's open-work counter as stored (not cached).</summary>
    public async Task<int> OpenWorkAsync(string officeCode)
    {
        var row = await Host.Table(Pishkhan.Storage.Tables.Requests).GetEntityIfExistsAsync<LedgerRow>(officeCode, RequestIds.LedgerRowKey);
        return row.HasValue ? row.Value!.Open : 0;
    }

    public async Task<JsonNode> GetAsync(string id, string? key = null)
    {
        var response = await Host.SendAsync(HttpMethod.Get, $"/api/requests/{id}", key: key ?? AgencyKey);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {id} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public string OfficeKeyFor(string requestId) => OfficeKeys[OfficeOf(requestId)];

    /// <summary>Flushes the office's request counters into OfficeStats and reads its row for the period.</summary>
    public async Task<OfficeStatsEntity?> StatsAsync(string officeCode, string period)
    {
        await Host.Services.GetRequiredService<RequestStats>().FlushNowAsync(officeCode);
        return await Host.Services.GetRequiredService<OfficeStatsStore>().GetAsync(period, officeCode);
    }
}

/// <summary>
/// A host for request tests: the automatic statistics flush is off (tests flush explicitly with
/// RequestsKit.StatsAsync), so background writes never change the "nothing was written" counts.
/// </summary>
public sealed class RequestsHostFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> Settings = new() { ["Pishkhan:RequestStatsFlushSeconds"] = "3600" };
    public TestHost Host { get; private set; } = null!;
    public async Task InitializeAsync() => Host = await TestHost.StartAsync(settings: Settings);
    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public static class JsonAssert
{
    public static string Str(this JsonNode node, string name) => node[name]!.GetValue<string>();
}
