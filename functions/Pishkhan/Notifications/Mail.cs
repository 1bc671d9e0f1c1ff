using Microsoft.Extensions.Configuration;

namespace Pishkhan.Notifications;

/// <summary>Pishkhan:SendGrid settings. Without an API key mail goes to the pickup directory instead.</summary>
public sealed class SendGridSettings
{
    /// <summary>Null when absent or an unresolved Key Vault reference (see <see cref="ApiKeyUnresolved"/>).</summary>
    public string? ApiKey { get; init; }
    /// <summary>The setting holds a Key Vault reference App Service could not resolve: SendGrid is meant but unusable.</summary>
    public bool ApiKeyUnresolved { get; init; }
    /// <summary>Base URL of the mail API; tests and benchmarks point it at a local endpoint.</summary>
    public string Host { get; init; } = "https://api.sendgrid.com";
    /// <summary>Staging: SendGrid validates the request and answers 200 without delivering.</summary>
    public bool SandboxMode { get; init; }
    public string FromEmail { get; init; } = "no-reply@pishkhan.example";
    public string FromName { get; init; } = "کارگروه دفاتر پیشخوان";

    /// <summary>Attempts of one send within one handler run (429 and 5xx are retried).</summary>
    public int MaxAttempts { get; init; } = 4;
    /// <summary>The longest wait honoured in-process; a longer Retry-After hands the message back to the queue.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public bool UsesSendGrid => !string.IsNullOrWhiteSpace(ApiKey);

    public static SendGridSettings From(IConfigurationSection section) => new()
    {
        ApiKey = PishkhanSettings.Secret(section["ApiKey"]),
        ApiKeyUnresolved = section["ApiKey"] is { Length: > 0 } raw && PishkhanSettings.Secret(raw) is null,
        Host = section["Host"] is { Length: > 0 } host ? host.TrimEnd('/') : "https://api.sendgrid.com",
        SandboxMode = section.GetValue("SandboxMode", false),
        FromEmail = section["FromEmail"] is { Length: > 0 } from ? from : "no-reply@pishkhan.example",
        FromName = section["FromName"] is { Length: > 0 } name ? name : "کارگروه دفاتر پیشخوان",
    };
}

public sealed record MailAddress(string Email, string? Name);

/// <summary>
/// One recipient of a mail. <see cref="Substitutions"/> replace tags in subject and content for this
/// recipient only (the unsubscribe link of a digest), so one call can carry many personalised copies.
/// </summary>
public sealed record MailRecipient(string NotificationId, MailAddress To, IReadOnlyDictionary<string, string> Substitutions,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>A mail to one or more recipients (at most <see cref="MaxRecipients"/>), content shared.</summary>
public sealed record MailMessage(string Kind, string Subject, string Html, string Text, IReadOnlyList<MailRecipient> Recipients)
{
    /// <summary>SendGrid's limit of personalizations per /v3/mail/send call.</summary>
    public const int MaxRecipients = 1000;
}

/// <summary>What became of a send.</summary>
public abstract record SendOutcome
{
    /// <summary>The provider took the mail (2xx); its id (SendGrid X-Message-Id) is recorded.</summary>
    public sealed record Accepted(string? MessageId) : SendOutcome;

    /// <summary>A permanent refusal (4xx other than 429): retrying cannot help.</summary>
    public sealed record Rejected(int Status, string Error) : SendOutcome;

    /// <summary>Not taken (429, 5xx, connection refused) after the in-process retries: the queue retries later.</summary>
    public sealed record Unavailable(int? Status, string Error, TimeSpan? RetryAfter) : SendOutcome;

    /// <summary>
    /// The request may or may not have reached the provider (timeout, connection lost mid-request). Treated
    /// like a crash after sending: the lease expires before anyone tries again.
    /// </summary>
    public sealed record Unknown(string Error) : SendOutcome;
}

/// <summary>Two implementations: SendGrid (configured key) and the local pickup directory.</summary>
public interface IMailTransport
{
    Task<SendOutcome> SendAsync(MailMessage message, CancellationToken cancellationToken = default);
}

/// <summary>
/// Addresses for mail headers, built by MimeKit rather than by hand: a display name is quoted or encoded as the
/// RFC requires, so a name like <c>&lt;b&gt;Evil&lt;/b&gt;, "x" &lt;attacker@example.com&gt;</c> stays one recipient.
/// </summary>
public static class MailAddresses
{
    public static MimeKit.MailboxAddress Mailbox(MailAddress address) =>
        new(MailText.HeaderSafe(address.Name), MailText.HeaderSafe(address.Email, 254));

    /// <summary>
    /// The name SendGrid puts into its own From/To headers: no control characters, and quoted (RFC 5322
    /// quoted-string, by MimeKit) when it holds a character with meaning in an address list (, ; &lt; &gt; " @ …).
    /// </summary>
    public static string? SendGridName(string? name)
    {
        var safe = MailText.HeaderSafe(name);
        if (safe.Length == 0) return null;
        return safe.IndexOfAny(Specials) >= 0 ? MimeKit.Utils.MimeUtils.Quote(safe) : safe;
    }

    private static readonly char[] Specials = ['(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '.', '"'];
}
