using System.Buffers.Text;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using Pishkhan.Storage;

namespace Pishkhan.Auth;

/// <summary>
/// ApiKeys table: PK = keyId, RK = "key". Only the SHA-256 of the key is stored (keys carry 256 bits of
/// randomness, so a fast hash is enough). A key reads "pk_{keyId}_{secret}" so the id is a point read.
/// CreatedBy is the issuing key's id; Person the key id at the root of the issuing chain. A key issued by a
/// key belongs to the issuer's person (the issuer saw it, so may hold it); a key issued by the bootstrap key
/// starts a person of its own (that is how the first people get their keys; retire the bootstrap key after).
/// </summary>
public sealed class ApiKeyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "key";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string KeyId => PartitionKey;
    public string Hash { get; set; } = "";
    public string Role { get; set; } = "";
    public string? Province { get; set; }
    public string? County { get; set; }
    public string? Subject { get; set; }
    public string? Label { get; set; }
    public string CreatedBy { get; set; } = "";
    /// <summary>Null on keys issued before issuers were recorded: then resolved from the CreatedBy chain.</summary>
    public string? Person { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

public sealed class ApiKeys(Store store, PishkhanSettings settings, TimeProvider clock) : IDisposable
{
    public const string BootstrapKeyId = "bootstrap";

    // Validated keys are cached briefly so a hot path (request intake) costs no extra read per call.
    // Revocation through this instance evicts at once; other instances see it within ValidTtl.
    // Both caches are bounded (MemoryCache with SizeLimit: past the bound a new entry is not kept and older
    // ones are compacted), so a spray of made-up keys costs reads, never memory. Valid keys are cached by key
    // id (value: the key's hash and its caller), refused ones by the hash of what was presented, never by the
    // presented secret itself; refusals only briefly, so a key issued meanwhile works within RefusedTtl.
    public const int ValidCacheSize = 10_000;
    public const int RefusedCacheSize = 1_000;
    private static readonly TimeSpan ValidTtl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RefusedTtl = TimeSpan.FromSeconds(2);
    private readonly MemoryCache _valid = new(new MemoryCacheOptions { SizeLimit = ValidCacheSize });
    private readonly MemoryCache _refused = new(new MemoryCacheOptions { SizeLimit = RefusedCacheSize });
    private readonly TableClient _table = store.Table(Tables.ApiKeys);
    private readonly byte[]? _bootstrapHash = settings.BootstrapAdminKey is { Length: > 0 } k ? SHA256.HashData(Encoding.UTF8.GetBytes(k)) : null;

    /// <summary>Entries held by the two caches (each at most its size limit).</summary>
    public (int Valid, int Refused) CachedEntries => (_valid.Count, _refused.Count);

    public async Task<Caller?> AuthenticateAsync(string? presented, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 200) return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        if (_bootstrapHash is not null && CryptographicOperations.FixedTimeEquals(hash, _bootstrapHash))
            return new Caller(Auth.Role.Admin, null, null, null, BootstrapKeyId, BootstrapKeyId);

        if (!TryParseKeyId(presented, out var keyId)) return null;
        if (_valid.TryGetValue(keyId, out ValidKey? hit) && CryptographicOperations.FixedTimeEquals(hash, hit!.Hash)) return hit.Caller;
        var hashKey = Convert.ToHexString(hash);
        if (_refused.TryGetValue(hashKey, out _)) return null;

        var entity = await _table.GetOrNullAsync<ApiKeyEntity>(keyId, "key", cancellationToken);
        Caller? caller = null;
        if (entity is { RevokedAt: null } && CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(entity.Hash))
            && Enum.TryParse<Role>(entity.Role, out var role))
            caller = new Caller(role, entity.Province, entity.County, entity.Subject, entity.KeyId, await PersonOfAsync(entity, cancellationToken));
        if (caller is null)
            _refused.Set(hashKey, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = RefusedTtl });
        else
            _valid.Set(keyId, new ValidKey(hash, caller), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = ValidTtl });
        return caller;
    }

    private sealed record ValidKey(byte[] Hash, Caller Caller);

    public async Task<(ApiKeyEntity Entity, string Key)> IssueAsync(Role role, string? province, string? county, string? subject,
        string? label, Caller issuer, CancellationToken cancellationToken)
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var person = issuer.IsBootstrap ? keyId : issuer.PersonId;
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var key = $"pk_{keyId}_{secret}";
        var entity = new ApiKeyEntity
        {
            PartitionKey = keyId,
            Hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
            Role = role.ToString(),
            Province = province,
            County = county,
            Subject = subject,
            Label = label,
            CreatedBy = issuer.KeyId,
            Person = person,
            CreatedAt = clock.GetUtcNow(),
        };
        await _table.AddEntityAsync(entity, cancellationToken);
        return (entity, key);
    }

    public Task<ApiKeyEntity?> GetAsync(string keyId, CancellationToken cancellationToken) =>
        _table.GetOrNullAsync<ApiKeyEntity>(keyId, "key", cancellationToken);

    /// <summary>The key's person: as stored, or (older keys) the root of its CreatedBy chain, at most 16 issuers up.</summary>
    public async Task<string> PersonOfAsync(ApiKeyEntity entity, CancellationToken cancellationToken)
    {
        var current = entity;
        for (var hop = 0; hop < 16; hop++)
        {
            if (current.Person is { Length: > 0 } person) return person;
            if (current.CreatedBy is "" or BootstrapKeyId || current.CreatedBy == current.KeyId) return current.KeyId;
            var issuer = await GetAsync(current.CreatedBy, cancellationToken);
            if (issuer is null) return current.KeyId;
            current = issuer;
        }
        return current.KeyId;
    }

    /// <summary>Marks the key revoked (ETag-guarded) and evicts it from this instance's cache.</summary>
    public async Task RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        await _table.UpdateWithRetryAsync<ApiKeyEntity>(keyId, "key", current =>
        {
            if (current is null || current.RevokedAt is not null) return null;
            current.RevokedAt = clock.GetUtcNow();
            return current;
        }, cancellationToken);
        _valid.Remove(keyId);
    }

    public void Dispose()
    {
        _valid.Dispose();
        _refused.Dispose();
    }

    private static bool TryParseKeyId(string key, out string keyId)
    {
        keyId = "";
        // The secret may itself contain '_' (base64url); keys issued before used '~' there and still parse.
        var parts = key.Split('_', 3);
        if (parts.Length != 3 || parts[0] != "pk" || parts[1].Length != 16 || !parts[1].All(Uri.IsHexDigit)) return false;
        keyId = parts[1];
        return true;
    }
}
