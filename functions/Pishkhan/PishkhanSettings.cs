using Microsoft.Extensions.Configuration;
using Pishkhan.Calendar;
using Pishkhan.Complaints;
using Pishkhan.Storage;

namespace Pishkhan;

/// <summary>
/// Every setting the app reads, in one place (README "Configuration" lists them). <see cref="Keys"/> is
/// the single source of truth: tests/Pishkhan.Tests/Infra/SettingsConsistencyTests scans the core for
/// configuration reads and checks that Keys, local.settings.sample.json and the Bicep app settings
/// (infra/modules/functionapp.bicep) name the same keys. Environment variables use "__" for ":" —
/// Pishkhan__BootstrapAdminKey.
/// </summary>
public sealed class PishkhanSettings
{
    public string? BootstrapAdminKey { get; init; }
    public long MaxJsonBodyBytes { get; init; } = 64 * 1024;
    public long MaxCsvBodyBytes { get; init; } = 2 * 1024 * 1024;
    public double ThursdayWorkingHours { get; init; } = 4;
    /// <summary>Where published reports are read, e.g. the static website https://{account}.z6.web.core.windows.net; default the $web container's blob URL.</summary>
    public string? PublicReportBaseUrl { get; init; }
    public ComplaintPolicy Complaints { get; init; } = new();
    /// <summary>The page citizens rate a completed service on; the one-time token is appended as ?token=.</summary>
    public string RatingLinkBase { get; init; } = "http://127.0.0.1:7071/rate";
    /// <summary>Delay before an office's request counters are moved into OfficeStats (batches the writes).</summary>
    public double RequestStatsFlushSeconds { get; init; } = 1;
    public StorageSettings Storage { get; init; } = new();
    /// <summary>In Azure a Key Vault reference; empty locally (mail goes to the local pickup folder).</summary>
    public string? SendGridApiKey { get; init; }
    /// <summary>Set: telemetry is exported to Azure Monitor (Telemetry/TelemetryRegistration).</summary>
    public string? ApplicationInsightsConnectionString { get; init; }
    /// <summary>"ClientId=...;Authorization=AAD": export with the managed identity (local auth is off in Azure).</summary>
    public string? ApplicationInsightsAuthentication { get; init; }

    public static readonly string[] Keys =
    [
        "AzureWebJobsStorage",
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__clientId",
        "Pishkhan__BootstrapAdminKey",
        "Pishkhan__MaxJsonBodyBytes",
        "Pishkhan__MaxCsvBodyBytes",
        "Pishkhan__ThursdayWorkingHours",
        "Pishkhan__RatingLinkBase",
        "Pishkhan__RequestStatsFlushSeconds",
        "Pishkhan__StorageNamePrefix",
        "Pishkhan__PublicReportBaseUrl",
        .. ComplaintPolicy.SettingKeys,
        "Pishkhan__SendGridApiKey",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ];

    public static PishkhanSettings From(IConfiguration config)
    {
        var section = config.GetSection("Pishkhan");
        return new PishkhanSettings
        {
            BootstrapAdminKey = Secret(section["BootstrapAdminKey"]),
            MaxJsonBodyBytes = section.GetValue("MaxJsonBodyBytes", 64L * 1024),
            MaxCsvBodyBytes = section.GetValue("MaxCsvBodyBytes", 2L * 1024 * 1024),
            ThursdayWorkingHours = section.GetValue("ThursdayWorkingHours", 4.0),
            PublicReportBaseUrl = section["PublicReportBaseUrl"],
            Complaints = ComplaintPolicy.From(section.GetSection("Complaints")),
            SendGridApiKey = Secret(section["SendGridApiKey"]),
            ApplicationInsightsConnectionString = config["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 } ai ? ai : null,
            ApplicationInsightsAuthentication = config["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] is { Length: > 0 } aiAuth ? aiAuth : null,
            RatingLinkBase = section["RatingLinkBase"] is { Length: > 0 } link ? link : "http://127.0.0.1:7071/rate",
            RequestStatsFlushSeconds = section.GetValue("RequestStatsFlushSeconds", 1.0),
            Storage = new StorageSettings
            {
                ConnectionString = config["AzureWebJobsStorage"] is { Length: > 0 } cs ? cs
                    : config["AzureWebJobsStorage:accountName"] is null ? "UseDevelopmentStorage=true" : null,
                AccountName = config["AzureWebJobsStorage:accountName"],
                ClientId = config["AzureWebJobsStorage:clientId"],
                NamePrefix = section["StorageNamePrefix"] ?? "",
            },
        };
    }

    /// <summary>
    /// App Service hands an unresolvable Key Vault reference (secret not set yet, or deleted to retire the
    /// bootstrap key) to the app as its literal text. That text is public, so it must never count as a key.
    /// </summary>
    public static string? Secret(string? value) =>
        string.IsNullOrEmpty(value) || value.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) ? null : value;

    public WorkingHours WorkingHours => WorkingHours.Default with { ThursdayHours = ThursdayWorkingHours };
}
