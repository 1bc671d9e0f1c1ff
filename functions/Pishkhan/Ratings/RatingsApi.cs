using Microsoft.AspNetCore.Http;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Requests;
using Pishkhan.Text;

namespace Pishkhan.Ratings;

/// <summary>
/// POST /api/ratings (public): a citizen rates a completed service with the one-time token from the
/// completion message. The token is "{requestId}.{secret}"; the request row keeps only its SHA-256, and
/// the rating is written in one ETag-guarded transaction with its statistics, so a token works once
/// (replay 409) however many times it is sent concurrently; an unknown token is 404. The comment is
/// stored as given (it is escaped wherever it is shown).
/// </summary>
public sealed class RatingsApi(RequestBook requestBook, Notifications.RatingCodes ratingCodes, TimeProvider clock)
{
    public const int MaxCommentLength = 1000;
    private const long MaxBodyBytes = 8 * 1024;

    public async Task<IResult> Post(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<PostRating>(MaxBodyBytes);
        var errors = new FieldErrors();
        if (body.Token.Length is 0 or > 200) errors.Add("token", "The token from your message is required.");
        if (body.Score is < 1 or > 5) errors.Add("score", "A whole number from 1 to 5.");
        var comment = string.IsNullOrWhiteSpace(body.Comment) ? null : body.Comment;
        if (comment is not null && comment.Length > MaxCommentLength) errors.Add("comment", $"At most {MaxCommentLength} characters.");
        else if (comment is not null && PersianText.HasForbiddenCharacters(comment, allowNewlines: true))
            errors.Add("comment", "The text has control, bidi-override or invalid characters.");
        errors.ThrowIfAny();

        var ct = request.CancellationToken;
        // The email's full token or the SMS's 12-character code (RatingCodes maps it to the same token hash).
        var (key, hash) = await ratingCodes.ResolveAsync(body.Token, ct) ?? throw Problem.NotFound("rating token");
        // A plain read first: unknown tokens are answered without touching the office's write path.
        var known = await requestBook.FindAsync(key, ct);
        if (known?.RatingTokenHash is null || known.RatingTokenHash != hash) throw Problem.NotFound("rating token");
        if (known.RatedAt is not null) throw Problem.Conflict("This rating token was already used.");

        var now = clock.GetUtcNow();
        var rated = await requestBook.RateAsync(key, hash, body.Score, comment, now, ct);
        return TypedResults.Created((string?)null, new RatingRecorded(body.Score, rated.RatedAt!.Value));
    }
}
