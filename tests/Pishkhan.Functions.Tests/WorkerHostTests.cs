using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;
using Pishkhan.Bindings;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Functions.Tests;

/// <summary>
/// The real worker host, built from the app's own FunctionsApp.CreateBuilder (what Program.cs runs) the way the
/// Functions host starts it but without its gRPC connection, with scope and build-time validation of the
/// container, against Azurite. The adapters are then called through their attribute-bound signatures.
/// </summary>
public sealed class WorkerHostTests : IAsyncLifetime
{
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var azurite = await Azurite.SharedAsync();
        var builder = FunctionsApp.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Pishkhan:StorageNamePrefix"] = "fn" + Guid.NewGuid().ToString("N")[..8],
            // What the Functions host passes a worker it starts; nothing listens there and nothing connects.
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9",
            ["Functions:Worker:WorkerId"] = Guid.NewGuid().ToString(),
            ["Functions:Worker:RequestId"] = Guid.NewGuid().ToString(),
            ["Functions:Worker:GrpcMaxMessageLength"] = "2147483647",
        });
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        _host = builder.Build();
        // Creates the tables and queues, as at a real start (the gRPC worker itself is not started).
        foreach (var service in _host.Services.GetServices<IHostedService>().OfType<StorageInitializer>()) await service.StartAsync(default);
        await _host.Services.GetServices<IHostedService>().OfType<StorageInitializer>().Single().Ready;
    }

    public Task DisposeAsync()
    {
        _host.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void EveryFunctionClassAndEveryHandlerResolves()
    {
        // As the worker's function activator does: the adapter class from the container's services.
        foreach (var type in typeof(FunctionsApp).Assembly.GetTypes().Where(t => t.GetMethods().Any(m => m.GetCustomAttributes(typeof(FunctionAttribute), false).Length > 0)))
            Assert.NotNull(ActivatorUtilities.CreateInstance(_host.Services, type));

        var dispatch = _host.Services.GetRequiredService<Dispatch>();
        foreach (var name in BindingTable.Http.Keys) Assert.NotNull(dispatch.Http(name));
        foreach (var name in BindingTable.Queues.Keys) Assert.NotNull(dispatch.Queue(name));
        foreach (var name in BindingTable.Timers.Keys) Assert.NotNull(dispatch.Timer(name));
        Assert.Equal(BindingTable.Http.Count + BindingTable.Queues.Count + BindingTable.Timers.Count, _host.Services.GetRequiredService<FunctionCatalog>().Functions.Count);
        // Each instance publishes the public site to $web when it starts.
        Assert.Contains(_host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is Pishkhan.PublicSite.SitePublishAtStart);
    }

    [Fact]
    public async Task AnHttpAdapterAnswersAPublicRoute()
    {
        var (status, contentType, body) = await CallAsync<ComplaintFunctions>("GET", "/api/complaint-categories", (f, r) => f.ListComplaintCategories(r, default));
        Assert.Equal(200, status);
        Assert.StartsWith("application/json", contentType);
        Assert.Contains("overcharging", body);
    }

    [Fact]
    public async Task AnHttpAdapterRefusesAKeyedRouteWithoutAKey()
    {
        var (status, contentType, _) = await CallAsync<OfficeFunctions>("GET", "/api/offices", (f, r) => f.ListOffices(r, default));
        Assert.Equal(401, status);
        Assert.Equal("application/problem+json", contentType);
    }

    [Fact]
    public async Task AnHttpAdapterReadsRouteValuesThroughTheGeneratedRoute()
    {
        // The tracking code comes from the route template in functions.metadata: an unknown code is a 404 problem.
        var (status, _, body) = await CallAsync<ComplaintFunctions>("GET", "/api/complaints/K7MQ-2XHP-R9TC", (f, r) => f.GetComplaintStatus(r, default));
        Assert.Equal(404, status);
        Assert.Contains("\"status\":404", body.Replace(" ", ""));
    }

    [Fact]
    public async Task AQueueAdapterRunsTheHandlerWithTheDeliveryFromTheFunctionContext()
    {
        var activities = new ConcurrentBag<Activity>();
        using var listener = Listen(activities);
        var context = new Mock<FunctionContext>();
        var binding = new Mock<BindingContext>();
        binding.SetupGet(b => b.BindingData).Returns(new Dictionary<string, object?> { ["Id"] = "m-42", ["DequeueCount"] = "3" });
        context.SetupGet(c => c.BindingContext).Returns(binding.Object);
        var adapter = ActivatorUtilities.CreateInstance<NotificationFunctions>(_host.Services);

        // An outbox id that has no row: the handler finds nothing to send and completes (idempotent no-op).
        await adapter.SendNotification("""{"id":"0123456789abcdef0123456789abcdef"}""", context.Object, default);

        var activity = Assert.Single(activities, a => a.OperationName == "SendNotification");
        Assert.Equal("m-42", activity.GetTagItem("messaging.message.id"));
        Assert.Equal(3L, activity.GetTagItem("messaging.delivery_count"));
        Assert.Equal("notifications", activity.GetTagItem("messaging.destination.name"));
        Assert.NotEqual(ActivityStatusCode.Error, activity.Status);
    }

    [Fact]
    public async Task AQueueAdapterLetsAMalformedMessageFailSoTheHostRetriesIt()
    {
        var context = new Mock<FunctionContext>();
        var binding = new Mock<BindingContext>();
        binding.SetupGet(b => b.BindingData).Returns(new Dictionary<string, object?>());
        context.SetupGet(c => c.BindingContext).Returns(binding.Object);
        var adapter = ActivatorUtilities.CreateInstance<NotificationFunctions>(_host.Services);
        await Assert.ThrowsAnyAsync<Exception>(() => adapter.SendNotification("not json", context.Object, default));
    }

    [Fact]
    public async Task ATimerAdapterRunsItsHandler()
    {
        var activities = new ConcurrentBag<Activity>();
        using var listener = Listen(activities);
        var adapter = ActivatorUtilities.CreateInstance<ComplaintFunctions>(_host.Services);
        await adapter.ComplaintDeadlines(new TimerInfo(), default);
        var activity = Assert.Single(activities, a => a.OperationName == "ComplaintDeadlines");
        Assert.NotEqual(ActivityStatusCode.Error, activity.Status);
    }

    private async Task<(int Status, string? ContentType, string Body)> CallAsync<T>(string method, string path, Func<T, HttpRequest, Task<IResult>> call) where T : class
    {
        var adapter = ActivatorUtilities.CreateInstance<T>(_host.Services);
        using var scope = _host.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        var body = new MemoryStream();
        context.Response.Body = body;
        var result = await call(adapter, context.Request);
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, context.Response.ContentType, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static ActivityListener Listen(ConcurrentBag<Activity> activities)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Pishkhan.Queues",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
