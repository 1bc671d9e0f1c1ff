using System.Security.Cryptography;
using System.Text;
using Pishkhan.Text;

namespace Pishkhan.Complaints;

/// <summary>
/// Tracking codes and complainant secrets: random characters from a 32-letter alphabet without the
/// look-alikes 0/O and 1/I, read aloud in groups of four ("K7MQ-2XHP-R9TC"). A tracking code is 11 random
/// characters (55 bits from the OS CSPRNG) and one check character by ISO 7064 MOD 33,32 (the hybrid
/// system for a 32-character alphabet): every single wrong character and most swaps of neighbours are
/// caught before storage is asked. A secret is 16 random characters (80 bits), stored only as a hash.
/// </summary>
public static class TrackingCode
{
    public const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    public const int DataLength = 11;
    public const int Length = DataLength + 1;
    public const int SecretLength = 16;
    private const int M = 32;

    public static string New()
    {
        var data = Random(DataLength);
        return Group(data + CheckCharacter(data));
    }

    public static string NewSecret() => Group(Random(SecretLength));

    /// <summary>The check character of <paramref name="data"/> (alphabet characters only).</summary>
    public static char CheckCharacter(string data)
    {
        var p = M;
        foreach (var c in data)
        {
            var s = (p + Alphabet.IndexOf(c)) % M;
            if (s == 0) s = M;
            p = s * 2 % (M + 1);
        }
        // The check value makes the final step land on 1, as ISO 7064 hybrid systems require.
        return Alphabet[(M + 1 - p) % M];
    }

    /// <summary>
    /// Accepts what a citizen types: any case, spaces or dashes anywhere, Persian digits. False when a
    /// character is outside the alphabet, the length is wrong or the check character does not match.
    /// </summary>
    public static bool TryParse(string? input, out string code)
    {
        code = "";
        if (!TryCompact(input, Length, out var compact)) return false;
        if (CheckCharacter(compact[..DataLength]) != compact[DataLength]) return false;
        code = Group(compact);
        return true;
    }

    /// <summary>The canonical form of a secret as typed; false when it cannot be one.</summary>
    public static bool TryParseSecret(string? input, out string secret)
    {
        secret = "";
        if (!TryCompact(input, SecretLength, out var compact)) return false;
        secret = Group(compact);
        return true;
    }

    public static string HashSecret(string canonicalSecret) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalSecret)));

    public static bool SecretMatches(string? input, string storedHash)
    {
        if (!TryParseSecret(input, out var secret) || storedHash.Length != 64) return false;
        return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(HashSecret(secret)), Convert.FromHexString(storedHash));
    }

    private static bool TryCompact(string? input, int length, out string compact)
    {
        compact = "";
        if (input is null || input.Length > 3 * length) return false;
        var sb = new StringBuilder(length);
        foreach (var raw in PersianText.NormalizeDigits(input))
        {
            if (raw is '-' or ' ') continue;
            var c = raw is >= 'a' and <= 'z' ? (char)(raw - ('a' - 'A')) : raw;
            if (!Alphabet.Contains(c)) return false;
            sb.Append(c);
        }
        if (sb.Length != length) return false;
        compact = sb.ToString();
        return true;
    }

    private static string Random(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(M)];
        return new string(chars);
    }

    private static string Group(string compact)
    {
        var sb = new StringBuilder(compact.Length + compact.Length / 4);
        for (var i = 0; i < compact.Length; i++)
        {
            if (i > 0 && i % 4 == 0) sb.Append('-');
            sb.Append(compact[i]);
        }
        return sb.ToString();
    }
}
