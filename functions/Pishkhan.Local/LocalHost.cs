using Pishkhan.Bindings;
using Pishkhan.Http;
using Pishkhan.Telemetry;

namespace Pishkhan.Local;

public static class LocalHost
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>
    /// The functions the Functions host would index: the SDK-generated functions.metadata of
    /// Pishkhan.Functions, embedded at build. The local host serves exactly these, by function name.
    /// </summary>
    public static FunctionCatalog Catalog => LazyCatalog.Value;

    private static readonly Lazy<FunctionCatalog> LazyCatalog = new(() =>
    {
        using var stream = typeof(LocalHost).Assembly.GetManifestResourceStream(FunctionCatalog.FileName)
            ?? throw new InvalidOperationException("functions.metadata is not embedded: build Pishkhan.Local from the solution.");
        return FunctionCatalog.Parse(stream);
    });

    /// <summary>Builds the local host; tests call it with their own configuration and bindings.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null,
        IReadOnlyList<QueueBinding>? queues = null, IReadOnlyList<TimerBinding>? timers = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // The local host is Development: these defaults come first, so settings, environment and tests override them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = [new("Pishkhan:Webhooks:AllowLoopback", "true")],
        });
        if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
            builder.WebHost.UseUrls(DefaultUrl);
        builder.Services.AddSingleton(Catalog);
        builder.Services.AddPishkhan(builder.Configuration);
        // Real time (TimeProvider.System from AddPishkhan): the demo simulates last month in a private host with a
        // DemoClock of its own (Demo/DemoRunner), so no caller of this host ever sees a shifted clock.
        builder.Services.AddProblemDetails();
        // The public site and the working-group console (PublicSite/wwwroot/console) call the API from the site's origin only;
        // in Azure the Function App's CORS setting does this (infra/). Exactly what the pages send: GET and POST, DELETE
        // (revoke a key); Content-Type, the console's X-Api-Key and Idempotency-Key (inspections, meetings). No credentials.
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<PublicSite.SiteLocation>((o, site) =>
            o.AddDefaultPolicy(p => p.WithOrigins(site.Origin).WithMethods(PublicSite.SiteLocation.CorsMethods).WithHeaders(PublicSite.SiteLocation.CorsHeaders)));
        builder.Services.Configure<QueueListenerOptions>(builder.Configuration.GetSection("Pishkhan:Local:Queues"));
        builder.Services.AddSingleton(sp => new QueueListenerBindings(queues ?? [.. Catalog.Queues.Select(q =>
            new QueueBinding(q.Function, q.Queue, sp.GetRequiredService<Dispatch>().Queue(q.Function)))]));
        builder.Services.AddHostedService<QueueListener>();
        builder.Services.AddSingleton(sp => new SchedulerBindings(timers ?? [.. Catalog.Timers.Select(t =>
            new TimerBinding(t.Function, t.Schedule, sp.GetRequiredService<Dispatch>().Timer(t.Function)))]));
        builder.Services.AddHostedService<Scheduler>();
        configure?.Invoke(builder);
        // After configure: a test's settings decide whether telemetry is exported.
        builder.Services.AddPishkhanTelemetry(builder.Configuration);

        var app = builder.Build();
        app.UseCors();
        var gateway = app.Services.GetRequiredService<HttpGateway>();
        foreach (var binding in Catalog.Http)
        {
            var function = binding.Function;
            app.MapMethods("/api/" + binding.Route, [binding.Method],
                    (Func<HttpContext, Task<IResult>>)(context => gateway.Run(function, context.Request, context.RequestAborted)))
                .WithName(function);
        }
        DevOutbox.Map(app); // GET /dev/outbox: the pickup directory's mail, local host only
        // Unknown routes answer problem details too, like the Functions host's 404.
        app.MapFallback((HttpContext context) => TypedResults.Problem(statusCode: 404, title: "Not found.", detail: "No such route."));
        return app;
    }
}
