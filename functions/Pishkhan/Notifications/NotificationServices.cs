using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SendGrid;

namespace Pishkhan.Notifications;

public static class NotificationServices
{
    /// <summary>The sender and its transport: SendGrid when Pishkhan:SendGrid:ApiKey is set, else the pickup directory.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<PishkhanSettings>().SendGrid);
        services.AddSingleton<ISendGridClient>(sp => SendGridTransport.CreateClient(sp.GetRequiredService<SendGridSettings>()));
        services.AddSingleton<PickupDirectory>();
        services.AddSingleton<IMailTransport>(sp =>
        {
            var settings = sp.GetRequiredService<SendGridSettings>();
            if (settings.UsesSendGrid)
                return new SendGridTransport(sp.GetRequiredService<ISendGridClient>(), settings, sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<SendGridTransport>>());
            // In Azure the key is a Key Vault reference; unresolved, mail must wait (and retry), not go to a local folder.
            return settings.ApiKeyUnresolved ? new UnresolvedKeyTransport() : sp.GetRequiredService<PickupDirectory>();
        });
        services.AddSingleton<UnsubscribeLinks>();
        services.AddSingleton<MailComposer>();
        services.AddSingleton<NotificationSender>();
        return services;
    }
}

/// <summary>SendGrid is configured but its key did not resolve: nothing is sent, rows stay pending and the queue retries.</summary>
public sealed class UnresolvedKeyTransport : IMailTransport
{
    public Task<SendOutcome> SendAsync(MailMessage message, CancellationToken cancellationToken = default) =>
        Task.FromResult<SendOutcome>(new SendOutcome.Unavailable(null, "Pishkhan__SendGrid__ApiKey is an unresolved Key Vault reference.", null));
}
