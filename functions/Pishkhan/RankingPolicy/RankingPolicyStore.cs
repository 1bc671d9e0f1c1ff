using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.RankingPolicy;

/// <summary>
/// RankingPolicies table: PK = province, RK = (int.MaxValue − version) zero-padded, so the newest version
/// is the first row of the partition; column Json holds the policy. Versions are never overwritten: a
/// ranking names the version it used and publishes it.
/// </summary>
public sealed class RankingPolicyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Version { get; set; }
    public string Json { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    public static string RowKeyFor(int version) => (int.MaxValue - version).ToString("D10", CultureInfo.InvariantCulture);
}

public sealed class RankingPolicyStore(Store store, TimeProvider clock)
{
    private readonly TableClient _table = store.Table(Tables.RankingPolicies);

    /// <summary>The policy in force for a province: the newest stored version, or the default (version 1).</summary>
    public async Task<RankingPolicy> CurrentAsync(string province, CancellationToken cancellationToken = default)
    {
        await foreach (var page in _table.QueryAsync<RankingPolicyEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {province}"), maxPerPage: 1, cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
        {
            var newest = page.Values.FirstOrDefault();
            return newest is null ? RankingPolicy.Default(province) : JsonSerializer.Deserialize<RankingPolicy>(newest.Json, Http.Json.Stored)!;
        }
        return RankingPolicy.Default(province);
    }

    /// <summary>Stores <paramref name="policy"/> as the next version (insert-only; a concurrent writer makes us retry with the next number).</summary>
    public async Task<RankingPolicy> AddVersionAsync(RankingPolicy policy, string createdBy, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var current = await CurrentAsync(policy.Province, cancellationToken);
            var next = policy with { Version = current.Version + 1 };
            var entity = new RankingPolicyEntity
            {
                PartitionKey = policy.Province, RowKey = RankingPolicyEntity.RowKeyFor(next.Version), Version = next.Version,
                Json = JsonSerializer.Serialize(next, Http.Json.Stored), CreatedBy = createdBy, CreatedAt = clock.GetUtcNow(),
            };
            // A taken version is another writer's (go round with the next number), or this call's own insert with
            // its answer lost: this caller and this policy.
            if ((await _table.TryAddOwnAsync(entity, s => s.CreatedBy == createdBy && s.Json == entity.Json, cancellationToken)).Added) return next;
        }
        throw Problem.Conflict("The policy changed concurrently; retry.");
    }
}

public sealed class RankingPolicyApi(RankingPolicyStore rankingPolicyStore)
{
    /// <summary>The body of PUT /api/ranking-policy: a whole policy; the server assigns the version.</summary>
    public sealed record PutRankingPolicy(string Province, IReadOnlyList<IndicatorPolicy> Indicators, int MinimumVolume,
        IReadOnlyList<TierCutoff> Tiers, Normalisation Normalisation, int Resamples = 200, double IntervalCoverage = 0.90);

    public async Task<IResult> Put(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<PutRankingPolicy>();
        var errors = new FieldErrors();
        var province = errors.Province("province", body.Province);
        errors.ThrowIfAny();
        var policy = new RankingPolicy(province!, 1, body.Indicators, body.MinimumVolume, body.Tiers, body.Normalisation, body.Resamples, body.IntervalCoverage);
        errors.AddAll(policy.Validate());
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!));
        var saved = await rankingPolicyStore.AddVersionAsync(policy, request.Caller.KeyId, request.CancellationToken);
        return TypedResults.Ok(saved);
    }

    /// <summary>GET /api/ranking-policy?province= (public): the policy in force, as published with rankings.</summary>
    public async Task<IResult> Get(ApiRequest request)
    {
        var errors = new FieldErrors();
        var province = errors.Province("province", request.Query("province"));
        errors.ThrowIfAny();
        return TypedResults.Ok(await rankingPolicyStore.CurrentAsync(province!, request.CancellationToken));
    }
}
