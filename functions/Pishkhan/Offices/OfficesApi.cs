using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Offices;

public sealed class OfficeStore(Store store, CodeDirectory directory)
{
    public TableClient Table { get; } = store.Table(Tables.Offices);

    public async Task<OfficeEntity?> FindAsync(string officeCode, CancellationToken cancellationToken)
    {
        var entry = await directory.FindAsync(DirectoryKinds.Office, officeCode, cancellationToken);
        return entry is null ? null : await Table.GetOrNullAsync<OfficeEntity>(entry.Province, officeCode, cancellationToken);
    }

    /// <summary>
    /// Creates or replaces an office's reference fields, keeping the summary columns other capabilities
    /// maintain (read-modify-write under the ETag), if the stored office meets <paramref name="precondition"/> (If-Match).
    /// </summary>
    public async Task<OfficeEntity> SaveAsync(OfficeEntity incoming, Precondition precondition, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Checked before the claim too, so a 412/428 leaves the directory entry (its county) as it was.
        if (precondition != Precondition.None)
            precondition.Check((await Table.GetOrNullAsync<OfficeEntity>(incoming.Province, incoming.OfficeCode, cancellationToken))?.ETag);
        await directory.ClaimAsync(DirectoryKinds.Office, incoming.OfficeCode, incoming.Province, incoming.CountyCode, null, cancellationToken);
        return (await Table.UpdateWithRetryAsync<OfficeEntity>(incoming.Province, incoming.OfficeCode, current =>
        {
            precondition.Check(current?.ETag);
            var next = Copy(incoming);
            if (next.Status.Length == 0) next.Status = current?.Status ?? OfficeStatus.Active;
            if (current is not null)
            {
                next.ETag = current.ETag;
                next.OpenComplaints = current.OpenComplaints;
                next.ActiveSanctions = current.ActiveSanctions;
            }
            next.UpdatedAt = clock.GetUtcNow();
            return next;
        }, cancellationToken))!;
    }

    /// <summary>
    /// Writes up to 100 offices of one province in one entity-group transaction, like <see cref="SaveAsync"/> row
    /// by row: the summary columns and (without a status) the status of <paramref name="current"/> are kept, each
    /// existing row replaced under its ETag. False when the transaction fails (another writer changed a row):
    /// nothing was written, and the caller saves those offices one by one. The codes must be claimed first.
    /// </summary>
    public async Task<bool> TrySaveManyAsync(IReadOnlyList<OfficeEntity> incoming, IReadOnlyDictionary<string, OfficeEntity> current, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var actions = new List<TableTransactionAction>();
        foreach (var office in incoming)
        {
            var next = Copy(office);
            next.UpdatedAt = now;
            if (current.TryGetValue(office.OfficeCode, out var existing))
            {
                if (next.Status.Length == 0) next.Status = existing.Status;
                (next.OpenComplaints, next.ActiveSanctions) = (existing.OpenComplaints, existing.ActiveSanctions);
                actions.Add(new(TableTransactionActionType.UpdateReplace, next, existing.ETag));
            }
            else
            {
                if (next.Status.Length == 0) next.Status = OfficeStatus.Active;
                actions.Add(new(TableTransactionActionType.Add, next));
            }
        }
        return await CodeDirectory.SubmitAsync(Table, actions, cancellationToken);
    }

    /// <summary>The offices of a province by code, with their ETags (what a bulk save compares with).</summary>
    public async Task<Dictionary<string, OfficeEntity>> ByCodeAsync(string province, CancellationToken cancellationToken) =>
        (await ListAsync(province, null, cancellationToken)).ToDictionary(o => o.OfficeCode, StringComparer.Ordinal);

    private static OfficeEntity Copy(OfficeEntity e) => new()
    {
        PartitionKey = e.PartitionKey, RowKey = e.RowKey, Name = e.Name, CountyCode = e.CountyCode, Address = e.Address,
        ManagerName = e.ManagerName, LicenseNo = e.LicenseNo, Phone = e.Phone, Email = e.Email, RegularHours = e.RegularHours,
        ThursdayHours = e.ThursdayHours, AfterHours = e.AfterHours, Status = e.Status,
    };

