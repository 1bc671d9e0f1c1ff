using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Agencies;

/// <summary>Agencies table: PK = province, RK = agencyId (a provincial directorate of a national agency).</summary>
public sealed class AgencyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Province => PartitionKey;
    [IgnoreDataMember] public string AgencyId => RowKey;
    public string Name { get; set; } = "";
    public string? ContactEmail { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Status callbacks of service requests go here ("" = none); see Requests/Webhooks.cs.</summary>
    public string? WebhookUrl { get; set; }
    /// <summary>The HMAC signing secret of callbacks (it must be kept to sign); never shown after it is issued.</summary>
    public string? WebhookSecret { get; set; }
    public DateTimeOffset? WebhookSecretIssuedAt { get; set; }
    /// <summary>Why the last callback was refused for good (its target is not a public address); "" = none. Cleared when the agency is saved.</summary>
    public string? WebhookRefusal { get; set; }
}

public sealed record PutAgency(string Name, string Province, string? ContactEmail = null, string? WebhookUrl = null);

public sealed record AgencyView(string AgencyId, string Name, string Province, string? ContactEmail, string? WebhookUrl = null,
    DateTimeOffset? WebhookSecretIssuedAt = null, string? WebhookRefusal = null)
{
    public static AgencyView From(AgencyEntity e) => new(e.AgencyId, e.Name, e.Province, e.ContactEmail,
        string.IsNullOrEmpty(e.WebhookUrl) ? null : e.WebhookUrl, e.WebhookSecretIssuedAt,
        string.IsNullOrEmpty(e.WebhookRefusal) ? null : e.WebhookRefusal);
}

public sealed class AgencyStore(Store store, CodeDirectory directory)
{
    public TableClient Table { get; } = store.Table(Tables.Agencies);

    public async Task<AgencyEntity?> FindAsync(string agencyId, CancellationToken cancellationToken)
    {
        var entry = await directory.FindAsync(DirectoryKinds.Agency, agencyId, cancellationToken);
        return entry is null ? null : await Table.GetOrNullAsync<AgencyEntity>(entry.Province, agencyId, cancellationToken);
    }
}

public sealed class AgenciesApi(CodeDirectory codeDirectory, TimeProvider clock, AgencyStore agencyStore, Requests.ReferenceCache referenceCache,
    Requests.WebhookTargets webhookTargets)
{
    public async Task<IResult> Put(ApiRequest request)
    {
        var id = request.Code("agencyId");
        var body = await request.ReadJsonAsync<PutAgency>();
        var errors = new FieldErrors();
        var name = errors.Name("name", body.Name);
        var province = errors.Province("province", body.Province);
        var email = errors.Email("contactEmail", body.ContactEmail);
        var ct = request.CancellationToken;
        var webhookUrl = await webhookTargets.ValidateAsync(errors, "webhookUrl", body.WebhookUrl, ct);
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!));

        await codeDirectory.ClaimAsync(DirectoryKinds.Agency, id, province!, null, null, ct);
        // Merge keeps the webhook secret; "" (not null) clears the URL, as a merge skips null columns.
        var entity = new AgencyEntity
        {
            PartitionKey = province!, RowKey = id, Name = name!, ContactEmail = email, WebhookUrl = webhookUrl ?? "",
            WebhookRefusal = "", UpdatedAt = clock.GetUtcNow(),
        };
        await agencyStore.Table.UpsertEntityAsync(entity, TableUpdateMode.Merge, ct);
        referenceCache.ForgetAgency(id);
        var saved = await agencyStore.Table.GetOrNullAsync<AgencyEntity>(province!, id, ct);
        return TypedResults.Ok(AgencyView.From(saved ?? entity));
    }

    public async Task<IResult> Get(ApiRequest request)
    {
        var agency = await agencyStore.FindAsync(request.Code("agencyId"), request.CancellationToken);
        return agency is not null && request.CanSee(new ResourceScope(agency.Province, Agency: agency.AgencyId))
            ? TypedResults.Ok(AgencyView.From(agency))
            : throw Problem.NotFound("agency");
    }

    public async Task<IResult> List(ApiRequest request)
    {
        var errors = new FieldErrors();
        var province = request.Caller.Province ?? errors.Province("province", request.Query("province"));
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!));
        var (items, next) = await agencyStore.Table.PageAsync<AgencyEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {province}"), request.PageSize(), request.ContinuationToken(), request.CancellationToken);
        return TypedResults.Ok(new Http.Page<AgencyView>(items.Select(AgencyView.From).ToList(), Paging.Encode(next)));
    }
}
