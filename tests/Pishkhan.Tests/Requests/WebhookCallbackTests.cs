using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

/// <summary>An agency's webhook: Kestrel on 127.0.0.1:0 that records every POST and can fail the first few.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Delivery(string? Timestamp, string? Signature, string? EventId, string Body);

    private readonly WebApplication _app;
    private int _calls;
    public ConcurrentQueue<Delivery> Deliveries { get; } = new();
    public int FailFirst { get; set; }
    public int Calls => _calls;
    public string Url { get; }

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
        Url = app.Urls.First() + "/hook";
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
            var call = Interlocked.Increment(ref receiver!._calls);
            receiver.Deliveries.Enqueue(new Delivery(context.Request.Headers["X-Pishkhan-Timestamp"], context.Request.Headers["X-Pishkhan-Signature"],
                context.Request.Headers["X-Pishkhan-Event-Id"], body));
            return call <= receiver.FailFirst ? Results.StatusCode(500) : Results.Ok();
        });
        await app.StartAsync();
        receiver = new WebhookReceiver(app);
        return receiver;
    }

    public async Task<List<Delivery>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (Deliveries.Count < count && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(Deliveries.Count >= count, $"expected {count} deliveries, got {Deliveries.Count}");
        return [.. Deliveries];
    }

    /// <summary>What an agency does: recompute the HMAC over "{timestamp}.{body}" with its secret, compare in constant time.</summary>
    public static bool Verify(Delivery d, string secret)
    {
        if (d.Signature is null || !d.Signature.StartsWith("sha256=", StringComparison.Ordinal) || d.Timestamp is null) return false;
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(d.Timestamp + "." + d.Body));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(d.Signature["sha256=".Length..]));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class WebhookCallbackTests(RequestsHostFixture fixture) : IClassFixture<RequestsHostFixture>
{
    private TestHost Host => fixture.Host;

    private async Task<(RequestsKit Kit, string Secret)> SubscribeAsync(string province, string tag, WebhookReceiver receiver)
    {
        var kit = await RequestsKit.SeedAsync(Host, province, tag);
        await Host.PutOkAsync($"/api/agencies/{kit.Agency}", new { name = "اداره پست", province, contactEmail = "post@example.ir", webhookUrl = receiver.Url });
        var issued = await Host.SendAsync(HttpMethod.Post, $"/api/agencies/{kit.Agency}/webhook-secret");
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await Host.ReadJsonAsync(issued);
        Assert.Equal(receiver.Url, body.Str("webhookUrl"));
        return (kit, body.Str("secret"));
    }

    [Fact]
    public async Task EachStatusChangeIsPostedSignedAndVerifiableByTheReceiver()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (kit, secret) = await SubscribeAsync("lorestan", "wh1", receiver);
        var id = (await kit.CreateAsync(kit.Body(externalRef: "ext-77")))["id"]!.GetValue<string>();
        await kit.EventOkAsync(id, "accepted", kit.OfficeKeyFor(id));
        await kit.EventOkAsync(id, "completed", kit.OfficeKeyFor(id));

        var deliveries = await receiver.WaitForAsync(2);
        Assert.All(deliveries, d => Assert.True(WebhookReceiver.Verify(d, secret), "signature does not verify"));
        Assert.All(deliveries, d => Assert.False(WebhookReceiver.Verify(d, secret + "x")));
        var bodies = deliveries.Select(d => JsonNode.Parse(d.Body)!).OrderBy(b => b.Str("eventId")).ToList();
        Assert.Equal([$"{id}:1", $"{id}:2"], bodies.Select(b => b.Str("eventId")));
        Assert.Equal(["accepted", "completed"], bodies.Select(b => b.Str("status")));
        Assert.All(bodies, b => Assert.Equal("ext-77", b.Str("externalRef")));
        Assert.Equal($"{id}:1", deliveries.Single(d => d.Body.Contains("\"accepted\"", StringComparison.Ordinal)).EventId);
        // Citizen data never travels in callbacks.
        Assert.All(deliveries, d => Assert.DoesNotContain("0013542419", d.Body));
        var age = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(deliveries[0].Timestamp!);
        Assert.InRange(age, -5, 60);
    }

    [Fact]
    public async Task AFailedDeliveryIsRetriedFromTheQueueUntilAccepted()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = 2;
        var (kit, secret) = await SubscribeAsync("ilam", "wh2", receiver);
        var id = (await kit.CreateAsync())["id"]!.GetValue<string>();
        await kit.EventOkAsync(id, "rejected", kit.OfficeKeyFor(id));
        var deliveries = await receiver.WaitForAsync(3);
        Assert.Equal(3, receiver.Calls);
        Assert.All(deliveries, d => Assert.Equal($"{id}:1", d.EventId));
        Assert.All(deliveries, d => Assert.True(WebhookReceiver.Verify(d, secret)));
    }

    [Fact]
    public async Task TheSecretIsShownOnlyWhenIssuedAndRotates()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (kit, secret) = await SubscribeAsync("qom", "wh3", receiver);
        var view = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, $"/api/agencies/{kit.Agency}"));
        Assert.DoesNotContain(secret, view.ToJsonString());
        Assert.NotNull(view["webhookSecretIssuedAt"]);
        var agencyView = await (await Host.SendAsync(HttpMethod.Get, $"/api/agencies/{kit.Agency}", key: kit.AgencyKey)).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, agencyView);

        var rotated = (await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Post, $"/api/agencies/{kit.Agency}/webhook-secret"))).Str("secret");
        Assert.NotEqual(secret, rotated);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Post, $"/api/agencies/{kit.Agency}/webhook-secret",
            key: await Host.IssueKeyAsync("admin", "fars"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Host.SendAsync(HttpMethod.Post, $"/api/agencies/{kit.Agency}/webhook-secret", key: kit.AgencyKey)).StatusCode);

        // Re-saving the agency keeps its secret; leaving webhookUrl out removes the URL.
        var saved = await Host.PutOkAsync($"/api/agencies/{kit.Agency}", new { name = "اداره پست", province = "qom" });
        Assert.Null(saved["webhookUrl"]);
        Assert.NotNull(saved["webhookSecretIssuedAt"]);
        var id = (await kit.CreateAsync())["id"]!.GetValue<string>();
        await kit.EventOkAsync(id, "accepted", kit.OfficeKeyFor(id));
        await Task.Delay(600);
        Assert.Empty(receiver.Deliveries);
    }
}
