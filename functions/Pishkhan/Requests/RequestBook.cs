using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Notifications;
using Pishkhan.Problems;
using Pishkhan.Stats;
using Pishkhan.Storage;

namespace Pishkhan.Requests;

/// <summary>
/// Every write to an office's partition of the Requests table goes through here, as units of the
/// office's <see cref="PartitionCommitter"/>: a request's row, its SLA index row, the office's open-work
/// counter, the statistics delta and the outbox rows of one change are one transaction.
/// </summary>
public sealed class RequestBook(Store store, Committers committers, RequestStats stats, RequestOutbox outbox, PishkhanSettings settings, ILogger<RequestBook> logger)
{
    public TableClient Table { get; } = store.Table(Tables.Requests);
    private readonly TableClient _keys = store.Table(Tables.RequestKeys);

    /// <summary>How long an intake's office write may wait for others of the same office to ride along.</summary>
    public TimeSpan IntakeLinger { get; } = TimeSpan.FromMilliseconds(settings.RequestIntakeLingerMs);

    /// <summary>An intake older than this and not in its office did not land there (its process stopped).</summary>
    public static readonly TimeSpan LandingGrace = TimeSpan.FromMinutes(1);
    /// <summary>
    /// The sweep reads the agency's index again this far behind its watermark: an intake whose claim took long to
    /// commit (storage retries) has a createdAt older than its commit, and may have been missed by the last run.
    /// </summary>
    public static readonly TimeSpan SweepOverlap = TimeSpan.FromMinutes(15);
    /// <summary>How far back the first sweep of an agency (no watermark yet) reads its index.</summary>
    public static readonly TimeSpan FirstSweepLookback = TimeSpan.FromDays(1);

    /// <summary>Office writes of answered intakes still under way in this process, by request id.</summary>
    private readonly ConcurrentDictionary<string, Task> _landing = new(StringComparer.Ordinal);

    /// <summary>
    /// RequestOffices: PK = province, RK = officeCode; one row per office that has ever been given a request —
    /// the only offices whose Requests partition can hold open requests or bookkeeping rows, so the SLA sweep
    /// reads these partitions instead of every office. Written before the office's first request (so the index
    /// is never behind its requests); an insert that finds the row (409) is the same outcome.
    /// </summary>
    private readonly TableClient _offices = store.Table(Tables.RequestOffices);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _indexed = new(StringComparer.Ordinal);

    public async Task IndexOfficeAsync(string province, string officeCode, CancellationToken cancellationToken)
    {
        if (_indexed.ContainsKey(officeCode)) return; // once per office and instance: the steady state costs nothing
        await _offices.TryAddAsync(new TableEntity(province, officeCode), cancellationToken);
        _indexed.TryAdd(officeCode, true);
    }

    /// <summary>Puts <paramref name="officeCodes"/> of <paramref name="province"/> in the index (the sweep's one-off backfill).</summary>
    public Task IndexOfficesAsync(string province, IEnumerable<string> officeCodes, CancellationToken cancellationToken) =>
        Task.WhenAll(officeCodes.Select(code => IndexOfficeAsync(province, code, cancellationToken)));

