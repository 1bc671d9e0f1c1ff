using System.Net;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Infra;

// In Azure the secrets are Key Vault references. When one does not resolve (secret not set yet, or deleted
// to retire the bootstrap key), App Service passes the reference text itself to the app. That text is in
// this repository, so it must never work as a key.
public sealed class KeyVaultReferenceTests
{
    private const string Reference = "@Microsoft.KeyVault(SecretUri=https://kv-example.vault.azure.net/secrets/bootstrap-admin-key)";

    [Theory]
    [InlineData(Reference, null)]
    [InlineData("@microsoft.keyvault(VaultName=kv;SecretName=x)", null)]
    [InlineData("", null)]
    [InlineData("a-real-secret-value", "a-real-secret-value")]
    public void AnUnresolvedReferenceCountsAsNoSecret(string configured, string? expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pishkhan:BootstrapAdminKey"] = configured,
            ["Pishkhan:SendGrid:ApiKey"] = configured,
        }).Build();

        var settings = PishkhanSettings.From(config);

        Assert.Equal(expected, settings.BootstrapAdminKey);
        Assert.Equal(expected, settings.SendGridApiKey);
    }

    [Fact]
    public async Task TheReferenceTextIsNotAnAdminKey()
    {
        await using var host = await TestHost.StartAsync(settings: new() { ["Pishkhan:BootstrapAdminKey"] = Reference });

        var response = await host.SendAsync(HttpMethod.Post, "/api/keys", new { role = "admin", scope = "lorestan" }, key: Reference);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await host.CountEntitiesAsync());
    }
}
