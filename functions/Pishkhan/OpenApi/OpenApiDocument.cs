using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Bindings;
using Pishkhan.Http;

namespace Pishkhan.OpenApi;

/// <summary>
/// Builds the OpenAPI 3.1 document of the whole API from the functions the host serves (paths and methods
/// from functions.metadata) and their BindingTable rows (roles, summaries, bodies, examples). Schemas are exported from the C# records with
/// the app's own <see cref="Json.Options"/> (JsonSchemaExporter emits JSON Schema 2020-12, the dialect of
/// OpenAPI 3.1), so camelCase names, string enums and nullability are what the API really does.
/// </summary>
public sealed partial class OpenApiDocument(FunctionCatalog catalog)
{
    public const string Version = "3.1.0";
    public const string ApiKeyScheme = "ApiKey";

    private readonly Lazy<string> _cached = new(() => Build(catalog.Http, Docs).ToJsonString(WriteOptions));

    /// <summary>What the document says about each HTTP function, from its BindingTable row.</summary>
    public static readonly IReadOnlyDictionary<string, RouteDoc> Docs = BindingTable.Http.ToDictionary(f => f.Key, f => f.Value.Doc);

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>GET /api/openapi.json (public): built once per process.</summary>
    public Task<IResult> Get(ApiRequest request)
    {
        request.Http.HttpContext.Response.Headers.CacheControl = "public, max-age=300";
        return Task.FromResult<IResult>(TypedResults.Content(_cached.Value, "application/json; charset=utf-8", Encoding.UTF8));
    }

