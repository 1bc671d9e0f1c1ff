using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Problems;
using Pishkhan.Storage;
using Pishkhan.Text;

namespace Pishkhan.Complaints;

public sealed record FilingResult(ComplaintEntity Complaint, string? Secret, bool Duplicate);

/// <summary>An open complaint past its due date (for the digest and the overdue list).</summary>
public sealed record OverdueComplaint(string TrackingCode, string OfficeCode, string CountyCode, string Category, int Stage, DateOnly DueDate, int WorkingDaysOverdue);

public sealed record OverdueCounts(int Stage1, int Stage2)
{
    public int Total => Stage1 + Stage2;
}

/// <summary>The complaint tables (README "Complaints" documents keys, columns and the queries that use them).</summary>
public sealed class ComplaintStore(Store store, ComplaintPolicy policy, HolidayStore holidays, Offices.OfficeStore officeStore, TimeProvider clock)
{
    public TableClient Complaints { get; } = store.Table(Tables.Complaints);
    public TableClient Codes { get; } = store.Table(Tables.ComplaintCodes);
    public TableClient Contacts { get; } = store.Table(Tables.ComplaintContacts);
    public TableClient Dedupe { get; } = store.Table(Tables.ComplaintDedupe);
    public TableClient AccessLog { get; } = store.Table(Tables.ComplaintAccessLog);
    private readonly TableClient _sweep = store.Table(Tables.ComplaintSweep);

    /// <summary>
    /// The duplicate key: who (the normalised contact, or the client address for an anonymous complaint),
    /// which office, and the text with letters, digits, case and spacing normalised. Hashed, so the dedupe
    /// table holds no personal data.
    /// </summary>
    public static string DedupeKey(NewComplaint c, string clientKey)
    {
        var who = c.Contact is { } k
            ? $"c\n{k.NationalId}\n{k.Mobile}\n{k.Email?.ToLowerInvariant()}\n{NormalizeText(k.Name ?? "")}"
            : "a\n" + clientKey;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{who}\n{c.OfficeCode}\n{NormalizeText(c.Description)}")));
    }