    /// <summary>Every office that has been given a request: one partition query per province, never a table scan.</summary>
    public async Task<List<string>> OfficesWithRequestsAsync(CancellationToken cancellationToken)
    {
        var perProvince = await Task.WhenAll(Provinces.Names.Keys.Select(province => _offices.ListAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {province}"), cancellationToken)));
        return perProvince.SelectMany(rows => rows.Select(r => r.RowKey)).ToList();
    }

    public PartitionCommitter Committer(string officeCode) => committers.For(Table, officeCode);

    /// <summary>
    /// The request row; null when there is none. An intake this process answered whose office write is still
    /// lingering is written first (read your writes within an instance).
    /// </summary>
    public async Task<RequestRow?> FindAsync(RequestKey key, CancellationToken cancellationToken)
    {
        if (_landing.ContainsKey(key.Id)) await Committer(key.OfficeCode).FlushAsync(cancellationToken);
        return await Table.GetOrNullAsync<RequestRow>(key.OfficeCode, key.RowKey, cancellationToken);
    }

    /// <summary>
    /// The request as its agency sees it: when the office write of an intake another instance answered moments ago
    /// has not landed yet, the agency's index row names the claim, and the request is written from it now. The index
    /// row is found from the id alone: the agency and claim shard give the partition, the millisecond in the suffix a
    /// row-key range of one millisecond. So the agency never gets a 404 for an id it was given.
    /// </summary>
    public async Task<RequestRow?> FindForAgencyAsync(RequestKey key, string agencyId, CancellationToken cancellationToken)
    {
        if (await FindAsync(key, cancellationToken) is { } row) return row;
        var partition = ClaimRow.PartitionFor(agencyId, RequestIds.ClaimShardOf(key.Suffix));
        var created = RequestIds.CreatedMillisecondOf(key.Suffix);
        var indexed = await _keys.ListAsync<AgencyIndexRow>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RequestId eq {key.Id}") + " and " +
            AgencyIndexRow.CreatedBetween(created, created.AddMilliseconds(1)), cancellationToken);
        if (indexed.Count == 0 || !await LandIndexedAsync(indexed[0], cancellationToken)) return null;
        return await FindAsync(key, cancellationToken);
    }

    /// <summary>Writes the request if it is not there yet; false when it already was (a retried intake).</summary>
    public async Task<bool> CreateAsync(RequestDraft draft, bool mayExist, CancellationToken cancellationToken, TimeSpan linger = default)
    {
        var period = JalaliPeriod.Containing(draft.CreatedAt).ToString();
        await IndexOfficeAsync(draft.Province, draft.OfficeCode, cancellationToken);
        var created = await Committer(draft.OfficeCode).SubmitAsync(new CreateUnit(draft, period, mayExist), linger, cancellationToken);
        if (created) stats.MarkDirty(draft.OfficeCode, period);
        return created;
    }

    /// <summary>
    /// Lands a just-answered intake off the caller's path: the request in its office's partition with its counters,
    /// group-committed with the office's other intakes after <see cref="IntakeLinger"/>. A failure is retried a few
    /// times; if the process stops first, the hourly sweep (or the agency's next read of the request) lands it.
    /// </summary>
    public void LandInBackground(RequestDraft draft, IDisposable routingLease)
    {
        // Runs synchronously up to queuing the office write (the office is indexed already), so a read of the
        // request right after this returns finds the write queued and flushes it (FindAsync).
        var landed = LandWithRetriesAsync(draft, routingLease);
        _landing[draft.RequestId] = landed;
        _ = landed.ContinueWith(t => _landing.TryRemove(new KeyValuePair<string, Task>(draft.RequestId, t)), TaskScheduler.Default);
    }

    /// <summary>The landing's activity and storage-call tally (its round trips are not the intake caller's).</summary>
    public const string LandingOperation = "IntakeLanding";

    private async Task LandWithRetriesAsync(RequestDraft draft, IDisposable routingLease)
    {
        try
        {
            await Telemetry.PishkhanTelemetry.TrackTimerAsync(LandingOperation, () => LandRetryingAsync(draft));
        }
        catch (Exception e)
        {
            logger.LogError("Writing request {RequestId} to its office failed ({Reason}); the SLA sweep will", draft.RequestId, e.GetType().Name);
        }
        finally
        {
            routingLease.Dispose(); // routing counts the intake as open work until its counter row does
        }
    }

    /// <summary>Four attempts, 2, 4 and 8 s apart; the first assumes the request is not there yet.</summary>
    private async Task LandRetryingAsync(RequestDraft draft)
    {
        System.Diagnostics.Activity.Current?.SetTag("pishkhan.request", draft.RequestId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CreateAsync(draft, mayExist: attempt > 1, CancellationToken.None, IntakeLinger);
                return;
            }
            catch (Exception e) when (attempt < 4)
            {
                logger.LogWarning("Writing request {RequestId} to its office failed ({Reason}); retrying", draft.RequestId, e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1 << attempt));
            }
        }
    }

    /// <summary>Waits for every intake this process answered to land (host shutdown, benchmarks, tests).</summary>
    public Task DrainAsync() => Task.WhenAll(_landing.Values);

    /// <summary>Lands the request a claim holds if it is not in its office yet (a retried intake, an index row).</summary>
    public Task LandFromClaimAsync(ClaimRow claim, CancellationToken cancellationToken) =>
        CreateAsync(claim.Draft(), mayExist: true, cancellationToken);

    /// <summary>Lands the intake an index row stands for, from the claim it names; false when there is no claim to land from.</summary>
    private async Task<bool> LandIndexedAsync(AgencyIndexRow row, CancellationToken cancellationToken)
    {
        if (row.ClaimKey.Length == 0 || await _keys.GetOrNullAsync<ClaimRow>(row.PartitionKey, row.ClaimKey, cancellationToken) is not { } claim)
            return false;
        await LandFromClaimAsync(claim, cancellationToken);
        return true;
    }

    /// <summary>
    /// The sweep's part: lands every intake of the agency created since its watermark (less <see cref="SweepOverlap"/>)
    /// and before <see cref="LandingGrace"/> ago that is not in its office (its process stopped between the answer and
    /// the office write), then moves the watermark. Reads the index rows of that window (one range query per claim
    /// shard) and, per office among them, the request rows of the same span (one range query, row keys only).
    /// </summary>
    public async Task<int> LandLeftoversAsync(string agencyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var to = now - LandingGrace;
        var watermark = await _keys.GetOrNullAsync<LandingWatermarkRow>(LandingWatermarkRow.PartitionFor(agencyId), LandingWatermarkRow.Key, cancellationToken);
        var from = (watermark?.Through ?? to - FirstSweepLookback) - SweepOverlap;
        var indexed = await _keys.ListAcrossPartitionsAsync<AgencyIndexRow>(ClaimRow.AllPartitions(agencyId),
            AgencyIndexRow.CreatedBetween(from, to), cancellationToken);
        var landed = 0;
        var keyed = indexed.Select(row => (Row: row, Parsed: RequestIds.TryParse(row.RequestId, out var key), Key: key)).Where(r => r.Parsed);
        foreach (var office in keyed.GroupBy(r => r.Key.OfficeCode))
        {
            var present = await RequestRowKeysAsync(office.Key, office.Select(r => r.Key.Suffix).ToList(), cancellationToken);
            foreach (var (row, _, _) in office.Where(r => !present.Contains(r.Key.RowKey)))
            {
                if (await LandIndexedAsync(row, cancellationToken)) landed++;
                else logger.LogWarning("Request {RequestId} is in its agency's index but not in its office, and has no claim to land it from", row.RequestId);
            }
        }
        // Only forwards, under the ETag read above: a concurrent sweep that got further is not undone.
        await _keys.UpdateWithRetryAsync<LandingWatermarkRow>(LandingWatermarkRow.PartitionFor(agencyId), LandingWatermarkRow.Key,
            current => current?.Through >= to ? null
                : new LandingWatermarkRow { PartitionKey = LandingWatermarkRow.PartitionFor(agencyId), Through = to, ETag = current?.ETag ?? default },
            cancellationToken, firstRead: new KnownRow<LandingWatermarkRow>(watermark), what: "landing watermark");
        return landed;
    }

    /// <summary>The request row keys of an office between the oldest and newest of <paramref name="suffixes"/>: one range query, keys only.</summary>
    private async Task<HashSet<string>> RequestRowKeysAsync(string officeCode, List<string> suffixes, CancellationToken cancellationToken)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        var (newest, oldest) = (RequestIds.RequestRowKey(suffixes.Min(StringComparer.Ordinal)!), RequestIds.RequestRowKey(suffixes.Max(StringComparer.Ordinal)!));
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
                           $"PartitionKey eq {officeCode} and RowKey ge {newest} and RowKey le {oldest}"), select: ["RowKey"], cancellationToken: cancellationToken))
            present.Add(row.RowKey);
        return present;
    }

    /// <summary>
    /// Applies an office's event (<paramref name="known"/> as just read: the transaction goes without reading it
    /// again); 409 for a transition the lifecycle does not allow. What the change left in its outbox rows (the
    /// citizen's message, the agency's callback) is sent after the answer, off the caller's path: the rows are
    /// committed with the change, so a dispatch that never runs is done by the hourly sweep.
    /// </summary>
    public async Task<RequestRow> ApplyEventAsync(RequestRow known, EventChange change, CancellationToken cancellationToken)
    {
        var result = await Committer(known.OfficeCode).SubmitAsync(new EventUnit(known, change), cancellationToken);
        stats.MarkDirty(known.OfficeCode, result.Periods);
        outbox.DispatchInBackground(known.OfficeCode, result.Outbox);
        return result.Row;
    }

    /// <summary>Marks an overdue open request breached (once); false when there was nothing to do.</summary>
    public async Task<bool> BreachAsync(string officeCode, DueRow due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await Committer(officeCode).SubmitAsync(new BreachUnit(due, now), cancellationToken);
        if (result.Period is not null) stats.MarkDirty(officeCode, result.Period);
        await outbox.DispatchAsync(officeCode, result.Outbox, cancellationToken);
        return result.Period is not null;
    }

    public async Task<RequestRow> RateAsync(RequestKey key, string tokenHash, int score, string? comment, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var period = JalaliPeriod.Containing(now).ToString();
        var row = await Committer(key.OfficeCode).SubmitAsync(new RateUnit(key, tokenHash, score, comment, now, period, Guid.NewGuid().ToString("N")), cancellationToken);
        stats.MarkDirty(key.OfficeCode, period);
        return row;
    }

    /// <summary>Open requests of an office whose dueAt has passed and that are not yet marked breached.</summary>
    public Task<List<DueRow>> OverdueAsync(string officeCode, DateTimeOffset now, CancellationToken cancellationToken) =>
        Table.ListAsync<DueRow>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {officeCode} and RowKey ge {"d_"} and RowKey lt {RequestIds.DueUpperBound(now)}"), cancellationToken);

    /// <summary>The office's bookkeeping rows: counter, deltas, sealed deltas, unsent outbox rows.</summary>
    public Task<List<TableEntity>> BookkeepingRowsAsync(string officeCode, CancellationToken cancellationToken) =>
        Table.ListAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {officeCode} and RowKey ge {"~"}"), cancellationToken);

    // ---- units -------------------------------------------------------------------------------------

    private static RowRef Ledger => RowRef.For<LedgerRow>(RequestIds.LedgerRowKey, pinned: true);
    private static RowRef Delta(string period) => RowRef.For<DeltaRow>(RequestIds.DeltaRowKey(period), pinned: true);

    private static DeltaRow DeltaOf(WorkingSet ws, RequestRow row, string period)
    {
        var delta = ws.Get<DeltaRow>(RequestIds.DeltaRowKey(period))
            ?? new DeltaRow { PartitionKey = row.OfficeCode, RowKey = RequestIds.DeltaRowKey(period), Period = period };
        (delta.Province, delta.CountyCode) = (row.Province, row.CountyCode);
        return delta;
    }

    private static LedgerRow LedgerOf(WorkingSet ws, RequestRow row)
    {
        var ledger = ws.Get<LedgerRow>(RequestIds.LedgerRowKey) ?? new LedgerRow { PartitionKey = row.OfficeCode };
        (ledger.Province, ledger.CountyCode) = (row.Province, row.CountyCode);
        return ledger;
    }

    private sealed class CreateUnit(RequestDraft d, string period, bool mayExist) : Unit<bool>
    {
        private readonly string _suffix = RequestIds.TryParse(d.RequestId, out var key) ? key.Suffix : throw new ArgumentException("Bad request id.");

        public override IEnumerable<RowRef> Rows =>
        [
            RowRef.For<RequestRow>(RequestIds.RequestRowKey(_suffix), mayExist ? RowLoad.Read : RowLoad.AssumeAbsent),
            RowRef.For<DueRow>(RequestIds.DueRowKey(d.DueAt, _suffix), mayExist ? RowLoad.Read : RowLoad.AssumeAbsent),
            Ledger,
            Delta(period),
        ];

        public override bool Decide(WorkingSet ws)
        {
            var rk = RequestIds.RequestRowKey(_suffix);
            if (ws.Exists(rk)) return false;
            var row = new RequestRow
            {
                PartitionKey = d.OfficeCode, RowKey = rk, CountyCode = d.CountyCode, RequestId = d.RequestId, AgencyId = d.AgencyId,
                ContractId = d.ContractId, ServiceCode = d.ServiceCode, ServiceName = d.ServiceName, SlaHours = d.SlaHours, ExternalRef = d.ExternalRef,
                Province = d.Province, Status = RequestStatus.Submitted, DueIndexed = true, CreatedAt = d.CreatedAt,
                DueAt = d.DueAt, NationalId = d.NationalId, Mobile = d.Mobile, Email = d.Email,
            };
            row.Append(new StatusChange(RequestStatus.Submitted, d.CreatedAt, "agency", d.AgencyId, null, d.CreatedAt));
            ws.Put(row);
            ws.Put(new DueRow { PartitionKey = d.OfficeCode, RowKey = RequestIds.DueRowKey(d.DueAt, _suffix), RequestRowKey = rk });
            var ledger = LedgerOf(ws, row);
            ledger.Open++;
            ws.Put(ledger);
            var delta = DeltaOf(ws, row, period);
            delta.Received++;
            ws.Put(delta);
            return true;
        }
    }

    /// <summary>
    /// An office event as validated by the handler (token generated). <c>At</c> is the time that counts (the office's
    /// within the tolerance, else the server's); <c>ReportedAt</c> the office's when it was not used.
    /// </summary>
    public sealed record EventChange(RequestEventType Type, DateTimeOffset At, DateTimeOffset? ReportedAt, string? Note, Caller By, DateTimeOffset Now, WorkingCalendar Calendar,
        bool Callback, string? RatingToken, string RatingLink, string? OfficeName)
    {
        /// <summary>This call's own mark, stored as the row's <see cref="RequestRow.LastWriteId"/>.</summary>
        public string WriteId { get; } = Guid.NewGuid().ToString("N");
    }

    public sealed record EventResult(RequestRow Row, string[] Periods, IReadOnlyList<OutboxRow> Outbox);

    private sealed class EventUnit(RequestRow known, EventChange c) : Unit<EventResult>
    {
        // Everything this change counts goes to the period the server recorded it in, never to one that has
        // closed (and may be ranked and published) since: a late completion or breach counts now.
        private readonly string _period = JalaliPeriod.Containing(c.Now).ToString();
        private string What => Transitions.StatusAfter(c.Type);

        public override IEnumerable<RowRef> Rows =>
        [
            RowRef.Known(known),
            RowRef.For<DueRow>(RequestIds.DueRowKey(known.DueAt, known.Suffix), RowLoad.AssumePresent),
            Ledger,
            Delta(_period),
            RowRef.For<OutboxRow>(RequestIds.OutboxRowKey(known.Suffix, What, OutboxKinds.Callback), RowLoad.AssumeAbsent),
            RowRef.For<OutboxRow>(RequestIds.OutboxRowKey(known.Suffix, What, OutboxKinds.Notification), RowLoad.AssumeAbsent),
        ];

        public override EventResult Decide(WorkingSet ws)
        {
            var row = ws.Get<RequestRow>(known.RowKey) ?? throw Problem.NotFound("request");
            if (row.LastWriteId == c.WriteId)
            {
                // This very change is stored already (its write id says so): the batch's answer was lost to the
                // network timeout and the storage client's retry met its own write. Done; its outbox rows as stored.
                List<OutboxRow> stored = [.. new[] { OutboxKinds.Callback, OutboxKinds.Notification }
                    .Select(kind => ws.Get<OutboxRow>(RequestIds.OutboxRowKey(row.Suffix, What, kind))).OfType<OutboxRow>()];
                return new EventResult((RequestRow)row.Copy(), RequestStatus.IsOpen(row.Status) ? [] : [_period], stored);
            }
            if (!Transitions.IsAllowed(row.Status, c.Type))
                throw Problem.Conflict($"A {row.Status} request cannot be {What}.");
            var last = row.History()[^1].At;
            if (c.At < last) throw Problem.Field("at", $"The event cannot be earlier than the previous one ({last:O}).");

            var outboxRows = new List<OutboxRow>();
            var periods = new HashSet<string>();
            row.Status = Transitions.StatusAfter(c.Type);
            row.LastWriteId = c.WriteId;
            var seq = row.Append(new StatusChange(What, c.At, RoleName(c.By.Role), c.By.Subject, c.Note, c.Now, c.ReportedAt));

            if (!RequestStatus.IsOpen(row.Status))
            {
                row.ClosedAt = c.At;
                var ledger = LedgerOf(ws, row);
                ledger.Open = Math.Max(0, ledger.Open - 1);
                ws.Put(ledger);
                if (row.DueIndexed)
                {
                    ws.Delete(RequestIds.DueRowKey(row.DueAt, row.Suffix));
                    row.DueIndexed = false;
                }

                // Closing after dueAt counts as a breach, once (the sweep may have counted it already).
                if (!row.Breached && c.At > row.DueAt)
                {
                    row.Breached = true;
                    var late = DeltaOf(ws, row, _period);
                    late.Breached++;
                    ws.Put(late);
                }

                var delta = DeltaOf(ws, row, _period);
                if (row.Status == RequestStatus.Completed)
                {
                    delta.Completed++;
                    if (!row.Breached) delta.CompletedWithinSla++;
                    delta.TurnaroundHistogram = Histogram.Add(delta.TurnaroundHistogram, WorkingTime.HoursBetween(c.Calendar, row.CreatedAt, c.At));
                    if (c.RatingToken is not null)
                    {
                        row.RatingTokenHash = RatingTokens.Hash(c.RatingToken);
                        if (row.Email is not null || row.Mobile is not null)
                            outboxRows.Add(Notification(row, c));
                    }
                }
                else
                {
                    delta.Rejected++;
                }
                ws.Put(delta);
                periods.Add(_period);
            }

            if (c.Callback) outboxRows.Add(Callback(row, seq, What));
            foreach (var o in outboxRows) ws.Put(o);
            ws.Put(row);
            return new EventResult((RequestRow)row.Copy(), [.. periods], outboxRows);
        }

        private static OutboxRow Notification(RequestRow row, EventChange c)
        {
            var data = new Dictionary<string, string>
            {
                ["requestId"] = row.RequestId,
                ["externalRef"] = row.ExternalRef,
                ["officeCode"] = row.OfficeCode,
                ["officeName"] = c.OfficeName ?? row.OfficeCode,
                ["serviceName"] = row.ServiceName,
                ["completedAt"] = c.At.ToString("O"),
                ["completedOnFa"] = JalaliDate.Format(Tehran.DateOf(c.At)),
                ["ratingToken"] = c.RatingToken!,
                ["ratingLink"] = RatingTokens.Link(c.RatingLink, c.RatingToken!),
            };
            var n = new NotificationRequest($"request-completed:{row.RequestId}", NotificationKinds.RequestCompleted, row.Province,
                row.Email, row.Mobile, null, data);
            return new OutboxRow
            {
                PartitionKey = row.OfficeCode, RowKey = RequestIds.OutboxRowKey(row.Suffix, RequestStatus.Completed, OutboxKinds.Notification),
                Kind = OutboxKinds.Notification, PayloadJson = JsonSerializer.Serialize(n, Json.Stored),
            };
        }
    }

    internal static OutboxRow Callback(RequestRow row, int seq, string what) => new()
    {
        PartitionKey = row.OfficeCode, RowKey = RequestIds.OutboxRowKey(row.Suffix, what, OutboxKinds.Callback),
        Kind = OutboxKinds.Callback, PayloadJson = JsonSerializer.Serialize(new CallbackMessage(row.RequestId, seq), Json.Stored),
    };

    internal static string RoleName(Role role) => role.ToString().ToLowerInvariant();

    public sealed record BreachResult(string? Period, IReadOnlyList<OutboxRow> Outbox);

    private sealed class BreachUnit(DueRow due, DateTimeOffset now) : Unit<BreachResult>
    {
        // d_{ticks:D19}_{suffix}: the request is known before reading it.
        private readonly string _suffix = due.RowKey[^RequestIds.SuffixLength..];
        // Counted in the period the sweep records it in: a breach found after its month closed does not change that month.
        private readonly string _period = JalaliPeriod.Containing(now).ToString();

        public override IEnumerable<RowRef> Rows =>
        [
            RowRef.For<RequestRow>(due.RequestRowKey),
            RowRef.For<DueRow>(due.RowKey, RowLoad.AssumePresent),
            Delta(_period),
            RowRef.For<OutboxRow>(RequestIds.OutboxRowKey(_suffix, "breached", OutboxKinds.Callback), RowLoad.AssumeAbsent),
        ];

        public override BreachResult Decide(WorkingSet ws)
        {
            var row = ws.Get<RequestRow>(due.RequestRowKey);
            if (row is null)
            {
                ws.Delete(due.RowKey); // left behind by a request that no longer exists
                return new BreachResult(null, []);
            }
            if (row.DueAt >= now) return new BreachResult(null, []); // not overdue yet
            ws.Delete(due.RowKey);
            row.DueIndexed = false;
            if (!RequestStatus.IsOpen(row.Status) || row.Breached)
            {
                ws.Put(row);
                return new BreachResult(null, []);
            }
            row.Breached = true;
            var seq = row.Append(new StatusChange("breached", row.DueAt, "system", null, null, now));
            var delta = DeltaOf(ws, row, _period);
            delta.Breached++;
            ws.Put(delta);
            ws.Put(row);
            // Always queued: the sender checks the agency's webhook when it runs (the sweep does not read agencies).
            var callback = Callback(row, seq, "breached");
            ws.Put(callback);
            return new BreachResult(_period, [callback]);
        }
    }

    private sealed class RateUnit(RequestKey key, string tokenHash, int score, string? comment, DateTimeOffset now, string period, string writeId)
        : Unit<RequestRow>
    {
        public override IEnumerable<RowRef> Rows => [RowRef.For<RequestRow>(key.RowKey), Delta(period)];

        public override RequestRow Decide(WorkingSet ws)
        {
            var row = ws.Get<RequestRow>(key.RowKey);
            if (row?.RatingTokenHash is null
                || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(row.RatingTokenHash), Encoding.ASCII.GetBytes(tokenHash)))
                throw Problem.NotFound("rating token");
            // A row carrying this call's write id is this rating, stored but its answer lost (see EventUnit).
            if (row.LastWriteId == writeId) return (RequestRow)row.Copy();
            if (row.RatedAt is not null) throw Problem.Conflict("This rating token was already used.");
            (row.RatingScore, row.RatingComment, row.RatedAt, row.LastWriteId) = (score, comment, now, writeId);
            ws.Put(row);
            var delta = DeltaOf(ws, row, period);
            delta.RatingCount++;
            delta.RatingSum += score;
            ws.Put(delta);
            return (RequestRow)row.Copy();
        }
    }
}

/// <summary>The one-time rating token: "{requestId}.{secret}"; only SHA-256 of the whole token is stored.</summary>
public static class RatingTokens
{
    public static string New(string requestId) =>
        requestId + "." + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool TryParse(string token, out RequestKey key)
    {
        key = default;
        var dot = token.IndexOf('.');
        return dot > 0 && token.Length - dot - 1 == 43 && RequestIds.TryParse(token[..dot], out key)
               && token[(dot + 1)..].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    public static string Link(string linkBase, string token) =>
        linkBase + (linkBase.Contains('?') ? "&" : "?") + "token=" + Uri.EscapeDataString(token);
}

/// <summary>On host shutdown, waits (as long as the host allows) for the intakes this process answered to land.</summary>
public sealed class IntakeDrain(RequestBook requestBook) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await requestBook.DrainAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of time: the hourly sweep lands what is left (the claims and index rows are written).
        }
    }
}
