using Azure;
using Azure.Data.Tables;
using Pishkhan.Problems;

namespace Pishkhan.Storage;

/// <summary>
/// Directory table: PK = kind ("county", "office", "agency", "contract"), RK = code; columns Province,
/// County, Owner. Codes are unique across provinces, so every route can find a resource from its code
/// alone (a citizen knows an office code, not its province). A code is claimed by an insert before the
/// resource is written; a claim left without its resource (crash in between) is harmless: reads find no
/// resource and a retry by the same province succeeds.
/// </summary>
public sealed class DirectoryEntry : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Province { get; set; } = "";
    public string? County { get; set; }
    /// <summary>The parent key where the resource's partition is not the province (a contract's agency).</summary>
    public string? Owner { get; set; }
}

public static class DirectoryKinds
{
    public const string County = "county";
    public const string Office = "office";
    public const string Agency = "agency";
    public const string Contract = "contract";
}

public sealed class CodeDirectory(Store store)
{
    private readonly TableClient _table = store.Table(Tables.Directory);

    public Task<DirectoryEntry?> FindAsync(string kind, string code, CancellationToken cancellationToken) =>
        _table.GetOrNullAsync<DirectoryEntry>(kind, code, cancellationToken);

    /// <summary>The codes of one kind a province holds (one partition, a column filter): what a bulk claim compares with.</summary>
    public async Task<Dictionary<string, DirectoryEntry>> ListAsync(string kind, string province, CancellationToken cancellationToken) =>
        (await _table.ListAsync<DirectoryEntry>(TableClient.CreateQueryFilter($"PartitionKey eq {kind} and Province eq {province}"), cancellationToken))
            .ToDictionary(e => e.RowKey, StringComparer.Ordinal);

    /// <summary>
    /// Claims up to 100 codes of one kind for <paramref name="province"/> in one entity-group transaction, given what
    /// the province already holds (<see cref="ListAsync"/>): new codes are inserted, a changed county is replaced
    /// under its ETag, unchanged ones are left alone. False when the transaction fails (a code another province
    /// holds, a concurrent change): nothing was written, and the caller claims those codes one by one.
    /// </summary>
    public async Task<bool> TryClaimManyAsync(string kind, string province, IReadOnlyList<(string Code, string? County)> claims,
        IReadOnlyDictionary<string, DirectoryEntry> held, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction>();
        foreach (var (code, county) in claims)
        {
            var entry = new DirectoryEntry { PartitionKey = kind, RowKey = code, Province = province, County = county };
            if (!held.TryGetValue(code, out var existing)) actions.Add(new(TableTransactionActionType.Add, entry));
            else if (existing.County != county || existing.Owner is not null) actions.Add(new(TableTransactionActionType.UpdateReplace, entry, existing.ETag));
        }
        return await SubmitAsync(_table, actions, cancellationToken);
    }

    internal static async Task<bool> SubmitAsync(TableClient table, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        if (actions.Count == 0) return true;
        if (actions.Count > 100) throw new ArgumentException("An entity-group transaction holds at most 100 operations.", nameof(actions));
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Claims <paramref name="code"/> for a province (and county/owner, which may change within the
    /// province). 409 when another province holds it.
    /// </summary>
    public async Task ClaimAsync(string kind, string code, string province, string? county, string? owner, CancellationToken cancellationToken)
    {
        var entry = new DirectoryEntry { PartitionKey = kind, RowKey = code, Province = province, County = county, Owner = owner };
        if (await _table.TryAddAsync(entry, cancellationToken)) return;
        var existing = await FindAsync(kind, code, cancellationToken);
        if (existing is null || existing.Province != province || (owner is not null && existing.Owner is not null && existing.Owner != owner))
            throw Problem.Conflict($"The {kind} code '{code}' is already used elsewhere.");
        if (existing.County != county || existing.Owner != owner)
        {
            entry.ETag = existing.ETag;
            if (!await _table.TryReplaceAsync(entry, cancellationToken)) throw Problem.ChangedConcurrently($"{kind} '{code}'");
        }
    }
}
