namespace Pishkhan.OpenApi;

/// <summary>
/// What the OpenAPI document says about one route beyond the binding table (which already gives the
/// path, method and roles). Bodies are C# records; their schemas come from System.Text.Json with the
/// app's own options, so the document describes exactly what the API reads and writes.
/// Problem responses (400, 401, 403, 404, 413, 415, 503) are added from the route's shape.
/// </summary>
public sealed record RouteDoc(string Summary)
{
    public string? Description { get; init; }

    /// <summary>The request body record (read strictly with Http/Json.Options); a POST/PUT needs one or <see cref="NoBody"/>.</summary>
    public Type? Body { get; init; }

    /// <summary>A POST/PUT that takes no body (an action such as :recompute).</summary>
    public bool NoBody { get; init; }

    public string BodyMediaType { get; init; } = "application/json";

    /// <summary>An example body as the caller would send it (JSON, or CSV text for text/csv); Persian where the text is Persian.</summary>
    public string? BodyExample { get; init; }

    /// <summary>Success statuses and their body record; null for a response without body (204).</summary>
    public IReadOnlyDictionary<int, Type?> Responses { get; init; } = new Dictionary<int, Type?>();

    /// <summary>The media type of the success responses' bodies (text/html for a page a person opens).</summary>
    public string ResponseMediaType { get; init; } = "application/json";

    /// <summary>An example of the first success response's body (JSON).</summary>
    public string? ResponseExample { get; init; }

    public IReadOnlyList<QueryParameter> Query { get; init; } = [];

    public IReadOnlyList<HeaderParameter> Headers { get; init; } = [];

    /// <summary>Problem statuses beyond the automatic ones, with what they mean here (409, 412, 422, 429 …).</summary>
    public IReadOnlyDictionary<int, string> Errors { get; init; } = new Dictionary<int, string>();
}

public sealed record QueryParameter(string Name, string Description, bool Required = false, string Type = "string");

public sealed record HeaderParameter(string Name, string Description, bool Required = false);

/// <summary>Shorthands that keep ApiDocs entries to a few lines.</summary>
public static class Doc
{
    public static IReadOnlyDictionary<int, Type?> Ok<T>() => new Dictionary<int, Type?> { [200] = typeof(T) };

    public static IReadOnlyDictionary<int, Type?> Created<T>() => new Dictionary<int, Type?> { [201] = typeof(T) };

    public static IReadOnlyDictionary<int, Type?> Accepted<T>() => new Dictionary<int, Type?> { [202] = typeof(T) };

    public static IReadOnlyDictionary<int, Type?> NoContent() => new Dictionary<int, Type?> { [204] = null };

    public static readonly QueryParameter PageSize = new("pageSize", "Items per page, 1–200 (default 50).", Type: "integer");

    public static readonly QueryParameter ContinuationToken = new("continuationToken", "The continuationToken of the previous page, as returned.");

    public static readonly IReadOnlyList<QueryParameter> PageParameters = [PageSize, ContinuationToken];

    public static readonly QueryParameter Province =
        new("province", "Province code (e.g. lorestan). Callers bound to a province may omit it; the bootstrap key must give it.");

    public static readonly HeaderParameter IdempotencyKey =
        new("Idempotency-Key", "A retry with the same key and body returns the first response; the same key with another body is 422.");

    public static readonly HeaderParameter IfMatch =
        new("If-Match", "Optional: the ETag last read (or * for any stored version); a changed or missing resource answers 412 and nothing is written.");

    /// <summary>If-Match where replacing an existing resource requires it (428 without it); creating needs none.</summary>
    public static readonly HeaderParameter IfMatchToReplace =
        new("If-Match", "Required to replace an existing resource (428 without it): the ETag last read, or * for any stored version; a changed resource answers 412 and nothing is written. Not needed to create one.");

    public static readonly IReadOnlyDictionary<int, string> PreconditionErrors = new Dictionary<int, string>
    {
        [412] = "If-Match does not match the stored ETag (changed since read, or absent): nothing was written.",
    };
}
