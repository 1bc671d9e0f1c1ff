using Microsoft.Extensions.Caching.Memory;
using Pishkhan.Agencies;
using Pishkhan.Contracts;
using Pishkhan.Offices;

namespace Pishkhan.Requests;

/// <summary>
/// Reference data the intake reads on every call (contract, office, a county's offices, agency, ranks), cached
/// for a few seconds like API keys are: a change by an admin is seen within <see cref="Ttl"/>. Intake
/// then costs no read before its writes. Misses are cached too (an unknown contract stays unknown for
/// the TTL), which keeps a flood of bad requests off storage. Loads ignore the caller's cancellation: other
/// callers may be waiting for the same load.
/// </summary>
public sealed class ReferenceCache(ContractStore contracts, OfficeStore offices, AgencyStore agencies, Rankings.RankingStore rankings) : IDisposable
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private readonly TtlCache<string, ContractEntity?> _contracts = new();
    private readonly TtlCache<string, OfficeEntity?> _offices = new();
    private readonly TtlCache<(string Province, string County), List<OfficeEntity>> _countyOffices = new();
    private readonly TtlCache<string, AgencyEntity?> _agencies = new();
    private readonly TtlCache<string, Dictionary<string, int?>> _ranks = new();

    public Task<ContractEntity?> ContractAsync(string contractId, CancellationToken cancellationToken) =>
        _contracts.GetAsync(contractId, () => contracts.FindAsync(contractId, CancellationToken.None));

    public Task<OfficeEntity?> OfficeAsync(string officeCode, CancellationToken cancellationToken) =>
        _offices.GetAsync(officeCode, () => offices.FindAsync(officeCode, CancellationToken.None));

    public Task<List<OfficeEntity>> CountyOfficesAsync(string province, string countyCode, CancellationToken cancellationToken) =>
        _countyOffices.GetAsync((province, countyCode), () => offices.ListAsync(province, countyCode, CancellationToken.None));

    public Task<AgencyEntity?> AgencyAsync(string agencyId, CancellationToken cancellationToken) =>
        _agencies.GetAsync(agencyId, () => agencies.FindAsync(agencyId, CancellationToken.None));

    /// <summary>Each office's province rank in the latest published ranking of the province (empty before the first).</summary>
    public Task<Dictionary<string, int?>> LatestRanksAsync(string province, CancellationToken cancellationToken) =>
        _ranks.GetAsync(province, async () =>
        {
            var latest = await rankings.GetLatestAsync(province, CancellationToken.None);
            if (latest is null) return new Dictionary<string, int?>();
            var rows = await rankings.ListRowsAsync(province, latest.Period, null, CancellationToken.None);
            return rows.ToDictionary(r => r.RowKey, r => r.ProvinceRank, StringComparer.Ordinal);
        });

    /// <summary>Drops a cached agency (its webhook changed through this instance).</summary>
    public void ForgetAgency(string agencyId) => _agencies.Remove(agencyId);

    /// <summary>Entries of each cache (each at most <see cref="TtlCache{TKey,TValue}.MaxEntries"/>).</summary>
    internal IReadOnlyList<int> Counts => [_contracts.Count, _offices.Count, _countyOffices.Count, _agencies.Count, _ranks.Count];

    public void Dispose()
    {
        _contracts.Dispose();
        _offices.Dispose();
        _countyOffices.Dispose();
        _agencies.Dispose();
        _ranks.Dispose();
    }
}

/// <summary>
/// A loaded value per key for <see cref="ReferenceCache.Ttl"/>, at most <see cref="MaxEntries"/> keys (MemoryCache
/// with SizeLimit: past it a new entry is not kept and older ones are compacted), so a flood of made-up codes
/// costs reads, never memory. The pending load is what is cached, so concurrent callers share one read; a
/// failed load is never kept.
/// </summary>
internal sealed class TtlCache<TKey, TValue> : IDisposable where TKey : notnull
{
    public const int MaxEntries = 10_000;
    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public int Count => _entries.Count;

    public async Task<TValue> GetAsync(TKey key, Func<Task<TValue>> load)
    {
        if (_entries.TryGetValue(key, out Task<TValue>? hit)) return await hit!;
        var task = load();
        _ = _entries.Set(key, task, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = ReferenceCache.Ttl });
        try
        {
            return await task;
        }
        catch
        {
            _entries.Remove(key); // never cache a failure
            throw;
        }
    }

    public void Remove(TKey key) => _entries.Remove(key);

    public void Dispose() => _entries.Dispose();
}
