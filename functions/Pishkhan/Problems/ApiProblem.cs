using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Pishkhan.Problems;

/// <summary>
/// Thrown anywhere below a handler to answer with an RFC 9457 problem; HttpGateway turns it into the
/// response. An exception keeps validation code linear ("check, check, check, write") without
/// threading results through every helper.
/// </summary>
public sealed class ApiProblem(IResult result, string title) : Exception(title)
{
    public IResult Result { get; } = result;

    /// <summary>The status, detail and field errors the problem answers with (what a per-row report repeats).</summary>
    public int Status => (Result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status500InternalServerError;
    public string? Detail => (Result as ProblemHttpResult)?.ProblemDetails.Detail;
    public IDictionary<string, string[]>? Errors => (Result as ValidationProblem)?.ProblemDetails.Errors;
}

public static class Problem
{
    public static ApiProblem Validation(IDictionary<string, string[]> errors) =>
        new(TypedResults.ValidationProblem(errors, title: "The request has invalid fields."), "validation");

    public static ApiProblem Field(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ApiProblem Status(int status, string title, string? detail = null) =>
        new(TypedResults.Problem(detail: detail, statusCode: status, title: title), title);

    public static ApiProblem NotFound(string what) => Status(StatusCodes.Status404NotFound, "Not found.", $"No {what} with that identifier is visible to you.");
    public static ApiProblem Conflict(string detail) => Status(StatusCodes.Status409Conflict, "Conflict.", detail);
    /// <summary>An ETag-guarded write lost to another writer: nothing was written; the caller may read again and retry.</summary>
    public static ApiProblem ChangedConcurrently(string what) => Conflict($"The {what} changed concurrently; retry.");
    public static ApiProblem Forbidden(string detail = "The resource is outside your role or scope.") => Status(StatusCodes.Status403Forbidden, "Forbidden.", detail);
    public static ApiProblem Unauthorized() => Status(StatusCodes.Status401Unauthorized, "Unauthorized.", "Send a valid, unrevoked key in the X-Api-Key header.");
    public static ApiProblem PreconditionFailed() => Status(StatusCodes.Status412PreconditionFailed, "Precondition failed.", "The resource changed since you read it (ETag mismatch).");
    public static ApiProblem TooLarge(long limit) => Status(StatusCodes.Status413PayloadTooLarge, "Payload too large.", $"The body may be at most {limit} bytes.");
    public static ApiProblem UnsupportedMediaType(string expected) => Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", $"Send Content-Type: {expected}.");
}
