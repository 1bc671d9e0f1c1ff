using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Notifications.Templates;
using Pishkhan.Requests;
using Pishkhan.Storage;

namespace Pishkhan.Notifications;

/// <summary>RatingCodes table: PK = SHA-256 (hex) of the code, RK = "". Columns: RequestId, TokenHash (the request row's RatingTokenHash), CreatedAt.</summary>
public sealed class RatingCodeEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string RequestId { get; set; } = "";
    public string TokenHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// Short rating codes for SMS. A rating token is "{officeCode}_{16}.{43}" — 75 characters for a typical
/// office code, up to 101 — so a link carrying it cannot fit two SMS parts. The SMS carries instead a
/// 12-character code (60 bits) derived from the token (<see cref="CodeFor"/>: the same token always
/// gives the same code, so composing an SMS twice writes nothing new), and this table maps the code's
/// hash to the request and the token's hash — the token itself is not stored here. <see cref="ResolveAsync"/>
/// turns either form into what POST /api/ratings checks (request key + token hash), so a code works
/// exactly like its token: once. The email keeps the full token.
/// </summary>
public sealed class RatingCodes(Store store, TimeProvider clock)
{
    public const int Length = 12;
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private readonly TableClient _table = store.Table(Tables.RatingCodes);

    public static string CodeFor(string ratingToken)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("pishkhan-rating-code\n" + ratingToken));
        var code = new char[Length];
        for (var i = 0; i < Length; i++) code[i] = Alphabet[hash[i] & 31];
        return new string(code);
    }

    public static bool IsCode(string? s) => s is { Length: Length } && s.All(c => Alphabet.Contains(c));

    private static string KeyOf(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    /// <summary>The code of a token, recorded (insert-if-absent) before the SMS carrying it is sent.</summary>
    public async Task<string> IssueAsync(string ratingToken, CancellationToken cancellationToken = default)
    {
        var dot = ratingToken.IndexOf('.');
        if (!RatingTokens.TryParse(ratingToken, out _)) throw new TemplateDataException("requestCompleted: ratingToken is not a rating token.");
        var code = CodeFor(ratingToken);
        await _table.TryAddAsync(new RatingCodeEntity
        {
            PartitionKey = KeyOf(code), RequestId = ratingToken[..dot], TokenHash = RatingTokens.Hash(ratingToken), CreatedAt = clock.GetUtcNow(),
        }, cancellationToken);
        return code;
    }

    /// <summary>A full token or a short code → the request and the token hash to compare with its RatingTokenHash; null when unknown.</summary>
    public async Task<(RequestKey Key, string TokenHash)?> ResolveAsync(string tokenOrCode, CancellationToken cancellationToken = default)
    {
        if (RatingTokens.TryParse(tokenOrCode, out var key)) return (key, RatingTokens.Hash(tokenOrCode));
        if (!IsCode(tokenOrCode)) return null;
        var row = await _table.GetOrNullAsync<RatingCodeEntity>(KeyOf(tokenOrCode), "", cancellationToken);
        return row is not null && RequestIds.TryParse(row.RequestId, out var rowKey) ? (rowKey, row.TokenHash) : null;
    }
}
