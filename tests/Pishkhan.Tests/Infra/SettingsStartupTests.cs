using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Infra;

/// <summary>Settings go through the options pattern (bound, checked at start-up): a bad value stops the host and names its key.</summary>
public sealed class SettingsStartupTests
{
    private static async Task<string> StartFailureAsync(string key, string value)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await TestHost.StartAsync(queues: [], timers: [], settings: new() { [key] = value });
        });
        return failure.ToString();
    }

    [Fact]
    public async Task AThursdayOfAbcHoursStopsTheHostAtStartNamingTheKey() =>
        Assert.Contains("Pishkhan:ThursdayWorkingHours", await StartFailureAsync("Pishkhan:ThursdayWorkingHours", "abc"));

    [Theory]
    [InlineData("Pishkhan:ThursdayWorkingHours", "30")]
    [InlineData("Pishkhan:MaxJsonBodyBytes", "0")]
    [InlineData("Pishkhan:RequestStatsFlushSeconds", "-1")]
    [InlineData("Pishkhan:RequestIntakeLingerMs", "-1")]
    [InlineData("Pishkhan:StorageNetworkTimeoutSeconds", "0")]
    [InlineData("Pishkhan:PublicBaseUrl", "not a url")]
    [InlineData("Pishkhan:PublicSiteUrl", "ftp://site.example")]
    public async Task AnOutOfRangeSettingStopsTheHostAtStartNamingTheKey(string key, string value)
    {
        var failure = await StartFailureAsync(key, value);
        Assert.Contains("OptionsValidationException", failure);
        Assert.Contains(key, failure);
    }

    [Fact]
    public void SettingsWhoseKeyIsNotTheirNameAreBoundFromTheirKey()
    {
        var settings = PishkhanSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pishkhan:Webhooks:AllowLoopback"] = "true",
            ["Pishkhan:Outbox:PickupDirectory"] = "/tmp/pishkhan-outbox",
            ["Pishkhan:ThursdayWorkingHours"] = "5.5",
            ["Pishkhan:PublicBaseUrl"] = "https://api.example/",
            ["Pishkhan:BootstrapAdminKey"] = "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/b)",
        }).Build());

        Assert.True(settings.AllowLoopbackWebhooks);
        Assert.Equal("/tmp/pishkhan-outbox", settings.PickupDirectory);
        Assert.Equal(5.5, settings.ThursdayWorkingHours);
        Assert.Equal("https://api.example", settings.PublicBaseUrl);
        Assert.Null(settings.BootstrapAdminKey);
    }
}
