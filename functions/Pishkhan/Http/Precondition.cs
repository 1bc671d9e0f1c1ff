using Azure;
using Microsoft.AspNetCore.Http;
using Pishkhan.Problems;

namespace Pishkhan.Http;

/// <summary>
/// The If-Match of a PUT that answers an ETag (RFC 9110 §13.1.1), checked against the stored entity inside
/// the store's read-modify-write, so the check and the ETag-guarded write see the same row:
/// <list type="bullet">
/// <item>absent: no condition, except where the route requires one to replace an existing resource
///   (<see cref="RequiredToReplace"/>): then 428 Precondition Required (creating needs none);</item>
/// <item><c>*</c>: the resource must exist (412 otherwise), any version;</item>
/// <item>ETags: the stored ETag must be one of them (412 otherwise); the write goes out under the ETag read, so a
///   change between the check and the write is a 412 too, never an overwrite.</item>
/// </list>
/// A 412 or 428 writes nothing.
/// </summary>
public sealed record Precondition(IReadOnlyList<string>? IfMatch, bool RequiredToReplace)
{
    public static readonly Precondition None = new(null, false);

    public static Precondition From(HttpRequest http, bool requiredToReplace)
    {
        var values = http.Headers.IfMatch;
        var etags = values.Count == 0 ? null
            : values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        return new(etags, requiredToReplace);
    }

    /// <summary>
    /// Throws 412/428 unless the condition holds for the stored ETag (null: no such resource). Called on every
    /// attempt of a read-modify-write: after a lost race the re-read row has a new ETag, so a named ETag then fails.
    /// </summary>
    public void Check(ETag? current)
    {
        if (IfMatch is null)
        {
            if (RequiredToReplace && current is not null) throw PreconditionRequired();
            return;
        }
        if (current is not { } etag || !(IfMatch.Contains("*") || IfMatch.Contains(etag.ToString()))) throw Problem.PreconditionFailed();
    }

    public static ApiProblem PreconditionRequired() => Problem.Status(StatusCodes.Status428PreconditionRequired, "Precondition required.",
        "The resource exists: send If-Match with the ETag you last read (or * to replace whatever is stored).");
}