    /// <summary>Letters and digits the Persian way, lower case, every run of spaces, ZWNJ and direction marks one space.</summary>
    public static string NormalizeText(string s)
    {
        var t = PersianText.NormalizeDigits(PersianText.NormalizeLetters(s)).ToLowerInvariant();
        var sb = new StringBuilder(t.Length);
        var space = false;
        foreach (var c in t)
        {
            if (char.IsWhiteSpace(c) || c is '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u00A0')
            {
                space = sb.Length > 0;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Files a complaint exactly once per dedupe key and duplicate window. The dedupe row is claimed first
    /// (insert, or ETag-replace of an expired one); a filing that stopped half-way (claim written, complaint
    /// not) is finished under the claimed code by the next identical filing. Order: claim → locator →
    /// contact → complaint, so a complaint never exists without its locator and contact.
    /// </summary>
    public async Task<FilingResult> FileAsync(NewComplaint c, string dedupeKey, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var now = clock.GetUtcNow();
            var claim = await Dedupe.GetOrNullAsync<ComplaintDedupeEntity>(dedupeKey, "", cancellationToken);
            string code;
            if (claim is not null && now - claim.CreatedAt < policy.DuplicateWindow)
            {
                var existing = await FindAsync(claim.TrackingCode, cancellationToken);
                if (existing is not null) return new FilingResult(existing, null, true);
                code = claim.TrackingCode;
            }
            else
            {
                code = TrackingCode.New();
                var fresh = new ComplaintDedupeEntity { PartitionKey = dedupeKey, TrackingCode = code, CreatedAt = now };
                if (claim is not null) fresh.ETag = claim.ETag;
                var claimed = claim is null ? await Dedupe.TryAddAsync(fresh, cancellationToken) : await Dedupe.TryReplaceAsync(fresh, cancellationToken);
                if (!claimed) continue; // an identical filing claimed it a moment ago: go round and find it
            }

            var locator = new ComplaintCodeEntity
            {
                PartitionKey = code, OfficeCode = c.OfficeCode, ComplaintKey = ComplaintEntity.RowKeyFor(now, code),
                Province = c.Province, CountyCode = c.CountyCode, CreatedAt = now,
            };
            if (!await Codes.TryAddAsync(locator, cancellationToken))
            {
                var held = await Codes.GetOrNullAsync<ComplaintCodeEntity>(code, "", cancellationToken);
                if (held is null || held.OfficeCode != c.OfficeCode || await HasComplaintAsync(held, cancellationToken))
                {
                    // The random code is another complaint's (55 bits make this a once-in-never event):
                    // give up the claim and take a fresh code.
                    await Dedupe.DeleteEntityAsync(dedupeKey, "", cancellationToken: cancellationToken);
                    continue;
                }
                locator = held; // finishing a half-done filing under its code
            }

            if (c.Contact is { } contact)
                await Contacts.UpsertEntityAsync(new ComplaintContactEntity
                {
                    PartitionKey = code, Name = contact.Name, Mobile = contact.Mobile, Email = contact.Email, NationalId = contact.NationalId,
                }, TableUpdateMode.Replace, cancellationToken);

            var secret = TrackingCode.NewSecret();
            var calendar = await holidays.GetCalendarAsync(c.Province, cancellationToken);
            var complaint = ComplaintRules.Open(c, code, TrackingCode.HashSecret(secret), now, policy, calendar);
            complaint.RowKey = locator.ComplaintKey;
            await IndexAsync(complaint, cancellationToken);
            // A 409 is the client's retry meeting this call's own insert (its answer lost), which the secret's hash
            // tells apart, or two identical filings finishing the same half-done one at once, the other winning. (A
            // lost answer on the claim or the locator needs nothing: the next round, or the locator check above,
            // finishes this call's own half-done filing.)
            var (added, stored) = await Complaints.TryAddOwnAsync(complaint, s => s.SecretHash == complaint.SecretHash, cancellationToken);
            if (added) return new FilingResult(stored!, secret, false);
            if (stored is not null) return new FilingResult(stored, null, true);
        }
        throw Problem.Conflict("The complaint could not be filed because of concurrent identical filings; try again.");
    }

    private async Task<bool> HasComplaintAsync(ComplaintCodeEntity locator, CancellationToken cancellationToken) =>
        await Complaints.GetOrNullAsync<ComplaintEntity>(locator.OfficeCode, locator.ComplaintKey, cancellationToken) is not null;

    /// <summary>The complaint with this (canonical) tracking code: a point read of the locator, then of the complaint.</summary>
    public async Task<ComplaintEntity?> FindAsync(string trackingCode, CancellationToken cancellationToken)
    {
        var locator = await Codes.GetOrNullAsync<ComplaintCodeEntity>(trackingCode, "", cancellationToken);
        return locator is null ? null : await Complaints.GetOrNullAsync<ComplaintEntity>(locator.OfficeCode, locator.ComplaintKey, cancellationToken);
    }

    /// <summary>Applies a transition under the complaint's ETag, re-reading and re-checking on a concurrent change.</summary>
    public async Task<ComplaintEntity> UpdateAsync(ComplaintEntity complaint, Action<ComplaintEntity> transition, CancellationToken cancellationToken) =>
        (await ChangeAsync(complaint.PartitionKey, complaint.RowKey, current =>
        {
            if (current is null) throw Problem.NotFound("complaint");
            transition(current);
            return current;
        }, cancellationToken))!;

    /// <summary>
    /// Read → <paramref name="change"/> → the sweep's rows for the new state → ETag replace, again from the read
    /// when another writer won. <paramref name="change"/> answers null for "nothing to do"; so does this.
    /// </summary>
    public async Task<ComplaintEntity?> ChangeAsync(string officeCode, string complaintKey, Func<ComplaintEntity?, ComplaintEntity?> change,
        CancellationToken cancellationToken)
    {
        ComplaintEntity? changed = null;
        await Complaints.UpdateWithRetryAsync<ComplaintEntity>(officeCode, complaintKey, current =>
            {
                changed = change(current);
                changed?.WriteId = Guid.NewGuid().ToString("N");
                return changed;
            }, cancellationToken,
            beforeWrite: next => IndexAsync(next, cancellationToken), what: "complaint",
            // A row with this attempt's write id after a 412 is this write, its answer lost (README "Lost answers").
            isOwnWrite: (stored, written) => stored.WriteId == written.WriteId);
        return changed;
    }

    public Task<ComplaintEntity?> GetAsync(string officeCode, string complaintKey, CancellationToken cancellationToken) =>
        Complaints.GetOrNullAsync<ComplaintEntity>(officeCode, complaintKey, cancellationToken);

    /// <summary>
    /// Writes the sweep's rows for the state <paramref name="e"/> is about to be stored in (one partition, one
    /// batch). Before the complaint, so a crash between the two leaves a row too many, never one too few.
    /// </summary>
    public async Task IndexAsync(ComplaintEntity e, CancellationToken cancellationToken)
    {
        var rows = ComplaintSweepEntity.For(e);
        if (rows.Count == 1) await _sweep.UpsertEntityAsync(rows[0], TableUpdateMode.Replace, cancellationToken);
        else if (rows.Count > 1) await _sweep.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken);
    }

    /// <summary>Due rows of stages due before <paramref name="today"/> (yyyy-MM-dd): a RowKey range of one partition.</summary>
    public Task<List<ComplaintSweepEntity>> DueBeforeAsync(string today, CancellationToken cancellationToken) =>
        SweepRangeAsync(ComplaintSweepEntity.DuePrefix, ComplaintSweepEntity.DuePrefix + today, cancellationToken);

    /// <summary>Pending-effects rows of changes made before <paramref name="before"/>: a RowKey range of one partition.</summary>
    public Task<List<ComplaintSweepEntity>> PendingBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        SweepRangeAsync(ComplaintSweepEntity.PendingPrefix, ComplaintSweepEntity.PendingPrefix + ComplaintSweepEntity.Ticks(before), cancellationToken);

    private Task<List<ComplaintSweepEntity>> SweepRangeAsync(string from, string to, CancellationToken cancellationToken) =>
        _sweep.ListAsync<ComplaintSweepEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {ComplaintSweepEntity.Partition} and RowKey ge {from} and RowKey lt {to}"), cancellationToken);

    /// <summary>Deletes a sweep row it read, unless it was written again since (its ETag): then it has a new reason to be there.</summary>
    public async Task RemoveAsync(ComplaintSweepEntity row, CancellationToken cancellationToken)
    {
        try { await _sweep.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken); }
        catch (Azure.RequestFailedException e) when (e.Status is 404 or 412) { }
    }

