using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
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
    public string? BootstrapAdminKey { get; set; }
    public long MaxJsonBodyBytes { get; set; } = 64 * 1024;
    public long MaxCsvBodyBytes { get; set; } = 2 * 1024 * 1024;
    public double ThursdayWorkingHours { get; set; } = 4;
    /// <summary>Where published reports are read, e.g. the static website https://{account}.z6.web.core.windows.net; default the $web container's blob URL.</summary>
    public string? PublicReportBaseUrl { get; set; }
    /// <summary>The public site's address (the static website, e.g. https://{account}.z6.web.core.windows.net); its origin is the one CORS allows. Default: the $web container's blob URL.</summary>
    public string? PublicSiteUrl { get; set; }
    public ComplaintPolicy Complaints { get; private set; } = new();
    /// <summary>Delay before an office's request counters are moved into OfficeStats (batches the writes).</summary>
    public double RequestStatsFlushSeconds { get; set; } = 1;
    /// <summary>How long an answered intake's office write waits for others of the office to share its transaction (Requests/README "Intake").</summary>
    public int RequestIntakeLingerMs { get; set; } = 200;

    /// <summary>How long a storage call waits for its answer before the client retries it (README "Lost answers").</summary>
    public double StorageNetworkTimeoutSeconds { get; set; } = 4;
    public StorageSettings Storage { get; private set; } = new();
    /// <summary>In Azure a Key Vault reference (Pishkhan__SendGrid__ApiKey); empty locally (mail goes to the local pickup folder).</summary>
    public string? SendGridApiKey => SendGrid.ApiKey;
    /// <summary>Set: telemetry is exported to Azure Monitor (Telemetry/TelemetryRegistration).</summary>
    public string? ApplicationInsightsConnectionString { get; private set; }
    /// <summary>"ClientId=...;Authorization=AAD": export with the managed identity (local auth is off in Azure).</summary>
    public string? ApplicationInsightsAuthentication { get; private set; }
    public Notifications.SendGridSettings SendGrid { get; private set; } = new();
    /// <summary>Where mail goes when no SendGrid key is set (local development): RFC 5322 .eml files.</summary>
    [ConfigurationKeyName("Outbox:PickupDirectory")]
    public string PickupDirectory { get; set; } = ".local/outbox";
    /// <summary>The public address of the API, for links in mail (unsubscribe, tracking, rating).</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:7071";
    /// <summary>
    /// The first Jalali month the service ran: rankings are recomputed and re-inspections drawn only from it up
    /// to the last closed month (so nobody publishes a "1300-01" ranking). Default 1404-01.
    /// </summary>
    public JalaliPeriod ServiceStartPeriod { get; private set; } = DefaultServiceStartPeriod;
    public static readonly JalaliPeriod DefaultServiceStartPeriod = new(1404, 1);
    /// <summary>
    /// HMAC key of the monthly re-inspection draw (Key Vault reference in Azure): county teams must not be able to
    /// compute which of their inspections will be drawn, so it is in no policy and no response.
    /// </summary>
    public string? ReinspectionDrawSecret { get; set; }
    /// <summary>HMAC key of the one-click unsubscribe links in digests (Key Vault reference in Azure).</summary>
    public string? UnsubscribeSigningKey { get; set; }
    /// <summary>Kavenegar (key in Key Vault in Azure) or, without a key, the SMS pickup folder.</summary>
    public Notifications.SmsSettings Sms { get; private set; } = new();
    /// <summary>
    /// Development only (the local host's default, false in Azure): agency webhooks may then go to a loopback
    /// host over http. Otherwise https to public addresses only (Requests/WebhookTargets.cs).
    /// </summary>
    [ConfigurationKeyName("Webhooks:AllowLoopback")]
    public bool AllowLoopbackWebhooks { get; set; }

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
        "Pishkhan__RequestIntakeLingerMs",
        "Pishkhan__StorageNamePrefix",
        "Pishkhan__StorageNetworkTimeoutSeconds",
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

    /// <summary>The configuration section the settings with a public setter are bound from (their key is their name or [ConfigurationKeyName]).</summary>
    public const string Section = "Pishkhan";

    /// <summary>
    /// The settings the binder cannot take as they are: keys outside the section (storage, Application Insights),
    /// parsed values (the Jalali start month, the complaint policy), sub-settings read through their own
    /// <c>From</c>, and the normalisations (a Key Vault reference that did not resolve is no secret; URLs without
    /// a trailing slash). Runs after <see cref="Section"/> is bound (an options post-configuration).
    /// </summary>
    public void ReadOtherKeys(IConfiguration config)
    {
        var section = config.GetSection("Pishkhan");
        BootstrapAdminKey = Secret(BootstrapAdminKey);
        ReinspectionDrawSecret = Secret(ReinspectionDrawSecret);
        UnsubscribeSigningKey = UnsubscribeSigningKey is { Length: > 0 } ? UnsubscribeSigningKey : null;
        PublicSiteUrl = PublicSiteUrl is { Length: > 0 } siteUrl ? siteUrl.TrimEnd('/') : null;
        PublicBaseUrl = (PublicBaseUrl is { Length: > 0 } baseUrl ? baseUrl : "http://127.0.0.1:7071").TrimEnd('/');
        PickupDirectory = PickupDirectory is { Length: > 0 } ? PickupDirectory : ".local/outbox";
        Complaints = ComplaintPolicy.From(section.GetSection("Complaints"));
        ApplicationInsightsConnectionString = config["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 } ai ? ai : null;
        ApplicationInsightsAuthentication = config["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] is { Length: > 0 } aiAuth ? aiAuth : null;
        Storage = new StorageSettings
        {
            ConnectionString = config["AzureWebJobsStorage"] is { Length: > 0 } cs ? cs
                : config["AzureWebJobsStorage:accountName"] is null ? "UseDevelopmentStorage=true" : null,
            AccountName = config["AzureWebJobsStorage:accountName"],
            ClientId = config["AzureWebJobsStorage:clientId"],
            NamePrefix = section["StorageNamePrefix"] ?? "",
            NetworkTimeoutSeconds = StorageNetworkTimeoutSeconds,
        };
        SendGrid = Notifications.SendGridSettings.From(section.GetSection("SendGrid"));
        ServiceStartPeriod = section["ServiceStartPeriod"] is not { Length: > 0 } start ? DefaultServiceStartPeriod
            : JalaliPeriod.TryParse(start, out var startPeriod) ? startPeriod
            : throw new InvalidOperationException("Pishkhan:ServiceStartPeriod must be a Jalali month such as 1404-01.");
        Sms = Notifications.SmsSettings.From(section.GetSection("Kavenegar")) with
        {
            PickupDirectory = section["Sms:PickupDirectory"] is { Length: > 0 } smsPickup ? smsPickup : ".local/sms",
        };
    }

    /// <summary>
    /// The settings bound as the host's options pipeline binds them (<see cref="Section"/>, then
    /// <see cref="ReadOtherKeys"/>), for code that runs before the container exists (telemetry registration reads
    /// the Application Insights keys) and for tests. The range checks are the pipeline's
    /// (<see cref="PishkhanSettingsValidation"/>, at start-up).
    /// </summary>
    public static PishkhanSettings From(IConfiguration config)
    {
        var settings = new PishkhanSettings();
        config.GetSection(Section).Bind(settings);
        settings.ReadOtherKeys(config);
        return settings;
    }

    /// <summary>
    /// App Service hands an unresolvable Key Vault reference (secret not set yet, or deleted to retire the
    /// bootstrap key) to the app as its literal text. That text is public, so it must never count as a key.
    /// </summary>
    public static string? Secret(string? value) =>
        string.IsNullOrEmpty(value) || value.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) ? null : value;

    public WorkingHours WorkingHours => WorkingHours.Default with { ThursdayHours = ThursdayWorkingHours };
}

