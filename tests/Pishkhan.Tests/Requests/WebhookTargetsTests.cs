using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Pishkhan.Problems;
using Pishkhan.Requests;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

/// <summary>A resolver that answers scripted addresses for some names (one answer per call, the last repeated) and real DNS otherwise.</summary>
public sealed class ScriptedResolver : IWebhookResolver
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<IPAddress>> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, IPAddress> _last = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.OrdinalIgnoreCase);

    public void Answer(string host, params string[] addresses) => _answers[host] = new(addresses.Select(IPAddress.Parse));

    public int Calls(string host) => _calls.GetValueOrDefault(host);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(host, 1, (_, n) => n + 1);
        if (!_answers.TryGetValue(host, out var queue)) return Dns.GetHostAddressesAsync(host, cancellationToken);
        if (queue.TryDequeue(out var next)) _last[host] = next;
        return Task.FromResult<IPAddress[]>([_last[host]]);
    }
}

public sealed class ProductionWebhookHostFixture : IAsyncLifetime
{
    public ScriptedResolver Resolver { get; } = new();
    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TestHost.StartAsync(
        settings: new(RequestsHostFixture.Settings) { ["Pishkhan:Webhooks:AllowLoopback"] = "false" },
        configure: b => b.Services.AddSingleton<IWebhookResolver>(Resolver));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Webhook targets outside Development: https to public addresses only, at registration and again at connect time.</summary>
public sealed class WebhookTargetsTests(ProductionWebhookHostFixture fixture) : IClassFixture<ProductionWebhookHostFixture>
{
    private TestHost Host => fixture.Host;

    public static WebhookTargets Targets(bool development, IWebhookResolver? resolver = null) =>
        new(new PishkhanSettings { AllowLoopbackWebhooks = development }, resolver ?? new DnsWebhookResolver());

    public static TheoryData<string> InternalTargets =>
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://169.254.10.1/x",
        "https://10.0.0.1/x",
        "https://172.16.5.4/x",
        "https://172.31.255.255/x",
        "https://192.168.1.1/x",
        "https://127.0.0.1/x",
        "https://127.8.9.10/x",
        "https://localhost/x",
        "http://localhost:10002/x",
        "http://2130706433/x",
        "http://127.1/x",
        "https://2130706433/x",
        "https://127.1/x",
        "https://0x7f000001/x",
        "https://017700000001/x",
        "https://100.64.0.1/x",
        "https://100.127.255.254/x",
        "https://0.0.0.0/x",
        "https://224.0.0.1/x",
        "https://255.255.255.255/x",
        "https://[::1]/x",
        "https://[::]/x",
        "https://[fc00::1]/x",
        "https://[fd12:3456::1]/x",
        "https://[fe80::1]/x",
        "https://[ff02::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[::ffff:169.254.169.254]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://[64:ff9b::a9fe:a9fe]/x",
        "http://agency.example.ir/x",
    ];

