using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pishkhan.Agencies;
using Pishkhan.Auth;
using Pishkhan.Contracts;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Storage;

namespace Pishkhan;

public static class ServiceRegistration
{
    /// <summary>Everything the core needs, for both hosts. Storage clients are singletons (the SDK's advice).</summary>
    public static IServiceCollection AddPishkhan(this IServiceCollection services, IConfiguration configuration)
    {
        // The options pattern: bound from the host's configuration when first resolved (so configuration added after
        // this call, by tests and hosts, still counts) and checked at start-up, so a bad setting stops the host naming
        // its key. Handlers take PishkhanSettings itself.
        services.Configure<PishkhanSettings>(configuration.GetSection("Pishkhan"));
        services.PostConfigure<PishkhanSettings>(settings => settings.ReadOtherKeys(configuration));
        services.AddOptions<PishkhanSettings>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<PishkhanSettings>, PishkhanSettingsValidation>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PishkhanSettings>>().Value);
        services.AddSingleton(TimeProvider.System);
        services.AddStorageClients();
        services.AddSingleton<CodeDirectory>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<HttpGateway>();
        services.ConfigureHttpJsonOptions(o => Json.ConfigureResponses(o.SerializerOptions));
        services.AddSingleton<Bindings.Dispatch>();
        services.AddSingleton<CountyStore>();
        services.AddSingleton<OfficeStore>();
        services.AddSingleton<AgencyStore>();
        services.AddSingleton<ContractStore>();
        services.AddSingleton<Stats.OfficeStatsStore>();
        services.AddSingleton<Notifications.Outbox>();
        services.AddSingleton<Calendar.HolidayStore>();
        services.AddSingleton<Targets.TargetStore>();
        services.AddSingleton<Targets.TargetReports>();
        // The inspections capability replaces this with its own source (see Targets/README.md).
        services.TryAddSingleton<Targets.IReInspectionAgreementSource, Targets.NoReInspectionAgreementSource>();
        services.AddSingleton<Meetings.MeetingStore>();
        services.AddSingleton<RankingPolicy.RankingPolicyStore>();
        services.AddSingleton<Rankings.RankingStore>();
        services.AddSingleton<Rankings.RankingJob>();
        services.AddSingleton<PublicSite.SiteLocation>();
        services.AddSingleton<PublicSite.SitePublisher>();
        services.AddSingleton(sp => sp.GetRequiredService<PishkhanSettings>().Complaints);
        services.AddSingleton<Http.ClientRateLimiter>();
        services.AddSingleton<Complaints.ComplaintStore>();
        services.AddSingleton<Complaints.ComplaintEffects>();
        services.AddSingleton<Inspections.ChecklistStore>();
        services.AddSingleton<Inspections.PolicyStore>();
        services.AddSingleton<Inspections.InspectionStore>();
        services.AddSingleton<Inspections.InspectionAgenda>();
        services.AddSingleton<Inspections.InspectionStats>();
        services.AddSingleton<Inspections.InspectionProcessor>();
        services.AddSingleton<Inspections.CoverageService>();
        services.AddSingleton<Inspections.ReinspectionService>();
        services.AddSingleton<Targets.IReInspectionAgreementSource, Inspections.ReinspectionAgreementSource>();
        services.AddSingleton<Sanctions.SanctionService>();
        Notifications.NotificationServices.AddNotifications(services);
        Digests.DigestServices.AddDigests(services);
        services.AddSingleton<Requests.Committers>();
        services.AddSingleton<Requests.ReferenceCache>();
        services.AddSingleton<Requests.OfficeRouter>();
        services.AddSingleton<Requests.RequestStats>();
        services.AddSingleton<Requests.RequestOutbox>();
        services.AddSingleton<Requests.RequestBook>();
        services.AddSingleton<Requests.IWebhookResolver, Requests.DnsWebhookResolver>();
        services.AddSingleton<Requests.WebhookTargets>();
        services.AddSingleton<Requests.CallbackSender>();
        // The classes handlers live in: their constructors say what each handler touches.
        foreach (var type in Bindings.BindingTable.HandlerTypes) services.TryAddSingleton(type);
        services.AddHostedService<StorageInitializer>();
        services.AddHostedService<Requests.IntakeDrain>();
        return services;
    }
}

/// <summary>Creates tables and queues at start-up; a host that starts while storage is down retries in the background.</summary>
public sealed class StorageInitializer(Store store, ILogger<StorageInitializer> logger) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Try once synchronously so a healthy start is ready before the first request.
        try
        {
            await store.EnsureCreatedAsync(Tables.All, cancellationToken);
            _ready.TrySetResult();
        }
        catch (Exception e) when (HttpGateway.IsStorageUnavailable(e, cancellationToken))
        {
            logger.LogWarning("Storage not reachable at start-up; retrying in the background.");
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_ready.Task.IsCompleted && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                await store.EnsureCreatedAsync(Tables.All, stoppingToken);
                _ready.TrySetResult();
            }
            catch (Exception e) when (HttpGateway.IsStorageUnavailable(e, stoppingToken))
            {
            }
        }
    }
}
