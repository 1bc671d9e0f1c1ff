using System.Buffers.Text;
using System.Text;
using Pishkhan.Problems;

namespace Pishkhan.Http;

/// <summary>A page of a list: items and the token to pass back as ?continuationToken= for the next page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

public static class Paging
{
    public static string? Encode(string? storageToken) =>
        storageToken is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(storageToken));

    public static string? Decode(string? token)
    {
        if (token is null) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            // Azure Tables tokens are "nextPartitionKey nextRowKey" (base64 parts); nothing else is accepted.
            if (decoded.Length is 0 or > 2000 || decoded.Any(c => c < 0x20 || c > 0x7e)) throw new FormatException();
            return decoded;
        }
        catch (FormatException)
        {
            throw Problem.Field("continuationToken", "Not a token this API issued.");
        }
    }
}
