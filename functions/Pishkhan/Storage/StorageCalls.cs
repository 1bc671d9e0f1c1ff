using Azure.Core;
using Azure.Core.Pipeline;

namespace Pishkhan.Storage;

public enum StorageService { Table, Queue, Blob }

/// <summary>
/// Counts storage round trips: every request the Table, Queue and Blob clients send (each retry too, as
/// Azure bills and waits for each). In Azure each call is a network round trip, so calls per operation is
/// the figure that transfers from a benchmark machine to production. Always on: an interlocked add per
/// request is nothing next to the request itself. Totals are per process; <see cref="Begin"/> opens a tally
/// for one operation (an HTTP call, a queue message, a timer run) that follows its async flow, so
/// background work running at the same time is not counted in it.
/// </summary>
public sealed class StorageCalls(StorageService service) : HttpPipelinePolicy
{
    private static readonly long[] Totals = new long[3];
    private static readonly AsyncLocal<Tally?> Current = new();

    /// <summary>Calls per service since the process started.</summary>
    public static (long Table, long Queue, long Blob) Snapshot() =>
        (Interlocked.Read(ref Totals[0]), Interlocked.Read(ref Totals[1]), Interlocked.Read(ref Totals[2]));

    /// <summary>Starts counting the calls of the current async flow (and what it awaits) into a new tally.</summary>
    public static Tally Begin() => Current.Value = new Tally();

    /// <summary>The tally of the operation running in this async flow, if any.</summary>
    public static Tally? Active => Current.Value;

    /// <summary>
    /// For work done on behalf of several operations (a batch committed for the requests that queued it):
    /// its calls count in each of their tallies — the round trips each of them waited for.
    /// </summary>
    public static void CountFor(IEnumerable<Tally?> tallies)
    {
        var list = tallies.OfType<Tally>().Distinct().ToList();
        Current.Value = list.Count == 0 ? null : new Tally(list);
    }

    /// <summary>Starts background work (a loop, a delayed flush) outside every operation's tally.</summary>
    public static Task RunDetached(Func<Task> work)
    {
        using (ExecutionContext.SuppressFlow()) return Task.Run(work, CancellationToken.None);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count();
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count();
        return ProcessNextAsync(message, pipeline);
    }

    private void Count()
    {
        Interlocked.Increment(ref Totals[(int)service]);
        Current.Value?.Add(service);
    }

    public sealed class Tally(IReadOnlyList<Tally>? forwardTo = null)
    {
        private readonly long[] _calls = new long[3];

        public long Table => Interlocked.Read(ref _calls[0]);
        public long Queue => Interlocked.Read(ref _calls[1]);
        public long Blob => Interlocked.Read(ref _calls[2]);
        public long Total => Table + Queue + Blob;

        internal void Add(StorageService service)
        {
            if (forwardTo is null) Interlocked.Increment(ref _calls[(int)service]);
            else foreach (var tally in forwardTo) tally.Add(service);
        }

        public override string ToString() => $"table={Table} queue={Queue} blob={Blob}";
    }
}
