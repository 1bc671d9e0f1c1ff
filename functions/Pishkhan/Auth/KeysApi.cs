using Microsoft.AspNetCore.Http;
using Pishkhan.Agencies;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Problems;

namespace Pishkhan.Auth;

/// <summary>
/// POST /api/keys {role, scope, label?}: scope is a province code (admin, member), a county code
/// (inspector), an agency id (agency) or an office code (office). An admin issues keys only inside its
/// province. The key is returned once; only its hash is stored.
/// </summary>
public sealed class KeysApi(CountyStore countyStore, AgencyStore agencyStore, OfficeStore officeStore, ApiKeys apiKeys)
{
    public sealed record IssueKey(Role Role, string Scope, string? Label = null);

    public sealed record IssuedKey(string KeyId, string Key, Role Role, string Scope, string Province, string? County, string? Label);

    /// <summary>IssuedBy: the issuing key's id ("bootstrap" for the bootstrap key); Person: the key at the root of that chain.</summary>
    public sealed record KeyView(string KeyId, Role Role, string? Province, string? County, string? Subject, string? Label, DateTimeOffset CreatedAt,
        DateTimeOffset? RevokedAt, string IssuedBy, string Person);

    /// <summary>GET /api/me: who the presented key is (role, scope and their names), for the working-group console. Never the key nor its hash.</summary>
    public sealed record MeView(string KeyId, Role Role, string? Province, string? ProvinceName, string? County, string? CountyName, string? Subject,
        string? Label);

    /// <summary>GET /api/me: any valid key reads its own principal; an unknown, revoked or missing key is 401 before this runs.</summary>
    public async Task<IResult> Me(ApiRequest request)
    {
        var caller = request.Caller;
        var ct = request.CancellationToken;
        var entity = caller.IsBootstrap ? null : await apiKeys.GetAsync(caller.KeyId, ct);
        var county = caller.County is null ? null : await countyStore.FindAsync(caller.County, ct);
        return TypedResults.Ok(new MeView(caller.KeyId, caller.Role, caller.Province,
            caller.Province is not null && Provinces.Names.TryGetValue(caller.Province, out var provinceName) ? provinceName : null,
            caller.County, county?.Name, caller.Subject, caller.IsBootstrap ? "bootstrap" : entity?.Label));
    }

    public async Task<IResult> Post(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<IssueKey>();
        var ct = request.CancellationToken;
        var errors = new FieldErrors();
        var label = errors.Text("label", body.Label, 100, required: false);
        string? province = null, county = null, subject = null;
        switch (body.Role)
        {
            case Role.Admin or Role.Member:
                province = errors.Province("scope", body.Scope);
                break;
            case Role.Inspector:
                var countyCode = errors.Code("scope", body.Scope);
                var c = countyCode is null ? null : await countyStore.FindAsync(countyCode, ct);
                if (countyCode is not null && c is null) errors.Add("scope", "No such county.");
                (province, county) = (c?.Province, c?.CountyCode);
                break;
            case Role.Agency:
                var agencyId = errors.Code("scope", body.Scope);
                var a = agencyId is null ? null : await agencyStore.FindAsync(agencyId, ct);
                if (agencyId is not null && a is null) errors.Add("scope", "No such agency.");
                (province, subject) = (a?.Province, a?.AgencyId);
                break;
            case Role.Office:
                var officeCode = errors.Code("scope", body.Scope);
                var o = officeCode is null ? null : await officeStore.FindAsync(officeCode, ct);
                if (officeCode is not null && o is null) errors.Add("scope", "No such office.");
                (province, county, subject) = (o?.Province, o?.CountyCode, o?.OfficeCode);
                break;
            default:
                errors.Add("role", "One of admin, member, inspector, agency, office.");
                break;
        }
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province!));

        var (entity, key) = await apiKeys.IssueAsync(body.Role, province, county, subject, label, request.Caller, ct);
        var scope = subject ?? county ?? province!;
        return TypedResults.Created($"/api/keys/{entity.KeyId}", new IssuedKey(entity.KeyId, key, body.Role, scope, province!, county, label));
    }

    public async Task<IResult> Get(ApiRequest request)
    {
        var entity = await apiKeys.GetAsync(KeyId(request), request.CancellationToken);
        if (entity is null || !request.CanSee(new ResourceScope(entity.Province ?? ""))) throw Problem.NotFound("key");
        return TypedResults.Ok(new KeyView(entity.KeyId, Enum.Parse<Role>(entity.Role), entity.Province, entity.County, entity.Subject, entity.Label, entity.CreatedAt,
            entity.RevokedAt, entity.CreatedBy, await apiKeys.PersonOfAsync(entity, request.CancellationToken)));
    }

    public async Task<IResult> Delete(ApiRequest request)
    {
        var keyId = KeyId(request);
        var entity = await apiKeys.GetAsync(keyId, request.CancellationToken);
        if (entity is null || !request.CanSee(new ResourceScope(entity.Province ?? ""))) throw Problem.NotFound("key");
        await apiKeys.RevokeAsync(keyId, request.CancellationToken);
        return TypedResults.NoContent();
    }

    private string KeyId(ApiRequest request)
    {
        var id = request.RouteValue("keyId");
        return id.Length == 16 && id.All(Uri.IsHexDigit) ? id.ToLowerInvariant() : throw Problem.Field("keyId", "A key id is 16 hexadecimal characters.");
    }
}
