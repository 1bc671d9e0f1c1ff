using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Pishkhan.Inspections;
using Pishkhan.Notifications;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Inspections;

/// <summary>Bodies and polling for the inspection slice tests (Infrastructure/ is shared and left alone).</summary>
public static class InspectionTestKit
{
    /// <summary>Every item of the default checklist passed, except those named in <paramref name="results"/>.</summary>
    public static object[] Items(params (string Code, string Result)[] results) =>
        DefaultChecklist.Template.Items.Select(i =>
        {
            var result = results.FirstOrDefault(r => r.Code == i.Code).Result ?? "pass";
            return (object)new { code = i.Code, result, note = result == "fail" ? "مشاهده شد" : null };
        }).ToArray();

    public static object Body(string officeCode, string type = "routine", DateTimeOffset? visitedAt = null, object[]? items = null,
        object? extra = null)
    {
        var node = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(new
        {
            officeCode, type, visitedAt = visitedAt ?? DateTimeOffset.UtcNow.AddHours(-2), items = items ?? Items(),
        }))!.AsObject();
        if (extra is not null)
            foreach (var (k, v) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra))!.AsObject().ToList())
                node[k] = v?.DeepClone();
        return node;
    }

    public static async Task<string> PostAsync(TestHost host, object body, string key = TestHost.BootstrapKey, string? idempotencyKey = null)
    {
        var request = host.Request(HttpMethod.Post, "/api/inspections", key, body);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/inspections → {(int)response.StatusCode}: {text}");
        var json = JsonNode.Parse(text)!;
        Assert.Equal("queued", json["status"]!.GetValue<string>());
        return json["id"]!.GetValue<string>();
    }

    /// <summary>Polls GET /api/inspections/{id} until processed (the queue listener runs in the host).</summary>
    public static async Task<JsonNode> WaitProcessedAsync(TestHost host, string id, string key = TestHost.BootstrapKey, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var response = await host.SendAsync(HttpMethod.Get, $"/api/inspections/{id}", key: key);
            var json = await host.ReadJsonAsync(response);
            Assert.True(response.IsSuccessStatusCode, $"GET /api/inspections/{id} → {(int)response.StatusCode}: {json.ToJsonString()}");
            if (json["status"]?.GetValue<string>() == InspectionStatus.Processed && !await CountsPendingAsync(host, id)) return json;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Inspection {id} not processed: {json.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Whether the office of <paramref name="id"/> still has processed inspections' counts waiting to be moved into
    /// OfficeStats (InspectionStats flushes them about a second after processing): "processed" is waited for
    /// until they are applied, so tests read exact counters.
    /// </summary>
    public static async Task<bool> CountsPendingAsync(TestHost host, string id)
    {
        Assert.True(InspectionIds.TryParse(id, out var office, out _), id);
        var (rows, _) = await host.Table(Tables.Inspections).PageAsync<TableEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {office} and RowKey ge {InspectionStatsDelta.Prefix} and RowKey lt {InspectionStatsDelta.End}"), 1, null);
        return rows.Count > 0;
    }

    /// <summary>Waits until the counts of <paramref name="id"/>'s office are in OfficeStats (the scheduled flush ran).</summary>
    public static Task WaitCountsAppliedAsync(TestHost host, string id) =>
        EventuallyAsync(async () => await CountsPendingAsync(host, id) ? null : "");

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, int seconds = 30) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition was not met in time.");
            await Task.Delay(100);
        }
    }

    public static Task<List<OutboxEntity>> OutboxAsync(TestHost host, string kind) =>
        host.Table(Tables.Outbox).ListAsync<OutboxEntity>(TableClient.CreateQueryFilter($"Kind eq {kind}"));

    public static async Task PutMembersAsync(TestHost host, string province, string tag)
    {
        await host.PutOkAsync($"/api/members/{tag}-chair", new { name = "رئیس کارگروه", email = $"chair.{tag}@example.ir", role = "chair", province });
        await host.PutOkAsync($"/api/members/{tag}-lead", new { name = "مسئول شهرستان", email = $"lead.{tag}@example.ir", role = "countyLead", province, countyCode = $"{tag}-c1" });
        await host.PutOkAsync($"/api/members/{tag}-m", new { name = "عضو", email = $"member.{tag}@example.ir", role = "member", province });
    }
}
