using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Members;

public static class MemberRoles
{
    public const string Chair = "chair";
    public const string Secretary = "secretary";
    public const string Member = "member";
    public const string CountyLead = "countyLead";
    public static readonly string[] All = [Chair, Secretary, Member, CountyLead];
}

/// <summary>Members table: PK = province, RK = memberId (the digest job reads one partition per province).</summary>
public sealed class MemberEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Province => PartitionKey;
    [IgnoreDataMember] public string MemberId => RowKey;
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string Role { get; set; } = MemberRoles.Member;
    public string? CountyCode { get; set; }
    public bool Digest { get; set; } = true;
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed record PutMember(string Name, string Email, string Role, string Province, string? CountyCode = null, bool Digest = true);

/// <summary>Members' emails are shown only to admins of their province (the route is admin-only).</summary>
public sealed record MemberView(string MemberId, string Name, string Email, string Role, string Province, string? CountyCode, bool Digest)
{
    public static MemberView From(MemberEntity e) => new(e.MemberId, e.Name, e.Email, e.Role, e.Province, e.CountyCode, e.Digest);
}

public sealed class MembersApi(CountyStore countyStore, TimeProvider clock, Store store)
{
    public async Task<IResult> Put(ApiRequest request)
    {
        var id = request.Code("memberId");
        var body = await request.ReadJsonAsync<PutMember>();
        var errors = new FieldErrors();
        var name = errors.Name("name", body.Name, 100);
        var email = errors.Email("email", body.Email, required: true);
        var province = errors.Province("province", body.Province);
        if (!MemberRoles.All.Contains(body.Role)) errors.Add("role", "One of chair, secretary, member, countyLead.");
        var county = errors.Code("countyCode", body.CountyCode, required: body.Role == MemberRoles.CountyLead);
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!));
        var ct = request.CancellationToken;
        if (county is not null && (await countyStore.FindAsync(county, ct))?.Province != province)
            throw Problem.Field("countyCode", "No such county in this province.");

        var entity = new MemberEntity
        {
            PartitionKey = province!, RowKey = id, Name = name!, Email = email!, Role = body.Role, CountyCode = county, Digest = body.Digest,
            UpdatedAt = clock.GetUtcNow(),
        };
        await store.Table(Tables.Members).UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
        return TypedResults.Ok(MemberView.From(entity));
    }

    public async Task<IResult> List(ApiRequest request)
    {
        var errors = new FieldErrors();
        var province = request.Caller.Province ?? errors.Province("province", request.Query("province"));
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!));
        var (items, next) = await store.Table(Tables.Members).PageAsync<MemberEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {province}"), request.PageSize(), request.ContinuationToken(), request.CancellationToken);
        return TypedResults.Ok(new Http.Page<MemberView>(items.Select(MemberView.From).ToList(), Paging.Encode(next)));
    }
}