    public static JsonObject Build(IReadOnlyList<HttpBinding> bindings, IReadOnlyDictionary<string, RouteDoc> docs)
    {
        var schemas = new SchemaRegistry();
        var paths = new JsonObject();
        foreach (var binding in bindings)
        {
            var path = "/api/" + binding.Route;
            if (paths[path] is not JsonObject item)
            {
                item = new JsonObject();
                paths[path] = item;
            }
            var doc = docs.TryGetValue(binding.Function, out var d) ? d : new RouteDoc(binding.Function);
            item[binding.Method.ToLowerInvariant()] = Operation(binding, doc, schemas);
        }

        return new JsonObject
        {
            ["openapi"] = Version,
            ["info"] = new JsonObject
            {
                ["title"] = "Pishkhan API — سامانه کارگروه دفاتر پیشخوان دولت",
                ["version"] = "1.0.0",
                ["description"] = "Backend of a provincial working group overseeing Pishkhan Dowlat offices: reference data, service requests, "
                    + "complaints, inspections, sanctions, monthly rankings, targets and digests. JSON in camelCase; periods are Solar Hijri "
                    + "months (1405-09); errors are RFC 9457 problem details. Authenticated routes need an X-Api-Key; each route lists its roles.",
                ["contact"] = new JsonObject { ["name"] = "دبیرخانه کارگروه دفاتر پیشخوان دولت استان (the provincial working group's secretariat)" },
                // No licence is granted: the working group's own system. An SPDX LicenseRef says so in a machine-readable way.
                ["license"] = new JsonObject { ["name"] = "Proprietary", ["identifier"] = "LicenseRef-Proprietary" },
            },
            // Relative: the same host that served this document (the local host, or the Function App).
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/", ["description"] = "The host serving this document." }),
            ["jsonSchemaDialect"] = "https://spec.openapis.org/oas/3.1/dialect/base",
            ["tags"] = new JsonArray([.. bindings.Select(Tag).Distinct().Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t,
                ["description"] = TagDescriptions.GetValueOrDefault(t) ?? throw new InvalidOperationException($"Tag '{t}' has no description in OpenApiDocument.TagDescriptions."),
            })]),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.Components(),
                ["securitySchemes"] = new JsonObject
                {
                    [ApiKeyScheme] = new JsonObject
                    {
                        ["type"] = "apiKey",
                        ["in"] = "header",
                        ["name"] = HttpGateway.ApiKeyHeader,
                        ["description"] = "A key issued by POST /api/keys (pk_<keyId>_<secret>), bound to one role and scope.",
                    },
                },
            },
        };
    }

    private static JsonObject Operation(HttpBinding binding, RouteDoc doc, SchemaRegistry schemas)
    {
        var access = binding.Access.IsPublic
            ? "Public: no key needed."
            : "Roles: " + string.Join(", ", binding.Access.Roles.Order().Select(RoleName)) + ".";
        var operation = new JsonObject
        {
            ["operationId"] = binding.Function,
            ["summary"] = doc.Summary,
            ["description"] = doc.Description is null ? access : doc.Description + "\n\n" + access,
            ["tags"] = new JsonArray(Tag(binding)),
            ["x-pishkhan-roles"] = new JsonArray([.. binding.Access.Roles.Order().Select(r => (JsonNode)RoleName(r)!)]),
        };
        operation["security"] = binding.Access.IsPublic
            ? new JsonArray()
            : new JsonArray(new JsonObject { [ApiKeyScheme] = new JsonArray() });

        var routeParameters = RouteParameter().Matches(binding.Route).Select(m => m.Groups[1].Value).ToList();
        var parameters = new JsonArray();
        foreach (var name in routeParameters)
            parameters.Add(Parameter(name, "path", ApiDocs.PathParameters.GetValueOrDefault(name, "Identifier."), true, "string"));
        foreach (var q in doc.Query)
            parameters.Add(Parameter(q.Name, "query", q.Description, q.Required, q.Type));
        foreach (var h in doc.Headers)
            parameters.Add(Parameter(h.Name, "header", h.Description, h.Required, "string"));
        if (parameters.Count > 0) operation["parameters"] = parameters;

        if (doc.Body is not null)
        {
            var media = new JsonObject { ["schema"] = schemas.Reference(doc.Body) };
            if (doc.BodyExample is not null)
                media["example"] = doc.BodyMediaType == "application/json" ? JsonNode.Parse(doc.BodyExample) : doc.BodyExample;
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { [doc.BodyMediaType] = media },
            };
        }

        var responses = new JsonObject();
        var first = true;
        foreach (var (status, type) in doc.Responses.OrderBy(r => r.Key))
        {
            var response = new JsonObject { ["description"] = SuccessDescription(status) };
            if (type is not null)
            {
                var media = new JsonObject { ["schema"] = schemas.Reference(type) };
                if (first && doc.ResponseExample is not null)
                    media["example"] = doc.ResponseMediaType == "application/json" ? JsonNode.Parse(doc.ResponseExample) : doc.ResponseExample;
                response["content"] = new JsonObject { [doc.ResponseMediaType] = media };
            }
            responses[Status(status)] = response;
            first = false;
        }

        var problems = new SortedDictionary<int, string>();
        if (doc.Body is not null || doc.Query.Count > 0 || routeParameters.Count > 0)
            problems[400] = "Invalid input: `errors` names each field and what is wrong with it.";
        if (!binding.Access.IsPublic)
        {
            problems[401] = "No key, or an unknown or revoked key.";
            problems[403] = "The key's role may not call this route, or the resource is outside its scope.";
        }
        if (routeParameters.Count > 0) problems[404] = "No such resource, or it is outside the caller's scope.";
        if (doc.Body is not null)
        {
            problems[413] = "The body is larger than the configured limit.";
            problems[415] = $"Send Content-Type: {doc.BodyMediaType}.";
        }
        // The contract (API.md) lets public routes be rate limited; on Consumption plans the Functions host
        // may also answer 429 when busy. Every public operation says so, so every operation has a 4xx.
        if (binding.Access.IsPublic) problems[429] = "Too many requests (public routes may be rate limited); retry after the Retry-After seconds.";
        problems[503] = "Storage is unreachable; retry after the Retry-After seconds.";
        foreach (var (status, description) in doc.Errors) problems[status] = description;
        foreach (var (status, description) in problems)
        {
            responses[Status(status)] = new JsonObject
            {
                ["description"] = description,
                ["content"] = new JsonObject
                {
                    ["application/problem+json"] = new JsonObject
                    {
                        ["schema"] = new JsonObject { ["$ref"] = status == 400 ? SchemaRegistry.ValidationProblemRef : SchemaRegistry.ProblemRef },
                    },
                },
            };
        }
        operation["responses"] = responses;
        return operation;
    }

    /// <summary>One line per capability (tag), shown by API browsers above its operations.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["PublicSite"] = "What the public web site reads without a key: offices of a county with their latest tier and rank, and each province's latest report.",
        ["Agencies"] = "Government agencies that outsource services to the offices, with their contact email.",
        ["Auth"] = "API keys: issued per role and scope (province, county, agency, office or member), shown once, revocable.",
        ["Calendar"] = "Official holidays: the national calendar (solar holidays by rule, lunar ones estimated until confirmed) and each province's own.",
        ["Complaints"] = "Citizens' complaints about an office: filing and tracking by code, two decision stages with working-day deadlines.",
        ["Contracts"] = "An agency's contract: the services it outsources, their SLA hours and fees, the counties covered, validity dates.",
        ["Counties"] = "Counties (shahrestan) of a province: the unit of county inspection teams and rankings.",
        ["Digests"] = "The weekly email digest to working-group members, sent by a timer or on demand.",
        ["Health"] = "Liveness and storage reachability.",
        ["Inspections"] = "Inspection checklists, inspections (processed from a queue), follow-ups, requested inspections and re-inspection draws.",
        ["Meetings"] = "Working-group meetings and the status of their decisions.",
        ["Members"] = "Working-group members: role, county, digest subscription.",
        ["Notifications"] = "Unsubscribing from the digest through the signed link in its footer.",
        ["Offices"] = "Pishkhan offices: registration, CSV import, status, and the office's own view.",
        ["OpenApi"] = "This document.",
        ["RankingPolicy"] = "The province's ranking policy: indicator weights, minimum volume, shrinkage, tiers.",
        ["Rankings"] = "Monthly rankings of offices per province and county, published once the month is closed.",
        ["Ratings"] = "Citizens' ratings of a completed service, with a one-time token.",
        ["Requests"] = "Service requests an agency sends to an office, their events and SLA deadlines in working hours.",
        ["Sanctions"] = "Sanctions proposed after inspections: decisions, objections, the province's sanction policy.",
        ["Targets"] = "Planned values per indicator for a province or county and month, against the actual figures.",
    };

    private static JsonObject Parameter(string name, string location, string description, bool required, string type) => new()
    {
        ["name"] = name,
        ["in"] = location,
        ["description"] = description,
        ["required"] = required,
        ["schema"] = new JsonObject { ["type"] = type },
    };

    /// <summary>The capability a route belongs to: the namespace of its handler (Pishkhan.Offices → Offices).</summary>
    private static string Tag(HttpBinding binding)
    {
        var ns = binding.HandlerType.Namespace ?? "Pishkhan";
        return ns.Contains('.') ? ns[(ns.LastIndexOf('.') + 1)..] : ns;
    }

    private static string RoleName(Role role) => JsonNamingPolicy.CamelCase.ConvertName(role.ToString());

    private static string Status(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string SuccessDescription(int status) => status switch
    {
        200 => "OK.",
        201 => "Created; Location names the new resource.",
        202 => "Accepted for background processing.",
        204 => "Done; no content.",
        _ => "Success.",
    };

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^}]*)?\}")]
    private static partial Regex RouteParameter();

    /// <summary>Component schemas, one per record type, exported on first use.</summary>
    private sealed class SchemaRegistry
    {
        public const string ProblemRef = "#/components/schemas/Problem";
        public const string ValidationProblemRef = "#/components/schemas/ValidationProblem";

        private readonly SortedDictionary<string, JsonNode> _components = new(StringComparer.Ordinal)
        {
            ["Problem"] = ProblemSchema(withErrors: false),
            ["ValidationProblem"] = ProblemSchema(withErrors: true),
        };
        private readonly Dictionary<Type, string> _names = [];

        public JsonNode Reference(Type type)
        {
            if (type == typeof(string)) return new JsonObject { ["type"] = "string" };
            if (typeof(JsonNode).IsAssignableFrom(type)) return new JsonObject { ["type"] = "object" };
            if (!_names.TryGetValue(type, out var name))
            {
                name = NameOf(type);
                if (_components.ContainsKey(name)) name = (type.FullName ?? name).Replace('+', '.');
                _names[type] = name;
                _components[name] = Export(type, "#/components/schemas/" + name);
            }
            return new JsonObject { ["$ref"] = "#/components/schemas/" + name };
        }

        public JsonObject Components()
        {
            var result = new JsonObject();
            foreach (var (name, schema) in _components) result[name] = schema.DeepClone();
            return result;
        }

        private static string NameOf(Type type) =>
            type.IsGenericType
                ? string.Concat(type.GetGenericArguments().Select(NameOf)) + type.Name[..type.Name.IndexOf('`')]
                : type.Name;

        private static JsonNode Export(Type type, string location)
        {
            var schema = Json.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
            {
                TreatNullObliviousAsNonNullable = true,
                TransformSchemaNode = (_, node) => Tidy(node),
            });
            RebaseReferences(schema, location);
            return schema;
        }

        /// <summary>
        /// Responses omit null members (JsonIgnoreCondition.WhenWritingNull), and every nullable request
        /// member has a default, so a member that may be null is not listed as required.
        /// </summary>
        private static JsonNode Tidy(JsonNode node)
        {
            if (node is JsonObject { } obj && obj["properties"] is JsonObject properties && obj["required"] is JsonArray required)
            {
                foreach (var name in required.Select(r => r!.GetValue<string>()).ToList())
                {
                    if (properties[name] is JsonObject p && AllowsNull(p))
                        required.Remove(required.First(r => r!.GetValue<string>() == name));
                }
                if (required.Count == 0) obj.Remove("required");
            }
            return node;
        }

        private static bool AllowsNull(JsonObject property) => property["type"] switch
        {
            JsonArray types => types.Any(t => t?.GetValue<string>() == "null"),
            JsonValue v => v.GetValue<string>() == "null",
            _ => property["enum"] is JsonArray values && values.Any(v => v is null),
        };

        /// <summary>The exporter's references ("#", "#/properties/…") are relative to its root; the root now lives under components.</summary>
        private static void RebaseReferences(JsonNode? node, string location)
        {
            switch (node)
            {
                case JsonObject obj:
                    if (obj["$ref"] is JsonValue r && r.GetValue<string>() is { } reference && reference.StartsWith('#')
                        && !reference.StartsWith("#/components/", StringComparison.Ordinal))
                        obj["$ref"] = location + reference[1..];
                    foreach (var (_, child) in obj.ToList()) RebaseReferences(child, location);
                    break;
                case JsonArray array:
                    foreach (var child in array) RebaseReferences(child, location);
                    break;
            }
        }

        private static JsonObject ProblemSchema(bool withErrors)
        {
            var properties = new JsonObject
            {
                ["type"] = new JsonObject { ["type"] = "string", ["description"] = "A URI reference identifying the problem type." },
                ["title"] = new JsonObject { ["type"] = "string" },
                ["status"] = new JsonObject { ["type"] = "integer" },
                ["detail"] = new JsonObject { ["type"] = "string" },
                ["instance"] = new JsonObject { ["type"] = "string" },
            };
            if (withErrors)
                properties["errors"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "Field path (camelCase, e.g. services[0].slaHours) → messages.",
                    ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
                };
            return new JsonObject
            {
                ["type"] = "object",
                ["description"] = withErrors ? "RFC 9457 problem details with field errors." : "RFC 9457 problem details.",
                ["properties"] = properties,
            };
        }
    }
}
