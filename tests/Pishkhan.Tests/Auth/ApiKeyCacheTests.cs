using System.Security.Cryptography;
using Pishkhan.Auth;
using Pishkhan.Requests;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Auth;

/// <summary>The key cache is bounded: a spray of made-up keys costs reads, never memory.</summary>
public sealed class ApiKeyCacheTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly Caller Bootstrap = new(Role.Admin, null, null, null, ApiKeys.BootstrapKeyId);

    private ApiKeys Keys => fixture.Host.Services.GetRequiredService<ApiKeys>();

    [Fact]
    public async Task ASprayOfDistinctBadKeysLeavesTheCacheAtItsBound()
    {
        var (_, good) = await Keys.IssueAsync(Role.Member, "ilam", null, null, null, Bootstrap, default);
        Assert.NotNull(await Keys.AuthenticateAsync(good, default));

        var spray = ApiKeys.RefusedCacheSize + 300;
        var bad = Enumerable.Range(0, spray).Select(_ => $"pk_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}_guess").ToList();
        await Parallel.ForEachAsync(bad, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (key, ct) => Assert.Null(await Keys.AuthenticateAsync(key, ct)));

        var (valid, refused) = Keys.CachedEntries;
        Assert.InRange(refused, 1, ApiKeys.RefusedCacheSize);
        Assert.InRange(valid, 1, ApiKeys.ValidCacheSize);
        // Refusals are cached apart from valid keys: the spray did not push the good key out.
        Assert.NotNull(await Keys.AuthenticateAsync(good, default));
    }

    [Fact]
    public async Task AWrongSecretForARealKeyIdIsRefusedAndDoesNotDisplaceTheValidEntry()
    {
        var (entity, good) = await Keys.IssueAsync(Role.Member, "ilam", null, null, null, Bootstrap, default);
        Assert.NotNull(await Keys.AuthenticateAsync(good, default));
        Assert.Null(await Keys.AuthenticateAsync($"pk_{entity.KeyId}_not-the-secret", default));
        Assert.Equal(entity.KeyId, (await Keys.AuthenticateAsync(good, default))?.KeyId);
        await Keys.RevokeAsync(entity.KeyId, default);
        Assert.Null(await Keys.AuthenticateAsync(good, default));
    }

    [Fact]
    public async Task TheReferenceCacheStaysAtItsBoundUnderAFloodOfUnknownCodes()
    {
        using var cache = new TtlCache<string, string?>();
        for (var i = 0; i < TtlCache<string, string?>.MaxEntries + 500; i++)
            Assert.Null(await cache.GetAsync($"unknown-{i}", () => Task.FromResult<string?>(null)));
        Assert.InRange(cache.Count, 1, TtlCache<string, string?>.MaxEntries);
    }
}
