using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Pishkhan.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>
    /// OpenTelemetry traces (the Pishkhan.* sources), metrics (the Pishkhan meter) and logs, exported to
    /// Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set; otherwise nothing is registered
    /// and instrumentation costs next to nothing (no listener, no activities). Returns the builder so the
    /// Functions app can add <c>UseFunctionsWorkerDefaults()</c>; null when export is off.
    /// </summary>
    public static OpenTelemetryBuilder? AddPishkhanTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = PishkhanSettings.From(configuration);
        if (settings.ApplicationInsightsConnectionString is not { } connectionString) return null;

        var credential = EntraCredential(settings.ApplicationInsightsAuthentication);
        var builder = services.AddOpenTelemetry();
        builder
            .WithTracing(tracing => tracing.AddSource([.. PishkhanTelemetry.Sources.Select(s => s.Name)]))
            .WithMetrics(metrics => metrics.AddMeter(PishkhanTelemetry.Meter.Name))
            .UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = connectionString;
                if (credential is not null) o.Credential = credential;
            });
        // Structured logs: without IncludeFormattedMessage the exporter sends the message template as the
        // message and its fields as custom dimensions, so entries group by template in Application Insights.
        return builder;
    }

    /// <summary>
    /// APPLICATIONINSIGHTS_AUTHENTICATION_STRING ("ClientId=&lt;uami client id&gt;;Authorization=AAD", the
    /// form the Functions host reads too) selects Entra ID ingestion; the Bicep disables local
    /// authentication on Application Insights, so the worker must send with the managed identity.
    /// </summary>
    public static TokenCredential? EntraCredential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString)) return null;
        var parts = authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
            return null;
        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
