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
    /// <summary>The public site's address (the static website, e.g. https://{account}.z6.web.core.windows.net); its origin is the one CORS allows. Default: the $web container's blob URL.</summary>
    public string? PublicSiteUrl { get; init; }
    public ComplaintPolicy Complaints { get; init; } = new();
    /// <summary>Delay before an office's request counters are moved into OfficeStats (batches the writes).</summary>
    public double RequestStatsFlushSeconds { get; init; } = 1;
    public StorageSettings Storage { get; init; } = new();
    /// <summary>In Azure a Key Vault reference (Pishkhan__SendGrid__ApiKey); empty locally (mail goes to the local pickup folder).</summary>
    public string? SendGridApiKey => SendGrid.ApiKey;
    /// <summary>Set: telemetry is exported to Azure Monitor (Telemetry/TelemetryRegistration).</summary>
    public string? ApplicationInsightsConnectionString { get; init; }
    /// <summary>"ClientId=...;Authorization=AAD": export with the managed identity (local auth is off in Azure).</summary>
    public string? ApplicationInsightsAuthentication { get; init; }
    public Notifications.SendGridSettings SendGrid { get; init; } = new();
    /// <summary>Where mail goes when no SendGrid key is set (local development): RFC 5322 .eml files.</summary>
    public string PickupDirectory { get; init; } = ".local/outbox";
    /// <summary>The public address of the API, for links in mail (unsubscribe, tracking, rating).</summary>
    public string PublicBaseUrl { get; init; } = "http://127.0.0.1:7071";
    /// <summary>
    /// The first Jalali month the service ran: rankings are recomputed and re-inspections drawn only from it up
    /// to the last closed month (so nobody publishes a "1300-01" ranking). Default 1404-01.
    /// </summary>
    public JalaliPeriod ServiceStartPeriod { get; init; } = DefaultServiceStartPeriod;
    public static readonly JalaliPeriod DefaultServiceStartPeriod = new(1404, 1);
    /// <summary>
    /// HMAC key of the monthly re-inspection draw (Key Vault reference in Azure): county teams must not be able to
    /// compute which of their inspections will be drawn, so it is in no policy and no response.
    /// </summary>
    public string? ReinspectionDrawSecret { get; init; }
    /// <summary>HMAC key of the one-click unsubscribe links in digests (Key Vault reference in Azure).</summary>
    public string? UnsubscribeSigningKey { get; init; }
    /// <summary>Kavenegar (key in Key Vault in Azure) or, without a key, the SMS pickup folder.</summary>
    public Notifications.SmsSettings Sms { get; init; } = new();
    /// <summary>
    /// Development only (the local host's default, false in Azure): agency webhooks may then go to a loopback
    /// host over http. Otherwise https to public addresses only (Requests/WebhookTargets.cs).
    /// </summary>
    public bool AllowLoopbackWebhooks { get; init; }

    public static readonly string[] Keys =
    [
        "AzureWebJobsStorage",
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__clientId",
        "Pishkhan__BootstrapAdminKey",
        "Pishkhan__MaxJsonBodyBytes",
        "Pishkhan__MaxCsvBodyBytes",
        "Pishkhan__ThursdayWorkingHours",
        "Pishkhan__RequestStatsFlushSeconds",
        "Pishkhan__StorageNamePrefix",
        "Pishkhan__PublicReportBaseUrl",
        "Pishkhan__PublicSiteUrl",
        "Pishkhan__SendGrid__ApiKey",
        "Pishkhan__SendGrid__Host",
        "Pishkhan__SendGrid__SandboxMode",
        "Pishkhan__SendGrid__FromEmail",
        "Pishkhan__SendGrid__FromName",
        "Pishkhan__Outbox__PickupDirectory",
        "Pishkhan__PublicBaseUrl",
        "Pishkhan__UnsubscribeSigningKey",
        "Pishkhan__ReinspectionDrawSecret",
        "Pishkhan__ServiceStartPeriod",
        "Pishkhan__Kavenegar__ApiKey",
        "Pishkhan__Kavenegar__Host",
        "Pishkhan__Kavenegar__Sender",
        "Pishkhan__Sms__PickupDirectory",
        "Pishkhan__Webhooks__AllowLoopback",
        .. ComplaintPolicy.SettingKeys,
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
            PublicSiteUrl = section["PublicSiteUrl"] is { Length: > 0 } siteUrl ? siteUrl.TrimEnd('/') : null,
            Complaints = ComplaintPolicy.From(section.GetSection("Complaints")),
            ApplicationInsightsConnectionString = config["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 } ai ? ai : null,
            ApplicationInsightsAuthentication = config["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] is { Length: > 0 } aiAuth ? aiAuth : null,
            RequestStatsFlushSeconds = section.GetValue("RequestStatsFlushSeconds", 1.0),
            Storage = new StorageSettings
            {
                ConnectionString = config["AzureWebJobsStorage"] is { Length: > 0 } cs ? cs
                    : config["AzureWebJobsStorage:accountName"] is null ? "UseDevelopmentStorage=true" : null,
                AccountName = config["AzureWebJobsStorage:accountName"],
                ClientId = config["AzureWebJobsStorage:clientId"],
                NamePrefix = section["StorageNamePrefix"] ?? "",
            },
            SendGrid = Notifications.SendGridSettings.From(section.GetSection("SendGrid")),
            PickupDirectory = section["Outbox:PickupDirectory"] is { Length: > 0 } pickup ? pickup : ".local/outbox",
            PublicBaseUrl = (section["PublicBaseUrl"] is { Length: > 0 } baseUrl ? baseUrl : "http://127.0.0.1:7071").TrimEnd('/'),
            ReinspectionDrawSecret = Secret(section["ReinspectionDrawSecret"]),
            UnsubscribeSigningKey = section["UnsubscribeSigningKey"] is { Length: > 0 } signingKey ? signingKey : null,
            ServiceStartPeriod = section["ServiceStartPeriod"] is not { Length: > 0 } start ? DefaultServiceStartPeriod
                : JalaliPeriod.TryParse(start, out var startPeriod) ? startPeriod
                : throw new InvalidOperationException("Pishkhan:ServiceStartPeriod must be a Jalali month such as 1404-01."),
            AllowLoopbackWebhooks = section.GetValue("Webhooks:AllowLoopback", false),
            Sms = Notifications.SmsSettings.From(section.GetSection("Kavenegar")) with
            {
                PickupDirectory = section["Sms:PickupDirectory"] is { Length: > 0 } smsPickup ? smsPickup : ".local/sms",
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
