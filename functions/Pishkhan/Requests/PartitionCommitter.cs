using Pishkhan.Storage;
using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace Pishkhan.Requests;

/// <summary>A row a committer can hold in its working set: a table entity that copies itself.</summary>
public interface IRow : ITableEntity
{
    IRow Copy();
}

/// <summary>How a unit wants a row before it decides.</summary>
public enum RowLoad
{
    /// <summary>Point-read it (or use the committer's cached copy when it is fresh).</summary>
    Read,
    /// <summary>A fresh random key: assume it does not exist; a 409 on insert makes the next attempt read it.</summary>
    AssumeAbsent,
    /// <summary>Assume it exists (delete without reading); a 404 makes the next attempt read it.</summary>
    AssumePresent,
}

/// <summary>
/// A row a unit reads or writes. <see cref="Pinned"/> rows stay cached between batches (counters).
/// <see cref="Given"/> is the row as the caller has just read it (with its ETag): the first attempt decides on it
/// without reading it again; if it has changed since, the write fails on its ETag and the next attempt reads it.
/// </summary>
public sealed record RowRef(string RowKey, Func<TableClient, string, string, CancellationToken, Task<IRow?>> Loader, RowLoad Load = RowLoad.Read,
    bool Pinned = false, IRow? Given = null)
{
    public static RowRef For<T>(string rowKey, RowLoad load = RowLoad.Read, bool pinned = false) where T : class, IRow, new() =>
        new(rowKey, LoadAsync<T>, load, pinned);

    /// <summary>A row the caller read just before (saves the committer's read of it).</summary>
    public static RowRef Known<T>(T row) where T : class, IRow, new() => new(row.RowKey, LoadAsync<T>, Given: row.Copy());

    private static async Task<IRow?> LoadAsync<T>(TableClient table, string pk, string rk, CancellationToken cancellationToken) where T : class, IRow, new()
    {
        var response = await table.GetEntityIfExistsAsync<T>(pk, rk, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }
}

/// <summary>
/// One change to a partition: it names the rows it needs, then decides against the working set (reading
/// rows with Get, writing with Put/Delete) and returns its result. Decide may run several times (after a
/// conflict it runs again on fresh rows), so it must depend only on the rows and its own fields. Throwing
/// (e.g. Problem.Conflict) fails only this unit; its writes are rolled back.
/// </summary>
public abstract class Unit<T>
{
    public abstract IEnumerable<RowRef> Rows { get; }
    public abstract T Decide(WorkingSet rows);
}

/// <summary>The rows of one batch: every unit of the batch sees the writes of the units before it.</summary>
public sealed class WorkingSet
{
    internal sealed class Slot
    {
        public IRow? Original;          // as stored (with its ETag); null = absent
        public bool Known;              // Original was read (or written) by us; false = assumed
        public RowLoad Assumption;
        public IRow? Current;           // after the units so far
        public bool Touched;
        public bool Pinned;
    }

    internal readonly Dictionary<string, Slot> Slots = new(StringComparer.Ordinal);
    private List<(string RowKey, IRow? Current, bool Touched)>? _journal;

    /// <summary>A private copy of the row's current state (null when absent); write it back with <see cref="Put"/>.</summary>
    public TRow? Get<TRow>(string rowKey) where TRow : class, IRow =>
        SlotOf(rowKey).Current is { } row ? (TRow)row.Copy() : null;

    public bool Exists(string rowKey) => SlotOf(rowKey).Current is not null;

    public void Put(IRow row)
    {
        var slot = SlotOf(row.RowKey);
        Remember(row.RowKey, slot);
        slot.Current = row.Copy();
        slot.Touched = true;
    }

    public void Delete(string rowKey)
    {
        var slot = SlotOf(rowKey);
        if (slot.Current is null) return;
        Remember(rowKey, slot);
        slot.Current = null;
        slot.Touched = true;
    }

    private Slot SlotOf(string rowKey) =>
        Slots.TryGetValue(rowKey, out var slot) ? slot : throw new InvalidOperationException($"Row '{rowKey}' was not declared by the unit.");

    private void Remember(string rowKey, Slot slot) => _journal?.Add((rowKey, slot.Current, slot.Touched));

    internal void Begin() => _journal = [];

    internal void Rollback()
    {
        if (_journal is null) return;
        for (var i = _journal.Count - 1; i >= 0; i--)
        {
            var (rk, current, touched) = _journal[i];
            Slots[rk].Current = current;
            Slots[rk].Touched = touched;
        }
        _journal = null;
    }

    internal void End() => _journal = null;

    /// <summary>How many operations the batch would send now.</summary>
    internal int ActionCount => Slots.Values.Count(s => s.Touched && !(s.Original is null && s.Current is null));
}

/// <summary>
/// Group commit for one table partition. Concurrent callers submit units; while one entity-group
/// transaction is in flight the next units queue up, and the following transaction carries all of them
/// (up to 100 operations). Every unit decides against the rows as they will be after the units before
/// it, so units that touch the same row (a counter, a request) are serialised correctly inside a batch;
/// rows are written with their ETags, so writers elsewhere (other instances) are detected (412) and the
/// batch is decided again on re-read rows. A unit's result is released only after its batch committed.
///
/// Why: Azure Table Storage (and Azurite) charge per round trip; one transaction of many entities costs
/// about one insert. Pinned rows (per-partition counters) are cached with their ETags, so the hot path
/// needs no read before writing.
/// </summary>
public sealed class PartitionCommitter(TableClient table, string partitionKey)
{
    public const int MaxActions = 100;
    private const int MaxAttempts = 16;

    private sealed class Pending(Func<WorkingSet, object?> decide, IReadOnlyList<RowRef> rows, long sendBy)
    {
        public readonly Func<WorkingSet, object?> Decide = decide;
        public readonly IReadOnlyList<RowRef> Rows = rows;
        /// <summary>Environment.TickCount64 by which the unit's batch must be sent (0: at once).</summary>
        public readonly long SendBy = sendBy;
        public readonly TaskCompletionSource<object?> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public object? Result;
        public Exception? Failure;
        /// <summary>The storage-call tally of the operation that queued the unit.</summary>
        public readonly StorageCalls.Tally? Calls = StorageCalls.Active;
    }

    private sealed record Cached(IRow? Row, DateTimeOffset LoadedAt);

    private readonly object _gate = new();
    private readonly List<Pending> _queue = [];
    private bool _running;
    private TaskCompletionSource? _wake;   // set while the loop lingers; a unit that may not wait ends the linger
    private readonly ConcurrentDictionary<string, Cached> _pinned = new(StringComparer.Ordinal);

    public string PartitionKey { get; } = partitionKey;
    public TableClient Table { get; } = table;

    public Task<T> SubmitAsync<T>(Unit<T> unit, CancellationToken cancellationToken = default) => SubmitAsync(unit, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Queues <paramref name="unit"/>. With a <paramref name="linger"/> (work nobody is waiting for), its batch may
    /// wait up to that long for more units to ride along: fewer, fuller transactions. A unit without one is sent
    /// with the next transaction and ends any linger.
    /// </summary>
    public async Task<T> SubmitAsync<T>(Unit<T> unit, TimeSpan linger, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(ws => unit.Decide(ws), unit.Rows.ToList(), linger > TimeSpan.Zero ? Environment.TickCount64 + (long)linger.TotalMilliseconds : 0);
        bool start;
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            _queue.Add(pending);
            start = !_running;
            _running = true;
            if (pending.SendBy == 0) (wake, _wake) = (_wake, null);
        }
        wake?.TrySetResult();
        // The loop serves every caller of this partition: it runs outside any one operation's call tally.
        if (start) _ = StorageCalls.RunDetached(RunAsync);
        // Once queued, a unit runs to its end even if the caller stops waiting (its outcome stays consistent).
        return (T)(await pending.Done.Task.WaitAsync(cancellationToken))!;
    }

    /// <summary>Returns once every unit queued before the call is committed (at once when nothing is queued or lingering).</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
            if (!_running) return Task.CompletedTask;
        return SubmitAsync(Nothing.Instance, cancellationToken);
    }

    private sealed class Nothing : Unit<bool>
    {
        public static readonly Nothing Instance = new();
        public override IEnumerable<RowRef> Rows => [];
        public override bool Decide(WorkingSet rows) => true;
    }

    /// <summary>A pinned row as cached (read when missing or older than <paramref name="maxAge"/>).</summary>
    public async Task<TRow?> PeekAsync<TRow>(string rowKey, TimeSpan maxAge, CancellationToken cancellationToken = default)
        where TRow : class, IRow, new()
    {
        var now = DateTimeOffset.UtcNow;
        if (_pinned.TryGetValue(rowKey, out var cached) && now - cached.LoadedAt <= maxAge) return (TRow?)cached.Row?.Copy();
        var row = await RowRef.For<TRow>(rowKey).Loader(Table, PartitionKey, rowKey, cancellationToken);
        _pinned[rowKey] = new Cached(row, now);
        return (TRow?)row?.Copy();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            List<Pending> batch;
            Task? linger = null;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _running = false;
                    return;
                }
                var wait = _queue.Min(p => p.SendBy) - Environment.TickCount64;
                if (wait > 0)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    linger = Task.WhenAny(Task.Delay(TimeSpan.FromMilliseconds(wait)), _wake.Task);
                    batch = [];
                }
                else
                {
                    _wake = null;
                    batch = [.. _queue];
                    _queue.Clear();
                }
            }
            if (linger is not null)
            {
                await linger;
                continue;
            }
            StorageCalls.CountFor(batch.Select(p => p.Calls));
            var deferred = await CommitAsync(batch);
            if (deferred.Count > 0)
                lock (_gate) _queue.InsertRange(0, deferred);
        }
    }

    /// <summary>Commits as many units as fit in one transaction; returns the ones that did not fit.</summary>
    private async Task<List<Pending>> CommitAsync(List<Pending> units)
    {
        var known = new Dictionary<string, IRow?>(StringComparer.Ordinal);   // rows read during this commit
        var mustRead = new HashSet<string>(StringComparer.Ordinal);          // assumptions that proved wrong
        var deferred = new List<Pending>();
        for (var attempt = 0; ; attempt++)
        {
            WorkingSet ws;
            List<Pending> included;
            try
            {
                ws = await LoadAsync(units, known, mustRead);
                (included, deferred) = Decide(ws, units);
            }
            catch (Exception e)
            {
                FailAll(units, e);
                return [];
            }

            var actions = new List<TableTransactionAction>();
            var slotsInOrder = new List<(string RowKey, WorkingSet.Slot Slot)>();
            foreach (var (rk, slot) in ws.Slots)
            {
                if (!slot.Touched) continue;
                var action = ActionFor(rk, slot);
                if (action is null) continue;
                actions.Add(action);
                slotsInOrder.Add((rk, slot));
            }

            if (actions.Count == 0)
            {
                Complete(included);
                return deferred;
            }

            try
            {
                var etags = await SubmitAsync(actions);
                var now = DateTimeOffset.UtcNow;
                for (var i = 0; i < slotsInOrder.Count; i++)
                {
                    var (rk, slot) = slotsInOrder[i];
                    if (!slot.Pinned) continue;
                    var row = slot.Current;
                    if (row is not null) row.ETag = etags[i];
                    if (row is not null && row.ETag == default) _pinned.TryRemove(rk, out _);
                    else _pinned[rk] = new Cached(row, now);
                }
                Complete(included);
                return deferred;
            }
            catch (Exception e) when (Failed(e) is (409 or 412 or 404, int index) && index < slotsInOrder.Count && attempt + 1 < MaxAttempts)
            {
                // Someone else wrote first, or a row was not as assumed. The error names only the first
                // failing operation, so re-read every row of the same kind at once rather than one per attempt:
                // after a failed assumption, every assumed row; after an ETag conflict, every row written.
                var failedAssumption = !slotsInOrder[index].Slot.Known;
                foreach (var (rk, slot) in slotsInOrder)
                {
                    if (rk != slotsInOrder[index].RowKey && slot.Known == failedAssumption) continue;
                    _pinned.TryRemove(rk, out _);
                    known.Remove(rk);
                    mustRead.Add(rk);
                }
                units = [.. included, .. deferred];
                if (!failedAssumption) await Task.Delay(Random.Shared.Next(attempt * 2, 5 + Math.Min(200, 5 << attempt)));
            }
            catch (Exception e)
            {
                // Unknown outcome (timeout, storage down): forget cached rows; callers may retry, and every
                // unit is idempotent by its keys.
                foreach (var (rk, _) in slotsInOrder) _pinned.TryRemove(rk, out _);
                FailAll(units, e is TableTransactionFailedException or SingleActionFailedException
                    ? new RequestFailedException(503, "The partition is too contended; retry.")
                    : e);
                return [];
            }
        }
    }

    /// <summary>
    /// One action goes as a plain request (cheaper to build and to serve than a one-operation
    /// transaction); a failure is reported the same way as a transaction's, so callers need not care.
    /// </summary>
    private async Task<ETag[]> SubmitAsync(List<TableTransactionAction> actions)
    {
        if (actions.Count > 1)
        {
            var response = await Table.SubmitTransactionAsync(actions);
            return [.. response.Value.Select(r => r.Headers.ETag ?? default)];
        }
        var a = actions[0];
        try
        {
            var response = a.ActionType switch
            {
                TableTransactionActionType.Add => await Table.AddEntityAsync(a.Entity),
                TableTransactionActionType.UpdateReplace => await Table.UpdateEntityAsync(a.Entity, a.ETag, TableUpdateMode.Replace),
                TableTransactionActionType.Delete => await Table.DeleteEntityAsync(a.Entity.PartitionKey, a.Entity.RowKey, a.ETag),
                _ => throw new InvalidOperationException($"Unexpected action {a.ActionType}."),
            };
            return [response.Headers.ETag ?? default];
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            throw new SingleActionFailedException(e);
        }
    }

    private async Task<WorkingSet> LoadAsync(List<Pending> units, Dictionary<string, IRow?> known, HashSet<string> mustRead)
    {
        var ws = new WorkingSet();
        var toRead = new Dictionary<string, RowRef>(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            foreach (var r in unit.Rows)
            {
                if (ws.Slots.TryGetValue(r.RowKey, out var existing))
                {
                    existing.Pinned |= r.Pinned;
                    if (!existing.Known && (r.Load == RowLoad.Read || r.Load != existing.Assumption))
                        toRead[r.RowKey] = r; // two units disagree about an assumption: read it
                    continue;
                }
                var slot = new WorkingSet.Slot { Pinned = r.Pinned, Assumption = r.Load };
                ws.Slots[r.RowKey] = slot;
                if (known.TryGetValue(r.RowKey, out var k)) { slot.Original = k; slot.Known = true; }
                else if (_pinned.TryGetValue(r.RowKey, out var cached) && !mustRead.Contains(r.RowKey)) { slot.Original = cached.Row?.Copy(); slot.Known = true; }
                else if (r.Given is not null && !mustRead.Contains(r.RowKey)) { slot.Original = r.Given.Copy(); slot.Known = true; }
                else if (r.Load == RowLoad.Read || mustRead.Contains(r.RowKey)) toRead[r.RowKey] = r;
            }
        }

        var reads = await Task.WhenAll(toRead.Values.Select(async r => (r.RowKey, Row: await r.Loader(Table, PartitionKey, r.RowKey, CancellationToken.None))));
        foreach (var (rk, row) in reads)
        {
            known[rk] = row;
            mustRead.Remove(rk);
            var slot = ws.Slots[rk];
            slot.Original = row;
            slot.Known = true;
            if (slot.Pinned) _pinned[rk] = new Cached(row?.Copy(), DateTimeOffset.UtcNow);
        }

        foreach (var slot in ws.Slots.Values)
        {
            if (!slot.Known && slot.Assumption == RowLoad.AssumePresent)
                slot.Original = AssumedPresent.Instance;
            slot.Current = slot.Original is AssumedPresent ? AssumedPresent.Instance : slot.Original?.Copy();
        }
        return ws;
    }

    private static (List<Pending> Included, List<Pending> Deferred) Decide(WorkingSet ws, List<Pending> units)
    {
        var included = new List<Pending>();
        var deferred = new List<Pending>();
        foreach (var unit in units)
        {
            if (deferred.Count > 0) { deferred.Add(unit); continue; }
            ws.Begin();
            try
            {
                unit.Result = unit.Decide(ws);
                unit.Failure = null;
                if (ws.ActionCount > MaxActions && included.Count > 0)
                {
                    ws.Rollback();
                    deferred.Add(unit);
                    continue;
                }
                ws.End();
            }
            catch (Exception e)
            {
                ws.Rollback();
                unit.Failure = e;
            }
            included.Add(unit);
        }
        return (included, deferred);
    }

    private TableTransactionAction? ActionFor(string rowKey, WorkingSet.Slot slot)
    {
        var original = slot.Original;
        var current = slot.Current;
        if (original is null) return current is null ? null : new TableTransactionAction(TableTransactionActionType.Add, current);
        if (current is null)
        {
            var etag = original is AssumedPresent ? ETag.All : original.ETag;
            return new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(PartitionKey, rowKey), etag);
        }
        if (current is AssumedPresent) return null;
        var replaceEtag = original is AssumedPresent ? ETag.All : original.ETag;
        return new TableTransactionAction(TableTransactionActionType.UpdateReplace, current, replaceEtag);
    }

    private static void Complete(List<Pending> units)
    {
        foreach (var u in units)
        {
            if (u.Failure is not null) u.Done.TrySetException(u.Failure);
            else u.Done.TrySetResult(u.Result);
        }
    }

    private static void FailAll(List<Pending> units, Exception e)
    {
        foreach (var u in units) u.Done.TrySetException(e);
    }

    private static (int Status, int? Index) Failed(Exception e) => e switch
    {
        TableTransactionFailedException t => (t.Status, t.FailedTransactionActionIndex),
        SingleActionFailedException s => (s.Status, 0),
        _ => (0, null),
    };

    private sealed class SingleActionFailedException(RequestFailedException inner) : Exception(inner.Message, inner)
    {
        public int Status { get; } = inner.Status;
    }

    /// <summary>Stands for a row assumed to exist but not read (only deletable).</summary>
    private sealed class AssumedPresent : IRow
    {
        public static readonly AssumedPresent Instance = new();
        public string PartitionKey { get; set; } = "";
        public string RowKey { get; set; } = "";
        public DateTimeOffset? Timestamp { get; set; }
        public ETag ETag { get; set; }
        public IRow Copy() => this;
    }
}

/// <summary>One committer per (table, partition), shared by every caller in this process.</summary>
public sealed class Committers
{
    private readonly ConcurrentDictionary<(string Table, string Partition), PartitionCommitter> _committers = new();

    public PartitionCommitter For(TableClient table, string partitionKey) =>
        _committers.GetOrAdd((table.Name, partitionKey), k => new PartitionCommitter(table, k.Partition));
}

