using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pishkhan.Auth;
using Pishkhan.Problems;
using Pishkhan.Text;

namespace Pishkhan.Http;

/// <summary>
/// What a handler gets: the HTTP request, the authenticated caller and the route values. What else a handler
/// touches comes through its class's constructor.
/// </summary>
public sealed class ApiRequest(HttpRequest http, Caller? caller, RouteValueDictionary route, long maxJsonBodyBytes, CancellationToken cancellationToken)
{
    public HttpRequest Http { get; } = http;
    public Caller? CallerOrNull { get; } = caller;
    public Caller Caller => CallerOrNull ?? throw Problem.Unauthorized();
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>A route value that is an identifier code: digits normalised, validated, else 400.</summary>
    public string Code(string name) =>
        Codes.TryNormalize(RouteValue(name), out var code)
            ? code
            : throw Problem.Field(name, "Use 2–40 characters: a–z, 0–9 and '-'.");

    /// <summary>
    /// A route value as the server decoded it (once). Not decoded again: a '%' left in it is an encoded slash
    /// or a double-encoded character, refused like control characters (400, not a 500 from a second decode).
    /// </summary>
    public string RouteValue(string name)
    {
        var value = route.TryGetValue(name, out var v) ? v?.ToString() ?? "" : "";
        return value.Contains('%') || value.Any(char.IsControl) ? throw Problem.Field(name, "The value has forbidden characters ('%' or a control character).") : value;
    }

    public string? Query(string name)
    {
        var values = Http.Query[name];
        if (values.Count > 1) throw Problem.Field(name, "Give the parameter once.");
        var value = values.Count == 1 ? values[0] : null;
        if (value is { Length: > 200 }) throw Problem.Field(name, "The value is too long.");
        if (value is not null && PersianText.HasForbiddenCharacters(value, allowNewlines: false)) throw Problem.Field(name, "The value has forbidden characters.");
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public string? QueryCode(string name)
    {
        var value = Query(name);
        if (value is null) return null;
        return Codes.TryNormalize(value, out var code) ? code : throw Problem.Field(name, "Use 2–40 characters: a–z, 0–9 and '-'.");
    }

    public int PageSize(int defaultSize = 50, int max = 200)
    {
        var value = Query("pageSize");
        if (value is null) return defaultSize;
        return int.TryParse(PersianText.NormalizeDigits(value), out var n) && n is >= 1 && n <= max
            ? n
            : throw Problem.Field("pageSize", $"A whole number from 1 to {max}.");
    }

    /// <summary>The opaque continuation token of a paged list (base64url of the storage token).</summary>
    public string? ContinuationToken() => Paging.Decode(Query("continuationToken"));

    /// <summary>Reads and strictly deserialises a JSON body: 415 for another media type, 413 past the limit, 400 otherwise.</summary>
    public async Task<T> ReadJsonAsync<T>(long? maxBytes = null)
    {
        if (!IsMediaType("application/json")) throw Problem.UnsupportedMediaType("application/json");
        var bytes = await ReadBodyAsync(maxBytes ?? maxJsonBodyBytes);
        if (bytes.Length == 0) throw Problem.Field("$", "A JSON body is required.");
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json.Options) ?? throw Problem.Field("$", "A JSON object is required.");
        }
        catch (JsonException e)
        {
            var (field, message) = Json.Describe(e);
            throw Problem.Field(field, message);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json reports some malformed input (e.g. invalid UTF-16 escapes) this way.
            throw Problem.Field("$", "The body is not valid JSON text.");
        }
    }

    public async Task<string> ReadTextAsync(string mediaType, long maxBytes)
    {
        if (!IsMediaType(mediaType)) throw Problem.UnsupportedMediaType(mediaType);
        var bytes = await ReadBodyAsync(maxBytes);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Problem.Field("$", "The body is not valid UTF-8.");
        }
    }

    private bool IsMediaType(string expected)
    {
        var contentType = Http.ContentType;
        if (contentType is null) return false;
        var media = contentType.Split(';')[0].Trim();
        return media.Equals(expected, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<byte[]> ReadBodyAsync(long maxBytes)
    {
        if (Http.ContentLength > maxBytes) throw Problem.TooLarge(maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await Http.Body.ReadAsync(chunk, CancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw Problem.TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The request's If-Match, to check inside the store's read-modify-write (see <see cref="Http.Precondition"/>).</summary>
    public Precondition Precondition(bool requiredToReplace = false) => Pishkhan.Http.Precondition.From(Http, requiredToReplace);

    /// <summary>Object-level authorisation through the central policy: 403 unless the caller's scope covers it.</summary>
    public void Demand(ResourceScope scope)
    {
        if (!ScopePolicy.Covers(Caller, scope)) throw Problem.Forbidden();
    }

    /// <summary>For reads: a resource outside the caller's scope is indistinguishable from a missing one.</summary>
    public bool CanSee(ResourceScope scope) => CallerOrNull is { } c && ScopePolicy.Covers(c, scope);
}
