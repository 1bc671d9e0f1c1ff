namespace Pishkhan.Text;

// Identifier codes (office, county, agency, contract, member ids) end up in table keys and URLs,
// so they are plain lower-case ASCII. Persian digits are accepted as input; Persian letters are not,
// because ي/ی and ك/ک look identical and would make two codes that read the same.
public static class Codes
{
    public const int MinLength = 2;
    public const int MaxLength = 40;

    public static bool TryNormalize(string? input, out string code)
    {
        code = string.Empty;
        if (input is null) return false;
        var s = PersianText.NormalizeDigits(input).Trim();
        if (s.Length is < MinLength or > MaxLength) return false;

        // ASCII-only lowering: culture-aware lowering would turn the Kelvin sign or Turkish İ into k or i.
        var chars = new char[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i] is >= 'A' and <= 'Z' ? (char)(s[i] + ('a' - 'A')) : s[i];
            var ok = c is >= 'a' and <= 'z' or >= '0' and <= '9' || (c == '-' && i > 0);
            if (!ok) return false;
            chars[i] = c;
        }

        code = new string(chars);
        return true;
    }
}
