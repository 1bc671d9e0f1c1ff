using Azure;
using Azure.Data.Tables;
using Pishkhan.Problems;

namespace Pishkhan.Storage;

/// <summary>A row as already read (null: it did not exist), for <see cref="TableExtensions.UpdateWithRetryAsync"/>.</summary>
public readonly record struct KnownRow<T>(T? Row) where T : class;

/// <summary>
/// A one-off job per storage account (a backfill for an index that came after its data): done once, then a marker row
/// says so. Run twice concurrently, the job repeats harmlessly (it must be idempotent, as upserts are).
/// </summary>
public static class Once
{
    public static async Task RunAsync(TableClient table, string marker, Func<Task> job, CancellationToken cancellationToken)
    {
        if (await table.GetOrNullAsync<TableEntity>(Partition, marker, cancellationToken) is not null) return;
        await job();
        await table.TryAddAsync(new TableEntity(Partition, marker), cancellationToken);
    }

    /// <summary>The marker rows' partition, in the job's own table ('~' sorts after the tables' data partitions).</summary>
    public const string Partition = "~backfill";
}

public static class TableExtensions
{
    /// <summary>Point read that maps 404 to null.</summary>
    public static async Task<T?> GetOrNullAsync<T>(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        var response = await table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Inserts; false when the row already exists (the idempotency signal of deterministic keys).</summary>
    public static async Task<bool> TryAddAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken = default)
        where T : ITableEntity
    {
        try
        {
            var response = await table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces only if the ETag still matches; false on 412 (someone else wrote first).</summary>
    public static async Task<bool> TryReplaceAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken = default)
        where T : ITableEntity
    {
        try
        {
            var response = await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Inserts, telling a lost answer apart (README "Lost answers"): on a 409 the stored row is read, and when
    /// <paramref name="isOwnWrite"/> says it is this very write (stored, but its answer lost to the network timeout, so
    /// the client's retry met it) it counts as added. Returns whether it was added, and the row as stored (the entity
    /// itself, or the row read after the 409: null when gone), so the caller need not read it again.
    /// </summary>
    public static async Task<(bool Added, T? Stored)> TryAddOwnAsync<T>(this TableClient table, T entity, Func<T, bool> isOwnWrite,
        CancellationToken cancellationToken = default) where T : class, ITableEntity
    {
        if (await table.TryAddAsync(entity, cancellationToken)) return (true, entity);
        var stored = await table.GetOrNullAsync<T>(entity.PartitionKey, entity.RowKey, cancellationToken);
        return (stored is not null && isOwnWrite(stored), stored);
    }

    /// <summary>
    /// Replaces under the ETag, telling a lost answer apart (README "Lost answers"): on a 412 the stored row is read,
    /// and when <paramref name="isOwnWrite"/> says it is this very write (stored, but its answer lost to the network
    /// timeout, so the client's retry met the ETag the write had moved on) it counts as written and the entity takes
    /// the stored ETag. Otherwise false, with the row as read (null when gone), so the caller need not read it again.
    /// </summary>
    public static async Task<(bool Written, T? Current)> TryReplaceOwnAsync<T>(this TableClient table, T entity, Func<T, bool> isOwnWrite,
        CancellationToken cancellationToken = default) where T : class, ITableEntity
    {
        if (await table.TryReplaceAsync(entity, cancellationToken)) return (true, entity);
        var current = await table.GetOrNullAsync<T>(entity.PartitionKey, entity.RowKey, cancellationToken);
        if (current is null || !isOwnWrite(current)) return (false, current);
        entity.ETag = current.ETag;
        return (true, entity);
    }

    /// <summary>
    /// Read-modify-write with optimistic concurrency: reads, applies <paramref name="change"/>, writes with
    /// the ETag, and starts over when another writer won. <paramref name="change"/> returns null to
    /// leave the entity as it is (nothing to do). When other writers win every attempt: a 409 problem
    /// ("changed concurrently; retry"), which an HTTP caller gets as problem details and a queue message as a retry.
    /// </summary>
    /// <param name="firstRead">The row as the caller read it shortly before (with its ETag; <c>new(null)</c>: it was absent):
    /// the first attempt decides on it instead of reading again. If it changed since, the write fails on its ETag and the next attempt reads.</param>
    /// <param name="beforeWrite">Runs on each entity about to be written, before the write (an index row that must never lag the entity).</param>
    /// <param name="what">What the 409 says changed ("The {what} changed concurrently; retry.").</param>
    /// <param name="isOwnWrite">(stored, written): whether the row read after a 409/412 is this very write, stored but its
    /// answer lost (see <see cref="TryReplaceOwnAsync"/>); then it counts as written. Only for changes that stamp
    /// something of their own (a version and a timeline): a counter's equal result is not the same write.</param>
    public static async Task<T?> UpdateWithRetryAsync<T>(this TableClient table, string partitionKey, string rowKey,
        Func<T?, T?> change, CancellationToken cancellationToken = default, int attempts = 20, KnownRow<T>? firstRead = null,
        Func<T, Task>? beforeWrite = null, string what = "resource", Func<T, T, bool>? isOwnWrite = null)
        where T : class, ITableEntity
    {
        var known = firstRead;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var current = known is { } k ? k.Row : await table.GetOrNullAsync<T>(partitionKey, rowKey, cancellationToken);
            known = null;
            var next = change(current);
            if (next is null) return current;
            if (beforeWrite is not null) await beforeWrite(next);
            if (isOwnWrite is null)
            {
                var written = current is null
                    ? await table.TryAddAsync(next, cancellationToken)
                    : await table.TryReplaceAsync(next, cancellationToken);
                if (written) return next;
            }
            else
            {
                // The row read after the conflict is the next attempt's: no second read.
                var (written, stored) = current is null
                    ? await table.TryAddOwnAsync(next, stored => isOwnWrite(stored, next), cancellationToken)
                    : await table.TryReplaceOwnAsync(next, stored => isOwnWrite(stored, next), cancellationToken);
                if (written) return current is null ? stored : next;
                known = new KnownRow<T>(stored);
            }
            await Task.Delay(Random.Shared.Next(1, 5 + attempt * 5), cancellationToken);
        }
        throw Problem.ChangedConcurrently(what);
    }

    /// <summary>One page of a query: at most <paramref name="pageSize"/> items and the token for the next page.</summary>
    public static async Task<(List<T> Items, string? ContinuationToken)> PageAsync<T>(this TableClient table, string? filter,
        int pageSize, string? continuationToken, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        await foreach (var page in table.QueryAsync<T>(filter, pageSize, cancellationToken: cancellationToken)
                           .AsPages(continuationToken, pageSize))
        {
            return (page.Values.ToList(), page.ContinuationToken);
        }
        return ([], null);
    }

    /// <summary>
    /// One page of a query over several partitions, read partition by partition in the order given (each query
    /// names its PartitionKey, so no full-table scan), up to <paramref name="parallelism"/> partitions at a time.
    /// The token is "{partition} {last RowKey returned}": the next page resumes after that row, so rows are never
    /// skipped or repeated whatever the storage service's own paging does. <paramref name="filter"/> is the rest of
    /// the condition (built with CreateQueryFilter), or null.
    /// </summary>
    public static async Task<(List<T> Items, string? ContinuationToken)> PageAcrossPartitionsAsync<T>(this TableClient table,
        IReadOnlyList<string> partitions, string? filter, int pageSize, string? continuationToken, CancellationToken cancellationToken = default,
        int parallelism = 16)
        where T : class, ITableEntity
    {
        var (startPartition, afterRow) = continuationToken?.Split(' ', 2) is [var p, var r] ? (p, r) : ("", null);
        var pending = partitions.Where(p => string.CompareOrdinal(p, startPartition) >= 0).ToList();
        var items = new List<T>();
        foreach (var chunk in pending.Chunk(parallelism))
        {
            var wanted = pageSize - items.Count;
            string? After(string partition) => partition == startPartition ? afterRow : null;
            var pages = await Task.WhenAll(chunk.Select(partition =>
            {
                var condition = InPartition(partition, filter);
                if (After(partition) is { } after) condition += " and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
                return table.PageAsync<T>(condition, wanted, null, cancellationToken);
            }));
            for (var i = 0; i < chunk.Length; i++)
            {
                var (rows, more) = pages[i];
                foreach (var row in rows)
                {
                    items.Add(row);
                    if (items.Count == pageSize) return (items, $"{chunk[i]} {row.RowKey}");
                }
                // The service stopped early inside this partition: resume there.
                if (more is not null) return (items, $"{chunk[i]} {(rows.Count > 0 ? rows[^1].RowKey : After(chunk[i]) ?? "")}");
            }
        }
        return (items, null);
    }

    /// <summary>
    /// Every row of <paramref name="partitions"/> that matches <paramref name="filter"/> (or all), read partition by
    /// partition, <paramref name="parallelism"/> at a time: each query names its PartitionKey, so no full-table scan.
    /// </summary>
    public static async Task<List<T>> ListAcrossPartitionsAsync<T>(this TableClient table, IEnumerable<string> partitions, string? filter,
        CancellationToken cancellationToken = default, IEnumerable<string>? select = null, int parallelism = 8)
        where T : class, ITableEntity
    {
        var rows = new List<T>();
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (partition, ct) =>
            {
                var here = new List<T>();
                await foreach (var row in table.QueryAsync<T>(InPartition(partition, filter), select: select, cancellationToken: ct)) here.Add(row);
                lock (rows) rows.AddRange(here);
            });
        return rows;
    }

    /// <summary>The partition's condition and the rest of the filter (built with CreateQueryFilter), if any.</summary>
    private static string InPartition(string partition, string? filter) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partition}") + (filter is null ? "" : " and (" + filter + ")");

    public static async Task<List<T>> ListAsync<T>(this TableClient table, string? filter, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        var list = new List<T>();
        await foreach (var e in table.QueryAsync<T>(filter, cancellationToken: cancellationToken)) list.Add(e);
        return list;
    }
}
