using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Problems;
using Pishkhan.Storage;
using Pishkhan.Text;

namespace Pishkhan.Requests;

/// <summary>
/// POST /api/requests. Validates everything first (nothing is written for bad input), checks the
/// contract, routes, computes dueAt, then:
/// 1. while the caller waits, ONE transaction in RequestKeys (PK = agency + shard of the key hash): the
///    idempotency claim (RK = hash of the Idempotency-Key, so of two concurrent retries exactly one is
///    inserted and the other reads it) and the agency's index row naming the claim; then the 201;
/// 2. after the answer, the request in its office's partition of Requests with the office's counters (see
///    RequestBook), group-committed with the office's other intakes of the next moments
///    (RequestBook.LandInBackground). Until then the index row (found from the id: agency, claim shard and
///    millisecond) lets the agency read the request, and the hourly sweep lands it if this process stops first.
/// A retry finds the claim: a different body is 422; the same body gets the first answer, and the request is
/// written from the claim's draft if it is not there yet.
/// </summary>
public sealed class IntakeApi(ReferenceCache referenceCache, TimeProvider clock, OfficeRouter officeRouter, HolidayStore holidayStore, Store store, Committers committers, RequestBook requestBook)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public async Task<IResult> Post(ApiRequest request)
    {
        var caller = request.Caller;
        var agencyId = caller.Subject ?? throw Problem.Forbidden("The key is not bound to an agency.");
        var body = await request.ReadJsonAsync<PostRequest>();
        var errors = new FieldErrors();
        var key = IdempotencyKey(request, errors);
        var contractId = errors.Code("contractId", body.ContractId);
        var serviceCode = errors.Code("serviceCode", body.ServiceCode);
        var officeCode = errors.Code("officeCode", body.OfficeCode, required: false);
        var countyCode = errors.Code("countyCode", body.CountyCode, required: false);
        var externalRef = errors.Text("externalRef", body.ExternalRef, 100);
        var citizen = Citizen(errors, body.Citizen);
        errors.ThrowIfAny();

        var ct = request.CancellationToken;
        var contract = await referenceCache.ContractAsync(contractId!, ct);
        OfficeEntity? office = null;
        if (officeCode is not null)
        {
            office = await referenceCache.OfficeAsync(officeCode, ct);
            if (office is null || contract is null || office.Province != contract.Province) errors.Add("officeCode", "No such office.");
            else if (office.Status != OfficeStatus.Active) errors.Add("officeCode", $"The office is {office.Status} and takes no requests.");
            else if (countyCode is not null && countyCode != office.CountyCode) errors.Add("countyCode", "The office is in another county.");
        }
        var county = office?.CountyCode ?? countyCode ?? (contract is null ? null : ContractRules.DefaultCounty(contract));
        if (office is null && county is null && contract is not null && officeCode is null)
            errors.Add("countyCode", "Name the county (the contract covers several) or an office.");
        var service = ContractRules.Check(errors, contract, agencyId, serviceCode!, county, officeCode is not null ? "officeCode" : "countyCode",
            Tehran.Today(clock));
        errors.ThrowIfAny();

        var lease = office is not null
            ? officeRouter.Reserve(office.OfficeCode)
            : await officeRouter.RouteAsync(contract!.Province, county!, ct)
              ?? throw Problem.Conflict($"No active office in county '{county}' can take requests now.");
        var leaseHandedOver = false;
        try
        {
            var now = clock.GetUtcNow();
            var calendar = await holidayStore.GetCalendarAsync(contract!.Province, ct);
            var dueAt = calendar.AddWorkingHours(now, service!.SlaHours);
            var claimKey = ClaimRow.KeyFor(key!);
            var claimPartition = ClaimRow.PartitionFor(agencyId, claimKey);
            var id = RequestIds.Id(lease.OfficeCode, RequestIds.NewSuffix(now, ClaimRow.ShardOf(claimKey)));
            var draft = new RequestDraft(id, agencyId, contract!.ContractId, service.ServiceCode, service.Name, service.SlaHours, externalRef!,
                contract.Province, county!, lease.OfficeCode, now, dueAt, citizen.NationalId, citizen.Mobile, citizen.Email, caller.KeyId);
            var bodyHash = BodyHash(contractId!, serviceCode!, officeCode, countyCode, externalRef!, citizen);

            var (claim, isNew) = await committers.For(store.Table(Tables.RequestKeys), claimPartition)
                .SubmitAsync(new ClaimUnit(claimKey, draft, bodyHash), ct);
            if (claim.BodyHash != bodyHash)
                throw Problem.Status(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused.",
                    "This Idempotency-Key was already used with a different body; use a new key for a new request.");

            if (isNew)
            {
                // Indexed first (once per office and instance), so the landing queues its office write before this returns.
                await requestBook.IndexOfficeAsync(draft.Province, draft.OfficeCode, ct);
                requestBook.LandInBackground(draft, lease);
                leaseHandedOver = true;
            }
            else
            {
                // A retry: the first attempt may have stopped before its office write (or be lingering in this process).
                await requestBook.LandFromClaimAsync(claim, ct);
            }
            return TypedResults.Created($"/api/requests/{claim.RequestId}", new RequestCreated(claim.RequestId, claim.OfficeCode, RequestStatus.Submitted, claim.DueAt));
        }
        finally
        {
            if (!leaseHandedOver) lease.Dispose();
        }
    }

    private string? IdempotencyKey(ApiRequest request, FieldErrors errors)
    {
        var values = request.Http.Headers[IdempotencyKeyHeader];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            errors.Add(IdempotencyKeyHeader, "The header is required: a unique value per request you post (e.g. a UUID), reused only for retries.");
            return null;
        }
        var key = values[0]!;
        if (values.Count > 1 || key.Length > 200 || !key.All(c => c is > ' ' and <= '~'))
        {
            errors.Add(IdempotencyKeyHeader, "Use 1–200 visible ASCII characters, once.");
            return null;
        }
        return key;
    }

    private static CitizenContact Citizen(FieldErrors errors, CitizenContact? citizen)
    {
        if (citizen is null) return new CitizenContact();
        string? nationalId = null, mobile = null;
        if (citizen.NationalId is not null)
        {
            if (NationalId.TryNormalize(citizen.NationalId, out var n)) nationalId = n;
            else errors.Add("citizen.nationalId", "Not a valid national ID (10 digits with a valid check digit).");
        }
        if (citizen.Mobile is not null)
        {
            if (MobileNumber.TryNormalize(citizen.Mobile, out var m)) mobile = m;
            else errors.Add("citizen.mobile", "Not a valid mobile number (09xxxxxxxxx).");
        }
        var email = errors.Email("citizen.email", citizen.Email);
        return new CitizenContact(nationalId, mobile, email);
    }

    /// <summary>Hash of the request as normalised, so "same body" ignores spacing and digit forms.</summary>
    internal static string BodyHash(string contractId, string serviceCode, string? officeCode, string? countyCode, string externalRef, CitizenContact c)
    {
        var canonical = JsonSerializer.Serialize(new[] { contractId, serviceCode, officeCode, countyCode, externalRef, c.NationalId, c.Mobile, c.Email });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private sealed class ClaimUnit(string claimKey, RequestDraft draft, string bodyHash) : Unit<(ClaimRow Claim, bool IsNew)>
    {
        private readonly string _partition = ClaimRow.PartitionFor(draft.AgencyId, claimKey);
        private readonly string _indexKey = AgencyIndexRow.KeyFor(draft.CreatedAt, draft.RequestId);

        public override IEnumerable<RowRef> Rows =>
            [RowRef.For<ClaimRow>(claimKey, RowLoad.AssumeAbsent), RowRef.For<AgencyIndexRow>(_indexKey, RowLoad.AssumeAbsent)];

        public override (ClaimRow, bool) Decide(WorkingSet ws)
        {
            if (ws.Get<ClaimRow>(claimKey) is { } existing) return (existing, false);
            var claim = new ClaimRow
            {
                PartitionKey = _partition, RowKey = claimKey, BodyHash = bodyHash, RequestId = draft.RequestId, OfficeCode = draft.OfficeCode,
                CreatedAt = draft.CreatedAt, DueAt = draft.DueAt, DraftJson = JsonSerializer.Serialize(draft, Json.Stored),
            };
            ws.Put(claim);
            ws.Put(new AgencyIndexRow { PartitionKey = _partition, RowKey = _indexKey, RequestId = draft.RequestId, CreatedAt = draft.CreatedAt, ClaimKey = claimKey });
            return (claim, true);
        }
    }
}

