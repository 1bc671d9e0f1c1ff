using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Pishkhan.Auth;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Auth;

public sealed class ApiKeySecretTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly Caller Bootstrap = new(Role.Admin, null, null, null, ApiKeys.BootstrapKeyId);

    private ApiKeys Keys => fixture.Host.Services.GetRequiredService<ApiKeys>();

    [Fact]
    public async Task SecretsAreBase64UrlOf32RandomBytesAndAuthenticate()
    {
        // 20 keys: about half of all secrets hold a '_' (the separator of pk_{id}_{secret}) and half a '-'.
        for (var i = 0; i < 20; i++)
        {
            var (_, key) = await Keys.IssueAsync(Role.Member, "ilam", null, null, null, Bootstrap, default);
            var secret = key.Split('_', 3)[2];
            Assert.Equal(32, Base64Url.DecodeFromChars(secret).Length);
            Assert.NotNull(await Keys.AuthenticateAsync(key, default));
        }
    }

    [Fact]
    public async Task AKeyIssuedWithTheEarlierTildeAlphabetStillAuthenticates()
    {
        // Keys issued before had '~' where base64url has '_'; only their hash is stored, so they still work.
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var key = $"pk_{keyId}_Ab~cD-efGH~ijklmnopqrstuvwxyz0123456789AB-";
        await fixture.Host.Table(Tables.ApiKeys).AddEntityAsync(new ApiKeyEntity
        {
            PartitionKey = keyId, Hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))), Role = nameof(Role.Member),
            Province = "ilam", CreatedBy = ApiKeys.BootstrapKeyId, CreatedAt = DateTimeOffset.UtcNow,
        });
        Assert.Equal(keyId, (await Keys.AuthenticateAsync(key, default))?.KeyId);
    }
}