    /// <summary>Every office of every province: the whole table in pages of 1,000 (for a job over all provinces).</summary>
    public Task<List<OfficeEntity>> ListAllAsync(CancellationToken cancellationToken) => Table.ListAsync<OfficeEntity>(null, cancellationToken);

    /// <summary>All offices of a province, optionally one county's (a filter within the partition).</summary>
    public Task<List<OfficeEntity>> ListAsync(string province, string? countyCode, CancellationToken cancellationToken) =>
        Table.ListAsync<OfficeEntity>(countyCode is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {province}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {province} and CountyCode eq {countyCode}"), cancellationToken);
}

public sealed class OfficesApi(CountyStore countyStore, OfficeStore officeStore, TimeProvider clock, Rankings.RankingStore rankingStore)
{
    public async Task<IResult> Put(ApiRequest request)
    {
        var code = request.Code("officeCode");
        var body = await request.ReadJsonAsync<PutOffice>();
        var ct = request.CancellationToken;
        var counties = countyStore;
        // The county names the province; an unknown county is a field error, a foreign one is 403.
        var county = Text.Codes.TryNormalize(body.CountyCode, out var countyCode) ? await counties.FindAsync(countyCode, ct) : null;
        if (county is not null) request.Demand(new ResourceScope(county.Province));
        var errors = new FieldErrors();
        var entity = await OfficeRules.ValidateAsync(errors, code, county?.Province ?? "", body, counties, ct);
        errors.ThrowIfAny();
        // Replacing an office someone else may have edited needs the ETag read (428 without If-Match); creating one does not.
        var saved = await officeStore.SaveAsync(entity!, request.Precondition(requiredToReplace: true), clock, ct);
        request.Http.HttpContext.Response.Headers.ETag = saved.ETag.ToString();
        return TypedResults.Ok(OfficeView.From(saved));
    }

    public async Task<IResult> Get(ApiRequest request)
    {
        var ct = request.CancellationToken;
        var office = await officeStore.FindAsync(request.Code("officeCode"), ct);
        if (office is null || !request.CanSee(new ResourceScope(office.Province, office.CountyCode, Office: office.OfficeCode))) throw Problem.NotFound("office");
        var rankings = rankingStore;
        var latest = await rankings.GetLatestAsync(office.Province, ct);
        var row = latest is null ? null : await rankings.Table.GetOrNullAsync<Rankings.RankingRowEntity>(Rankings.RankingStore.PartitionFor(office.Province, latest.Period), office.OfficeCode, ct);
        return TypedResults.Ok(OfficeView.From(office, row?.ProvinceRank, row is null ? null : latest!.Period));
    }

    /// <summary>GET /api/offices?province=&amp;countyCode=&amp;status=&amp;pageSize=&amp;continuationToken=</summary>
    public async Task<IResult> List(ApiRequest request)
    {
        var caller = request.Caller;
        var errors = new FieldErrors();
        var province = caller.Province ?? errors.Province("province", request.Query("province"));
        var county = caller.Role == Role.Inspector ? caller.County : request.QueryCode("countyCode");
        var status = request.Query("status");
        if (status is not null && !OfficeStatus.All.Contains(status)) errors.Add("status", "One of active, suspended, revoked.");
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!, county));

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {province}");
        if (county is not null) filter += " and " + TableClient.CreateQueryFilter($"CountyCode eq {county}");
        if (status is not null) filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        var (items, next) = await officeStore.Table.PageAsync<OfficeEntity>(filter, request.PageSize(), request.ContinuationToken(), request.CancellationToken);
        return TypedResults.Ok(new Page<OfficeView>(items.Select(o => OfficeView.From(o)).ToList(), Paging.Encode(next)));
    }
}