/// <summary>
/// Routes by <see cref="Routing.Choose"/> over the county's active offices; the rank is the office's province
/// rank in the latest published ranking (cached like the other reference data). Open work is the office's
/// "~office" counter as this instance's committer last wrote or read it (re-read when older than
/// <see cref="CounterMaxAge"/>), plus the intakes this instance has routed there and not yet written,
/// so a burst of concurrent intakes spreads instead of piling onto the same office.
/// </summary>
public sealed class OfficeRouter(ReferenceCache cache, Committers committers, Store store)
{
    public static readonly TimeSpan CounterMaxAge = TimeSpan.FromSeconds(5);
    private readonly TableClient _requests = store.Table(Tables.Requests);
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public sealed class Lease(OfficeRouter router, string officeCode) : IDisposable
    {
        private int _disposed;
        public string OfficeCode { get; } = officeCode;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) router._inFlight.AddOrUpdate(OfficeCode, 0, (_, n) => Math.Max(0, n - 1));
        }
    }

    public Lease Reserve(string officeCode)
    {
        _inFlight.AddOrUpdate(officeCode, 1, (_, n) => n + 1);
        return new Lease(this, officeCode);
    }

    public async Task<Lease?> RouteAsync(string province, string countyCode, CancellationToken cancellationToken)
    {
        var offices = (await cache.CountyOfficesAsync(province, countyCode, cancellationToken)).Where(o => o.Status == OfficeStatus.Active).ToList();
        if (offices.Count == 0) return null;
        var open = await Task.WhenAll(offices.Select(o => OpenWorkAsync(o.OfficeCode, cancellationToken)));
        var ranks = await cache.LatestRanksAsync(province, cancellationToken);
        lock (_gate)
        {
            var chosen = Routing.Choose(offices.Select((o, i) =>
                new OfficeCandidate(o.OfficeCode, o.Status, ranks.GetValueOrDefault(o.OfficeCode), open[i] + _inFlight.GetValueOrDefault(o.OfficeCode))))!;
            return Reserve(chosen);
        }
    }

    public async Task<int> OpenWorkAsync(string officeCode, CancellationToken cancellationToken) =>
        (await committers.For(_requests, officeCode).PeekAsync<LedgerRow>(RequestIds.LedgerRowKey, CounterMaxAge, cancellationToken))?.Open ?? 0;
}
