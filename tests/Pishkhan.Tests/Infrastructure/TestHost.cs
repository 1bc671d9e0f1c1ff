using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Pishkhan.Bindings;
using Pishkhan.Local;
using Pishkhan.Storage;

namespace Pishkhan.Tests.Infrastructure;

/// <summary>
/// The local host on a free loopback port against Azurite, with its own storage-name prefix so test
/// classes do not see each other's data. Tests talk to it over real HTTP.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    public const string BootstrapKey = "test-bootstrap-admin-key-0123456789";
    public const string ReinspectionDrawSecret = "test-reinspection-draw-secret-0123456789";

    private readonly WebApplication _app;
    public HttpClient Http { get; }
    public Store Store { get; }
    public string Prefix { get; }
    public IServiceProvider Services => _app.Services;

    private TestHost(WebApplication app, string prefix)
    {
        _app = app;
        Prefix = prefix;
        Store = app.Services.GetRequiredService<Store>();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<TestHost> StartAsync(Azurite? azurite = null, IReadOnlyList<QueueBinding>? queues = null,
        IReadOnlyList<TimerBinding>? timers = null, Action<WebApplicationBuilder>? configure = null, Dictionary<string, string?>? settings = null)
    {
        azurite ??= await Azurite.SharedAsync();
        var prefix = NewPrefix();
        var config = Settings(azurite, prefix, settings);
        // No wall-clock timers unless a test names them: a sweep firing at its minute writes (a first run's marker,
        // a landing watermark) and moved a "nothing written" count once; tests run timers with Dispatch.RunTimer.
        var app = LocalHost.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            configure?.Invoke(builder);
        }, queues, timers ?? []);
        await app.StartAsync();
        return new TestHost(app, prefix);
    }

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The settings of a test host on Azurite with its own storage prefix, plus <paramref name="extra"/> (also for hosts a test builds itself).</summary>
    public static Dictionary<string, string?> Settings(Azurite azurite, string prefix, Dictionary<string, string?>? extra = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Pishkhan:BootstrapAdminKey"] = BootstrapKey,
            ["Pishkhan:ReinspectionDrawSecret"] = ReinspectionDrawSecret,
            ["Pishkhan:StorageNamePrefix"] = prefix,
            // Azurite on a loaded 2-core machine stalls for seconds at times; the lost-answer paths this would
            // exercise by chance are tested on purpose (LostAnswer), so the hosts wait longer than Azure's 4 s.
            ["Pishkhan:StorageNetworkTimeoutSeconds"] = "10",
            ["Pishkhan:Local:Queues:MaxPollingInterval"] = "00:00:00.200",
            ["Pishkhan:Local:Queues:VisibilityTimeout"] = "00:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in extra ?? []) config[k] = v;
        return config;
    }

    public TableClient Table(string name) => Store.Table(name);

    /// <summary>
    /// Every entity of every table of this host: the "nothing was written" check. Intakes answered earlier land
    /// first (their office write follows the answer), so they cannot move the count.
    /// </summary>
    public async Task<int> CountEntitiesAsync()
    {
        await Services.GetRequiredService<Pishkhan.Requests.RequestBook>().DrainAsync();
        var total = 0;
        foreach (var table in Tables.All)
            await foreach (var _ in Table(table).QueryAsync<TableEntity>(select: ["PartitionKey"])) total++;
        return total;
    }

    /// <summary>
    /// Sends a bad request as a client might (the body's bytes and Content-Type as given, unchecked) and fails the test
    /// unless the answer is <paramref name="status"/> with problem details that name no exception or type of ours, and
    /// no entity was written.
    /// </summary>
    public async Task AssertRefusedAndNothingWrittenAsync(string method, string path, string body, string contentType, int status)
    {
        var before = await CountEntitiesAsync();
        using var request = Request(new HttpMethod(method), path);
        if (method is "PUT" or "POST")
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType + "; charset=utf-8");
        }
        using var response = await Http.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{method} {path} → {(int)response.StatusCode}, expected {status}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", text);
        Assert.DoesNotContain("Pishkhan.", text);
        Assert.Equal(before, await CountEntitiesAsync());
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? key = BootstrapKey, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        if (json is not null) request.Content = JsonContent.Create(json);
        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? json = null, string? key = BootstrapKey) =>
        await Http.SendAsync(Request(method, path, key, json));

    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string body, string contentType = "application/json", string? key = BootstrapKey)
    {
        var request = Request(method, path, key);
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Http.SendAsync(request);
    }

    public async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty body.");

    /// <summary>Puts a county, office, agency etc. and fails the test unless it worked. Replacing an existing office needs <paramref name="ifMatch"/> ("*" or its ETag).</summary>
    public async Task<JsonNode> PutOkAsync(string path, object body, string key = BootstrapKey, string? ifMatch = null)
    {
        var request = Request(HttpMethod.Put, path, key, body);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT {path} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<string> IssueKeyAsync(string role, string scope, string key = BootstrapKey)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/keys", new { role, scope }, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"POST /api/keys → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["key"]!.GetValue<string>();
    }

    /// <summary>A small province: two counties, three offices, an agency with a contract.</summary>
    public async Task SeedProvinceAsync(string province, string tag)
    {
        await PutOkAsync($"/api/counties/{tag}-c1", new { name = "خرم‌آباد", province });
        await PutOkAsync($"/api/counties/{tag}-c2", new { name = "بروجرد", province });
        for (var i = 1; i <= 3; i++)
            await PutOkAsync($"/api/offices/{tag}-o{i}", new
            {
                name = $"دفتر پیشخوان {i}", countyCode = i < 3 ? $"{tag}-c1" : $"{tag}-c2",
                openingHours = new { regular = "07:30-14:30", afterHours = i == 1 ? "16:00-20:00" : null },
                email = $"office{i}@example.ir",
            });
        await PutOkAsync($"/api/agencies/{tag}-post", new { name = "اداره پست", province, contactEmail = "post@example.ir" });
        await PutOkAsync($"/api/contracts/{tag}-k1", new
        {
            agencyId = $"{tag}-post",
            services = new[] { new { serviceCode = "parcel", name = "مرسوله", slaHours = 16, fee = 150000 } },
            countyCodes = new[] { $"{tag}-c1", $"{tag}-c2" },
            validFrom = "2026-01-01", validTo = "2027-12-31",
        });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>xunit class fixture: one host per test class.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    public TestHost Host { get; private set; } = null!;
    public async Task InitializeAsync() => Host = await TestHost.StartAsync();
    public async Task DisposeAsync() => await Host.DisposeAsync();
}
