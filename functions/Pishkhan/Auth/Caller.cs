using System.Text.Json.Serialization;

namespace Pishkhan.Auth;

[JsonConverter(typeof(Http.CamelCaseEnumConverter<Role>))]
public enum Role { Admin, Member, Inspector, Agency, Office }

/// <summary>
/// Who is calling. Province is null only for the bootstrap admin (every province). County is set for
/// inspectors and offices; Subject is the agency id, office code or member id the key was issued to.
/// Person is the key id at the root of the chain of issuers (see <see cref="ApiKeys"/>): keys with the same
/// person may be held by one human, since an issuer sees every key it issues.
/// </summary>
public sealed record Caller(Role Role, string? Province, string? County, string? Subject, string KeyId, string? Person = null)
{
    public bool IsBootstrap => KeyId == ApiKeys.BootstrapKeyId;

    public string PersonId => Person ?? KeyId;
}

/// <summary>The province / county / agency / office a resource belongs to.</summary>
public sealed record ResourceScope(string Province, string? County = null, string? Agency = null, string? Office = null);

/// <summary>Which roles may call a route; declared per route in the binding table.</summary>
public sealed record AccessRule(bool IsPublic, IReadOnlySet<Role> Roles)
{
    public static readonly AccessRule Public = new(true, new HashSet<Role>());

    public static AccessRule For(params Role[] roles) => new(false, roles.ToHashSet());

    public bool Allows(Caller? caller) => IsPublic || (caller is not null && Roles.Contains(caller.Role));
}

/// <summary>
/// The one place that decides whether a caller's scope covers a resource (object-level authorisation).
/// Handlers name the resource's scope; they never compare provinces or codes themselves.
/// </summary>
public static class ScopePolicy
{
    public static bool Covers(Caller caller, ResourceScope resource) => caller.Role switch
    {
        Role.Admin or Role.Member => caller.Province is null || caller.Province == resource.Province,
        Role.Inspector => caller.Province == resource.Province && resource.County is not null && caller.County == resource.County,
        Role.Agency => resource.Agency is not null && caller.Subject == resource.Agency,
        Role.Office => resource.Office is not null && caller.Subject == resource.Office,
        _ => false,
    };
}
