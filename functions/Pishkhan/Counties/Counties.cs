using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Counties;

/// <summary>Counties table: PK = province, RK = countyCode (listing a province's counties is one partition).</summary>
public sealed class CountyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Province => PartitionKey;
    [IgnoreDataMember] public string CountyCode => RowKey;
    public string Name { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed record PutCounty(string Name, string Province);

public sealed record CountyView(string CountyCode, string Name, string Province)
{
    public static CountyView From(CountyEntity e) => new(e.CountyCode, e.Name, e.Province);
}

public sealed class CountyStore(Store store, CodeDirectory directory)
{
    public TableClient Table { get; } = store.Table(Tables.Counties);

    public async Task<CountyEntity?> FindAsync(string countyCode, CancellationToken cancellationToken)
    {
        var entry = await directory.FindAsync(DirectoryKinds.County, countyCode, cancellationToken);
        return entry is null ? null : await Table.GetOrNullAsync<CountyEntity>(entry.Province, countyCode, cancellationToken);
    }

    public Task<List<CountyEntity>> ListAsync(string province, CancellationToken cancellationToken) =>
        Table.ListAsync<CountyEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {province}"), cancellationToken);
}

public sealed class CountiesApi(CodeDirectory codeDirectory, TimeProvider clock, CountyStore countyStore)
{
    public async Task<IResult> Put(ApiRequest request)
    {
        var code = request.Code("countyCode");
        var body = await request.ReadJsonAsync<PutCounty>();
        var errors = new FieldErrors();
        var name = errors.Name("name", body.Name, max: 100);
        var province = errors.Province("province", body.Province);
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!));

        var ct = request.CancellationToken;
        await codeDirectory.ClaimAsync(DirectoryKinds.County, code, province!, code, null, ct);
        var precondition = request.Precondition();
        var saved = (await countyStore.Table.UpdateWithRetryAsync<CountyEntity>(province!, code, current =>
        {
            precondition.Check(current?.ETag);
            return new CountyEntity { PartitionKey = province!, RowKey = code, ETag = current?.ETag ?? default, Name = name!, UpdatedAt = clock.GetUtcNow() };
        }, ct))!;
        request.Http.HttpContext.Response.Headers.ETag = saved.ETag.ToString();
        return TypedResults.Ok(CountyView.From(saved));
    }

    public async Task<IResult> Get(ApiRequest request)
    {
        // Public reference data: a county's name and province are no secret.
        var county = await countyStore.FindAsync(request.Code("countyCode"), request.CancellationToken);
        return county is not null ? TypedResults.Ok(CountyView.From(county)) : throw Problem.NotFound("county");
    }

    /// <summary>GET /api/counties?province= — public reference data (names only).</summary>
    public async Task<IResult> List(ApiRequest request)
    {
        var errors = new FieldErrors();
        var province = errors.Province("province", request.Query("province") ?? request.CallerOrNull?.Province);
        errors.ThrowIfAny();
        var counties = await countyStore.ListAsync(province!, request.CancellationToken);
        return TypedResults.Ok(new Http.Page<CountyView>(counties.Select(CountyView.From).ToList(), null));
    }
}
