using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SendGrid;

namespace Pishkhan.Notifications;

public static class NotificationServices
{
    /// <summary>
    /// The sender and its transports: SendGrid when Pishkhan:SendGrid:ApiKey is set, else the pickup
    /// directory; Kavenegar when Pishkhan:Kavenegar:ApiKey is set, else the SMS pickup directory.
    /// </summary>
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
        services.AddSingleton(sp => sp.GetRequiredService<PishkhanSettings>().Sms);
        services.AddSingleton<SmsPickupDirectory>();
        services.AddSingleton<ISmsTransport>(sp =>
        {
            var settings = sp.GetRequiredService<SmsSettings>();
            if (settings.UsesKavenegar)
                return new KavenegarTransport(KavenegarTransport.CreateClient(settings), settings, sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<KavenegarTransport>>());
            // As for mail: a Key Vault reference that did not resolve means Kavenegar was meant; texts wait rather than go to a local folder.
            return settings.ApiKeyUnresolved ? new UnresolvedSmsKeyTransport() : sp.GetRequiredService<SmsPickupDirectory>();
        });
        services.AddSingleton<SmsOptOuts>();
        services.AddSingleton<RatingCodes>();
        services.AddSingleton<SmsComposer>();
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
