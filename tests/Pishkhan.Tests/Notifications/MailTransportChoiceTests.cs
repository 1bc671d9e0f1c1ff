using Pishkhan;
using Pishkhan.Notifications;

namespace Pishkhan.Tests.Notifications;

/// <summary>Which transport the app uses: SendGrid with a key, the pickup folder without one, and neither when the key is a dead Key Vault reference.</summary>
public sealed class MailTransportChoiceTests
{
    private static IMailTransport TransportFor(string? apiKey)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pishkhan:SendGrid:ApiKey"] = apiKey }).Build();
        return new ServiceCollection().AddLogging().AddPishkhan(config).BuildServiceProvider().GetRequiredService<IMailTransport>();
    }

    [Fact]
    public void AKeyMeansSendGrid() => Assert.IsType<SendGridTransport>(TransportFor("SG.real-key"));

    [Fact]
    public void NoKeyMeansThePickupFolder() => Assert.IsType<PickupDirectory>(TransportFor(null));

    [Fact]
    public async Task AnUnresolvedKeyVaultReferenceSendsNothingAndLetsTheQueueRetry()
    {
        var transport = TransportFor("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/sendgrid-api-key)");

        Assert.IsType<UnresolvedKeyTransport>(transport);
        var outcome = await transport.SendAsync(new MailMessage("digest", "s", "h", "t",
            [new MailRecipient("0123456789abcdef0123456789abcdef", new MailAddress("a@example.ir", null), new Dictionary<string, string>(), new Dictionary<string, string>())]));
        Assert.IsType<SendOutcome.Unavailable>(outcome);
    }
}
