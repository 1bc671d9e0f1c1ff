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
        services.AddSingleton<IMailTransport>(sp => sp.GetRequiredService<SendGridSettings>().UsesSendGrid
            ? new SendGridTransport(sp.GetRequiredService<ISendGridClient>(), sp.GetRequiredService<SendGridSettings>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SendGridTransport>>())
            : sp.GetRequiredService<PickupDirectory>());
        services.AddSingleton<UnsubscribeLinks>();
        services.AddSingleton<MailComposer>();
        services.AddSingleton<NotificationSender>();
        return services;
    }
}