    [Theory]
    [MemberData(nameof(InternalTargets))]
    public async Task RegistrationRefusesAnInternalOrPlainHttpTargetWithAFieldError(string url)
    {
        var response = await Host.SendAsync(HttpMethod.Put, "/api/agencies/wt-post", new { name = "اداره پست", province = "lorestan", webhookUrl = url });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Host.ReadJsonAsync(response))["errors"]!.AsObject();
        Assert.Equal(["webhookUrl"], errors.Select(e => e.Key));
    }

    [Fact]
    public async Task RegistrationRefusesANameThatResolvesToAPrivateAddressAndAcceptsAPublicOne()
    {
        fixture.Resolver.Answer("hooks.inside.test", "10.1.2.3");
        fixture.Resolver.Answer("hooks.agency.test", "93.184.216.34");
        var refused = await Host.SendAsync(HttpMethod.Put, "/api/agencies/wt-post2",
            new { name = "اداره پست", province = "lorestan", webhookUrl = "https://hooks.inside.test/x" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("10.1.2.3", (await Host.ReadJsonAsync(refused))["errors"]!["webhookUrl"]![0]!.GetValue<string>());
        var saved = await Host.PutOkAsync("/api/agencies/wt-post2", new { name = "اداره پست", province = "lorestan", webhookUrl = "https://hooks.agency.test/x" });
        Assert.Equal("https://hooks.agency.test/x", saved.Str("webhookUrl"));
    }

    [Theory]
    [MemberData(nameof(InternalTargets))]
    public async Task ValidationOutsideDevelopmentRefusesEachInternalForm(string url)
    {
        var errors = new FieldErrors();
        Assert.Null(await Targets(development: false).ValidateAsync(errors, "webhookUrl", url, default));
        Assert.True(errors.Has("webhookUrl"));
    }

    [Fact]
    public async Task TheCallbackClientRefusesAtConnectTimeANameThatResolvesToLoopback()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = new Uri(receiver.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        using (var production = new CallbackSender(TimeProvider.System, Targets(development: false)))
        {
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => production.PostAsync(url, "whsec_x", "e:1", "{}", default));
            Assert.IsType<WebhookTargetRefusedException>(e.InnerException);
        }
        Assert.Equal(0, receiver.Calls);
        // The same call in Development reaches the local receiver: the refusal above is the target rule, not the network.
        using var development = new CallbackSender(TimeProvider.System, Targets(development: true));
        Assert.Equal(HttpStatusCode.OK, await development.PostAsync(url, "whsec_x", "e:1", "{}", default));
        Assert.Equal(1, receiver.Calls);
    }

    [Fact]
    public async Task ANameRebindingToLoopbackAfterRegistrationIsRefusedAtDeliveryRecordedAndNotRetried()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = new Uri(receiver.Url).Port;
        const string host = "hooks.rebind.test";
        fixture.Resolver.Answer(host, "93.184.216.34", "127.0.0.1");
        var kit = await RequestsKit.SeedAsync(Host, "ilam", "wtr");
        var webhookUrl = $"https://{host}:{port}/hook";
        await Host.PutOkAsync($"/api/agencies/{kit.Agency}", new { name = "اداره پست", province = "ilam", webhookUrl });
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Post, $"/api/agencies/{kit.Agency}/webhook-secret")).StatusCode);
        Assert.Equal(1, fixture.Resolver.Calls(host));

        var id = (await kit.CreateAsync())["id"]!.GetValue<string>();
        await kit.EventOkAsync(id, "accepted", kit.OfficeKeyFor(id));

        var refusal = await WaitForRefusalAsync(kit.Agency);
        Assert.Contains("127.0.0.1", refusal);
        await Task.Delay(1500); // the queue polls every 200 ms with no visibility delay: a retry would resolve again
        Assert.Equal(2, fixture.Resolver.Calls(host));
        Assert.Equal(0, receiver.Calls);
        // Saving the agency again clears the recorded refusal.
        fixture.Resolver.Answer(host, "93.184.216.34");
        var saved = await Host.PutOkAsync($"/api/agencies/{kit.Agency}", new { name = "اداره پست", province = "ilam", webhookUrl });
        Assert.Null(saved["webhookRefusal"]);
    }

    [Fact]
    public async Task AStoredLoopbackHttpUrlIsRefusedAtDeliveryOutsideDevelopment()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var kit = await RequestsKit.SeedAsync(Host, "qom", "wts");
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Post, $"/api/agencies/{kit.Agency}/webhook-secret")).StatusCode);
        // As a URL registered before the rule (or under Development settings) sits in the table.
        var table = Host.Table(Pishkhan.Storage.Tables.Agencies);
        var row = (await table.GetEntityAsync<Agencies.AgencyEntity>("qom", kit.Agency)).Value;
        row.WebhookUrl = receiver.Url;
        await table.UpdateEntityAsync(row, row.ETag);

        var id = (await kit.CreateAsync())["id"]!.GetValue<string>();
        await kit.EventOkAsync(id, "accepted", kit.OfficeKeyFor(id));
        Assert.Contains("https", await WaitForRefusalAsync(kit.Agency));
        Assert.Equal(0, receiver.Calls);
    }

    private async Task<string> WaitForRefusalAsync(string agency)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        JsonNode view;
        do
        {
            await Task.Delay(100);
            view = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, $"/api/agencies/{agency}"));
        } while (view["webhookRefusal"] is null && DateTime.UtcNow < deadline);
        return view["webhookRefusal"]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException("no refusal recorded: " + view.ToJsonString());
    }
}
