using Microsoft.Extensions.Configuration;
using Pishkhan.Calendar;
using Pishkhan.Storage;

namespace Pishkhan;

/// <summary>
/// Every setting the app reads, in one place (README "Configuration" lists them; the infra issue
/// checks that Bicep and local.settings.sample.json name the same keys). Environment variables use
/// "__" for ":" — Pishkhan__BootstrapAdminKey.
/// </summary>
public sealed class PishkhanSettings
{
    public string? BootstrapAdminKey { get; init; }
    public long MaxJsonBodyBytes { get; init; } = 64 * 1024;
    public long MaxCsvBodyBytes { get; init; } = 2 * 1024 * 1024;
    public double ThursdayWorkingHours { get; init; } = 4;
    /// <summary>The page citizens rate a completed service on; the one-time token is appended as ?token=.</summary>
    public string RatingLinkBase { get; init; } = "http://127.0.0.1:7071/rate";
    /// <summary>Delay before an office's request counters are moved into OfficeStats (batches the writes).</summary>
    public double RequestStatsFlushSeconds { get; init; } = 1;
    public StorageSettings Storage { get; init; } = new();

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
    ];

    public static PishkhanSettings From(IConfiguration config)
    {
        var section = config.GetSection("Pishkhan");
        return new PishkhanSettings
        {
            BootstrapAdminKey = section["BootstrapAdminKey"],
            MaxJsonBodyBytes = section.GetValue("MaxJsonBodyBytes", 64L * 1024),
            MaxCsvBodyBytes = section.GetValue("MaxCsvBodyBytes", 2L * 1024 * 1024),
            ThursdayWorkingHours = section.GetValue("ThursdayWorkingHours", 4.0),
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

    public WorkingHours WorkingHours => WorkingHours.Default with { ThursdayHours = ThursdayWorkingHours };
}