/// <summary>
/// Checks the bound settings at start-up (ValidateOnStart): a bad value stops the host with the key named. A value
/// the binder cannot convert ("abc" for a number) already stops it with the key named by the binder.
/// </summary>
public sealed class PishkhanSettingsValidation : IValidateOptions<PishkhanSettings>
{
    public ValidateOptionsResult Validate(string? name, PishkhanSettings options)
    {
        var failures = new List<string>();
        void Check(bool ok, string key, string rule)
        {
            if (!ok) failures.Add($"Pishkhan:{key} {rule}.");
        }
        static bool Url(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

        Check(options.ThursdayWorkingHours is >= 0 and <= 24, nameof(options.ThursdayWorkingHours), "must be between 0 and 24 hours");
        Check(options.MaxJsonBodyBytes >= 1024, nameof(options.MaxJsonBodyBytes), "must be at least 1024");
        Check(options.MaxCsvBodyBytes >= 1024, nameof(options.MaxCsvBodyBytes), "must be at least 1024");
        Check(options.RequestStatsFlushSeconds is >= 0 and <= 3600, nameof(options.RequestStatsFlushSeconds), "must be between 0 and 3600 seconds");
        Check(options.RequestIntakeLingerMs is >= 0 and <= 10_000, nameof(options.RequestIntakeLingerMs), "must be between 0 and 10000 milliseconds");
        Check(options.StorageNetworkTimeoutSeconds is >= 1 and <= 60, nameof(options.StorageNetworkTimeoutSeconds), "must be between 1 and 60 seconds");
        Check(Url(options.PublicBaseUrl), nameof(options.PublicBaseUrl), "must be an absolute http(s) URL");
        Check(options.PublicSiteUrl is null || Url(options.PublicSiteUrl), nameof(options.PublicSiteUrl), "must be an absolute http(s) URL");
        Check(options.PublicReportBaseUrl is not { Length: > 0 } || Url(options.PublicReportBaseUrl), nameof(options.PublicReportBaseUrl), "must be an absolute http(s) URL");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
