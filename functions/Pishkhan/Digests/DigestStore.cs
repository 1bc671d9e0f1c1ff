using System.Text.Json;
using Azure.Data.Tables;
using Pishkhan.Storage;

namespace Pishkhan.Digests;

/// <summary>
/// Digests table: PK = province, RK = "{week}~{scope}" (week = the Jalali date of its Saturday,
/// "1405-09-15"; scope = "province" or "county-{code}"). Columns: Json0..JsonN (the DigestDocument as
/// JSON, cut into 30,000-character pieces because one string property holds at most 64 KiB), BuiltAt.
///
/// A digest is built once per scope and week and kept: every member of the scope receives the same
/// document, a re-run in the same week (a crash, POST /api/digests:send) re-sends nothing already sent,
/// and a single retried row (the notifications queue) renders exactly what its batch would have.
/// </summary>
public sealed class DigestStore(Store store, TimeProvider clock)
{
    private const int ChunkChars = 30_000;

    // Not the API's strict options: those leave nulls out when writing and then require them when reading.
    private static readonly JsonSerializerOptions StorageJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public TableClient Table { get; } = store.Table(Tables.Digests);

    public static string RowKey(string week, string scopeKey) => $"{week}~{scopeKey}";

    public async Task<DigestDocument?> GetAsync(string province, string week, string scopeKey, CancellationToken cancellationToken = default)
    {
        var entity = await Table.GetOrNullAsync<TableEntity>(province, RowKey(week, scopeKey), cancellationToken);
        return entity is null ? null : Read(entity);
    }

    /// <summary>The stored digest of that scope and week, or the one <paramref name="build"/> makes (first writer wins).</summary>
    public async Task<DigestDocument> GetOrAddAsync(string province, string week, string scopeKey, Func<Task<DigestDocument>> build,
        CancellationToken cancellationToken = default)
    {
        if (await GetAsync(province, week, scopeKey, cancellationToken) is { } existing) return existing;
        var doc = await build();
        var json = JsonSerializer.Serialize(doc, StorageJson);
        var entity = new TableEntity(province, RowKey(week, scopeKey)) { ["BuiltAt"] = clock.GetUtcNow() };
        for (int i = 0, n = 0; i < json.Length; i += ChunkChars, n++) entity["Json" + n] = json.Substring(i, Math.Min(ChunkChars, json.Length - i));
        if (await Table.TryAddAsync(entity, cancellationToken)) return doc;
        return await GetAsync(province, week, scopeKey, cancellationToken) ?? doc;
    }

    private static DigestDocument Read(TableEntity entity)
    {
        var json = string.Concat(Enumerable.Range(0, 40).Select(i => entity.GetString("Json" + i)).TakeWhile(s => s is not null));
        return JsonSerializer.Deserialize<DigestDocument>(json, StorageJson)!;
    }
}
