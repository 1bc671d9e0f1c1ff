using Microsoft.Extensions.Configuration;

namespace Pishkhan.Notifications;

/// <summary>
/// Pishkhan:Kavenegar settings (and Pishkhan:Sms:PickupDirectory). Without an API key SMS goes to the
/// pickup directory instead, one file per message.
/// </summary>
public sealed record SmsSettings
{
    /// <summary>Null when absent or an unresolved Key Vault reference (see <see cref="ApiKeyUnresolved"/>).</summary>
    public string? ApiKey { get; init; }
    /// <summary>The setting holds a Key Vault reference App Service could not resolve: Kavenegar is meant but unusable.</summary>
    public bool ApiKeyUnresolved { get; init; }
    /// <summary>Base URL of the REST API; tests point it at a local endpoint.</summary>
    public string Host { get; init; } = "https://api.kavenegar.com";
    /// <summary>The sender line (e.g. 2000660110). Empty: Kavenegar's default line of the account, and no replies are read.</summary>
    public string? Sender { get; init; }
    /// <summary>Where SMS goes when no key is set (local development): one .txt file per message.</summary>
    public string PickupDirectory { get; init; } = ".local/sms";

    /// <summary>Attempts of one send within one handler run (429, 409 "server busy" and 5xx are retried).</summary>
    public int MaxAttempts { get; init; } = 4;
    /// <summary>The longest wait honoured in-process; a longer Retry-After hands the message back to the queue.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Replies to the sender line are fetched at most this often, before an SMS is sent (opt-outs).</summary>
    public TimeSpan ReplyPollInterval { get; init; } = TimeSpan.FromSeconds(60);

    public bool UsesKavenegar => !string.IsNullOrWhiteSpace(ApiKey);

    public static SmsSettings From(IConfigurationSection kavenegar) => new()
    {
        ApiKey = PishkhanSettings.Secret(kavenegar["ApiKey"]),
        ApiKeyUnresolved = kavenegar["ApiKey"] is { Length: > 0 } raw && PishkhanSettings.Secret(raw) is null,
        Host = kavenegar["Host"] is { Length: > 0 } host ? host.TrimEnd('/') : "https://api.kavenegar.com",
        Sender = kavenegar["Sender"] is { Length: > 0 } sender ? sender.Trim() : null,
    };
}

/// <summary>One SMS to one number (09xxxxxxxxx). The notification id travels with it (Kavenegar's localid, the pickup file name).</summary>
public sealed record SmsMessage(string NotificationId, string Kind, string To, string Text);

/// <summary>A message a citizen sent to the sender line.</summary>
public sealed record SmsReply(string From, string Text);

/// <summary>Kavenegar (configured key), the local pickup directory, or nothing (an unresolved key).</summary>
public interface ISmsTransport
{
    Task<SendOutcome> SendAsync(SmsMessage message, CancellationToken cancellationToken = default);

    /// <summary>Replies to the sender line not returned before (each is returned once).</summary>
    Task<IReadOnlyList<SmsReply>> ReceiveAsync(CancellationToken cancellationToken = default);
}

/// <summary>Kavenegar is configured but its key did not resolve: nothing is sent, rows stay pending and the queue retries.</summary>
public sealed class UnresolvedSmsKeyTransport : ISmsTransport
{
    public Task<SendOutcome> SendAsync(SmsMessage message, CancellationToken cancellationToken = default) =>
        Task.FromResult<SendOutcome>(new SendOutcome.Unavailable(null, "Pishkhan__Kavenegar__ApiKey is an unresolved Key Vault reference.", null));

    public Task<IReadOnlyList<SmsReply>> ReceiveAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<SmsReply>>([]);
}
