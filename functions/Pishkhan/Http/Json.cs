using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Pishkhan.Http;

/// <summary>Enums travel as camelCase names ("minMax"), never as numbers, in requests, responses and stored JSON.</summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;

public static partial class Json
{
    /// <summary>
    /// Strict reading: unknown fields, missing required fields, nulls for non-nullable members, trailing
    /// commas, comments, numbers for enums, and a field given twice (names compared ignoring case, as they
    /// are matched) are all errors. Depth is capped (deep-nesting attacks). Duplicates matter because a
    /// validator or proxy in front of the API may read the first value where "last wins" would read the last.
    /// </summary>
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            MaxDepth = 16,
            AllowTrailingCommas = false,
            AllowDuplicateProperties = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Persian stays readable in responses; HTML-significant characters are still escaped.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>
    /// For JSON the app wrote itself (table columns, queue messages, published files): nulls are written
    /// and read back, and nothing is rejected, so a stored document always round-trips.
    /// </summary>
    public static readonly JsonSerializerOptions Stored = CreateStored();

    private static JsonSerializerOptions CreateStored()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>The response side of the HTTP API: camelCase, enums as camelCase strings, Persian unescaped.</summary>
    public static void ConfigureResponses(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }

    /// <summary>Turns a deserialisation failure into a field error without leaking .NET type names.</summary>
    public static (string Field, string Message) Describe(JsonException e)
    {
        var message = e.Message;
        var unknown = UnknownMember().Match(message);
        if (unknown.Success) return (Join(e.Path, unknown.Groups[1].Value), "Unknown field.");
        var duplicate = DuplicateMember().Match(message);
        if (duplicate.Success)
        {
            // The path ends with the second spelling of the name ("$.Status"); report the field's own name.
            var at = FieldOf(e.Path);
            var cut = at.LastIndexOf('.');
            return (cut < 0 ? duplicate.Groups[1].Value : at[..cut] + "." + duplicate.Groups[1].Value, "The field is given more than once.");
        }
        var missing = MissingMembers().Match(message);
        if (missing.Success)
            return (Join(e.Path, missing.Groups[1].Value.Split(',')[0].Trim().Trim('\'')), "The field is required.");
        if (message.Contains("maximum configured depth", StringComparison.Ordinal)) return ("$", "The JSON is nested too deeply.");
        var field = FieldOf(e.Path);
        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase))
            return (field, "The field may not be null.");
        return (field, e.Path is null or "$" ? "The body is not valid JSON of the expected shape." : "The value has the wrong type or format.");
    }

    private static string Join(string? path, string member)
    {
        var parent = FieldOf(path);
        if (parent == member || parent.EndsWith("." + member, StringComparison.Ordinal)) return parent;
        return parent is "$" or "" ? member : parent + "." + member;
    }

    private static string FieldOf(string? path) =>
        path is null or "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnknownMember();

    [GeneratedRegex("^Duplicate property '([^']*)'")]
    private static partial Regex DuplicateMember();

    [GeneratedRegex("missing required properties including: (.*)\\.", RegexOptions.Singleline)]
    private static partial Regex MissingMembers();
}
