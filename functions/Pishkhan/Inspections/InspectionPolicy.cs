using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Sanctions;
using Pishkhan.Storage;

namespace Pishkhan.Inspections;

/// <summary>
/// How inspections are scored and how coverage is planned, per province. Every member has a default, so
/// a province that never PUTs one uses these values.
/// </summary>
public sealed record InspectionPolicy(
    // A failed critical item caps the score at this value (0..100) and is a major violation.
    double CriticalFailureScoreCap = 50,
    // Working days an office has to correct a failed item (critical / other).
    int CriticalFixWorkingDays = 5,
    int FixWorkingDays = 15,
    // Months within which a failure of the same item counts as a recurrence.
    int RecurrenceMonths = 12,
    // Every active office is due a routine inspection this often.
    int RoutineIntervalMonths = 6,
    // Share (0..1) of each county team's inspections of a month drawn for a province re-inspection.
    // (The draw's key is the secret setting Pishkhan__ReinspectionDrawSecret, never part of this published policy.)
    double ReinspectionShare = 0.1,
    // How far in the past a visit may be reported.
    int MaxBackdateDays = 60)
{
    public static InspectionPolicy Default { get; } = new();

    public void Validate(FieldErrors errors)
    {
        if (CriticalFailureScoreCap is < 0 or > 100 || double.IsNaN(CriticalFailureScoreCap)) errors.Add("criticalFailureScoreCap", "From 0 to 100.");
        if (CriticalFixWorkingDays is < 1 or > 120) errors.Add("criticalFixWorkingDays", "From 1 to 120.");
        if (FixWorkingDays is < 1 or > 120) errors.Add("fixWorkingDays", "From 1 to 120.");
        if (RecurrenceMonths is < 1 or > 60) errors.Add("recurrenceMonths", "From 1 to 60.");
        if (RoutineIntervalMonths is < 1 or > 36) errors.Add("routineIntervalMonths", "From 1 to 36.");
        if (ReinspectionShare is < 0 or > 1 || double.IsNaN(ReinspectionShare)) errors.Add("reinspectionShare", "From 0 to 1.");
        if (MaxBackdateDays is < 1 or > 366) errors.Add("maxBackdateDays", "From 1 to 366.");
    }
}

/// <summary>
/// InspectionPolicies table: PK = province, RK = "inspection" or "sanction"; columns Json, UpdatedAt,
/// UpdatedBy. A missing row means the defaults. Reads are cached for 30 s per instance (a PUT through an
/// instance refreshes its cache at once).
/// </summary>
public sealed class PolicyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Json { get; set; } = "{}";
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

public sealed class PolicyStore(Store store, TimeProvider clock)
{
    public const string InspectionKind = "inspection";
    public const string SanctionKind = "sanction";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly Dictionary<(string, string), (object Policy, DateTimeOffset At)> _cache = new();
    public TableClient Table { get; } = store.Table(Tables.InspectionPolicies);

    public Task<InspectionPolicy> InspectionAsync(string province, CancellationToken cancellationToken = default) =>
        GetAsync(province, InspectionKind, InspectionPolicy.Default, cancellationToken);

    public Task<SanctionPolicy> SanctionAsync(string province, CancellationToken cancellationToken = default) =>
        GetAsync(province, SanctionKind, SanctionPolicy.Default, cancellationToken);

    private async Task<T> GetAsync<T>(string province, string kind, T fallback, CancellationToken cancellationToken) where T : class
    {
        lock (_cache)
            if (_cache.TryGetValue((province, kind), out var hit) && clock.GetUtcNow() - hit.At < CacheFor) return (T)hit.Policy;
        var entity = await Table.GetOrNullAsync<PolicyEntity>(province, kind, cancellationToken);
        // Json.Stored ignores what the policy no longer has (rows written before "drawSeed" left it).
        var policy = entity is null ? fallback : JsonSerializer.Deserialize<T>(entity.Json, Http.Json.Stored)!;
        lock (_cache) _cache[(province, kind)] = (policy, clock.GetUtcNow());
        return policy;
    }

    public async Task SaveAsync<T>(string province, string kind, T policy, string updatedBy, CancellationToken cancellationToken) where T : class
    {
        await Table.UpsertEntityAsync(new PolicyEntity
        {
            PartitionKey = province, RowKey = kind, Json = JsonSerializer.Serialize(policy, Http.Json.Options), UpdatedAt = clock.GetUtcNow(), UpdatedBy = updatedBy,
        }, TableUpdateMode.Replace, cancellationToken);
        lock (_cache) _cache[(province, kind)] = (policy, clock.GetUtcNow());
    }
}

/// <summary>GET (public: the policies are published) and PUT (admin) of a province's inspection and sanction policies.</summary>
public sealed class PolicyApi(PolicyStore policyStore)
{
    public async Task<IResult> GetInspection(ApiRequest request) =>
        TypedResults.Ok(await policyStore.InspectionAsync(PublicProvince(request), request.CancellationToken));

    public async Task<IResult> GetSanction(ApiRequest request) =>
        TypedResults.Ok(await policyStore.SanctionAsync(PublicProvince(request), request.CancellationToken));

    public async Task<IResult> PutInspection(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<InspectionPolicy>();
        var errors = new FieldErrors();
        body.Validate(errors);
        errors.ThrowIfAny();
        var province = InspectionScope.Province(request);
        request.Demand(new ResourceScope(province));
        await policyStore.SaveAsync(province, PolicyStore.InspectionKind, body, request.Caller.KeyId, request.CancellationToken);
        return TypedResults.Ok(body);
    }

    public async Task<IResult> PutSanction(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<SanctionPolicy>();
        var errors = new FieldErrors();
        body.Validate(errors);
        errors.ThrowIfAny();
        var province = InspectionScope.Province(request);
        request.Demand(new ResourceScope(province));
        await policyStore.SaveAsync(province, PolicyStore.SanctionKind, body, request.Caller.KeyId, request.CancellationToken);
        return TypedResults.Ok(body);
    }

    private string PublicProvince(ApiRequest request)
    {
        var errors = new FieldErrors();
        var province = errors.Province("province", request.Query("province") ?? request.CallerOrNull?.Province);
        errors.ThrowIfAny();
        return province!;
    }
}
