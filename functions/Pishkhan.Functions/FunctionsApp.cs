using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Bindings;
using Pishkhan.Telemetry;

namespace Pishkhan.Functions;

/// <summary>
/// The worker as the Functions host starts it (Program.cs runs it). A start-up test builds the same host
/// with scope and build-time validation, so a missing registration fails a test, not a deployment.
/// </summary>
public static class FunctionsApp
{
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        // The functions the host indexed: functions.metadata, which the SDK writes beside the app from the attributes.
        builder.Services.AddSingleton(_ => FunctionCatalog.Load(Path.Combine(AppContext.BaseDirectory, FunctionCatalog.FileName)));
        builder.Services.AddPishkhan(builder.Configuration);
        // The public site goes to $web when an instance starts (idempotent: unchanged files are not uploaded again).
        builder.Services.AddHostedService<Pishkhan.PublicSite.SitePublishAtStart>();
        // Exports to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set; host.json's telemetryMode
        // "OpenTelemetry" makes the host leave the worker's logs to the worker (no duplicates).
        builder.Services.AddPishkhanTelemetry(builder.Configuration)?.UseFunctionsWorkerDefaults();
        return builder;
    }

    /// <summary>
    /// A queue message with what the trigger knows about its delivery (message id, dequeue count), for the
    /// telemetry the local host's listener records too.
    /// </summary>
    public static Task RunQueue(this Dispatch dispatch, string function, string message, FunctionContext context, CancellationToken cancellationToken)
    {
        var data = context.BindingContext.BindingData;
        var id = data.TryGetValue("Id", out var i) ? i?.ToString() : null;
        long? attempt = data.TryGetValue("DequeueCount", out var d) && long.TryParse(d?.ToString(), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
        return dispatch.RunQueue(function, message, id, attempt, cancellationToken);
    }
}