    /// <summary>The effects of <paramref name="e"/>'s change have run: its pending row goes (404 if the sweep took it first).</summary>
    public async Task EffectsDoneAsync(ComplaintEntity e, CancellationToken cancellationToken)
    {
        try { await _sweep.DeleteEntityAsync(ComplaintSweepEntity.Partition, ComplaintSweepEntity.PendingKey(e.UpdatedAt, e.TrackingCode), cancellationToken: cancellationToken); }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404) { }
    }

    /// <summary>
    /// Complaints written before the sweep table existed: the first sweep writes their rows (a one-off filter of
    /// the Complaints table for open or pending ones), then records that it did. Repeating it is harmless (upserts).
    /// </summary>
    public Task BackfillSweepOnceAsync(CancellationToken cancellationToken) =>
        Once.RunAsync(_sweep, "done", async () =>
        {
            foreach (var e in await Complaints.ListAsync<ComplaintEntity>(TableClient.CreateQueryFilter($"IsOpen eq {true} or EffectsPending eq {true}"), cancellationToken))
                await IndexAsync(e, cancellationToken);
        }, cancellationToken);

    /// <summary>Reads the complainant's contact; the access is logged first, so no read goes unrecorded.</summary>
    public async Task<ComplaintContactEntity?> ReadContactAsync(string trackingCode, string keyId, string role, string purpose, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await AccessLog.AddEntityAsync(new ComplaintAccessEntity
        {
            PartitionKey = trackingCode,
            RowKey = (DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            KeyId = keyId, Role = role, Purpose = purpose, At = now,
        }, cancellationToken);
        return await Contacts.GetOrNullAsync<ComplaintContactEntity>(trackingCode, ComplaintContactEntity.Key, cancellationToken);
    }

    /// <summary>
    /// Open complaints of a province (optionally a county) whose due date has passed in Tehran: the province's
    /// offices' partitions, never the whole table (every office of the province, as a complaint keeps the county
    /// it was filed in).
    /// </summary>
    public async Task<IReadOnlyList<OverdueComplaint>> ListOverdueAsync(string province, string? county, CancellationToken cancellationToken)
    {
        var today = Tehran.Today(clock);
        var calendar = await holidays.GetCalendarAsync(province, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"IsOpen eq true and DueDate lt {ComplaintRules.Format(today)}");
        if (county is not null) filter += " and " + TableClient.CreateQueryFilter($"CountyCode eq {county}");
        var offices = (await officeStore.ListAsync(province, null, cancellationToken)).Select(o => o.OfficeCode);
        var list = new List<OverdueComplaint>();
        foreach (var e in await Complaints.ListAcrossPartitionsAsync<ComplaintEntity>(offices, filter, cancellationToken,
                     select: ["PartitionKey", "RowKey", "TrackingCode", "CountyCode", "Category", "Stage", "DueDate", "IsOpen"]))
        {
            var due = ComplaintRules.ParseDate(e.DueDate!);
            list.Add(new OverdueComplaint(e.TrackingCode, e.OfficeCode, e.CountyCode, e.Category, e.Stage, due, calendar.WorkingDaysBetween(due, today)));
        }
        return list.OrderBy(o => o.DueDate).ThenBy(o => o.TrackingCode, StringComparer.Ordinal).ToList();
    }

    public async Task<OverdueCounts> CountOverdueAsync(string province, string? county, CancellationToken cancellationToken)
    {
        var list = await ListOverdueAsync(province, county, cancellationToken);
        return new OverdueCounts(list.Count(o => o.Stage == 1), list.Count(o => o.Stage == 2));
    }
}
