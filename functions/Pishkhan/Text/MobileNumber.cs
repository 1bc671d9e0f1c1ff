namespace Pishkhan.Text;

// Iranian mobile numbers are written many ways (+98, 0098, 98, 0 or no prefix, Persian digits,
// grouped with spaces or dashes); storage and SMS lookups need one form: 09xxxxxxxxx.
public static class MobileNumber
{
    public static bool TryNormalize(string? input, out string mobile)
    {
        mobile = string.Empty;
        if (input is null) return false;
        var s = new string(PersianText.NormalizeDigits(input).Where(c => c != '-' && !char.IsWhiteSpace(c)).ToArray());

        // The national significant number: ten digits starting with 9.
        string? nsn = s switch
        {
            { Length: 13 } when s.StartsWith("+98", StringComparison.Ordinal) => s[3..],
            { Length: 14 } when s.StartsWith("0098", StringComparison.Ordinal) => s[4..],
            { Length: 12 } when s.StartsWith("98", StringComparison.Ordinal) => s[2..],
            { Length: 11 } when s.StartsWith('0') => s[1..],
            { Length: 10 } => s,
            _ => null,
        };
        if (nsn is null || nsn[0] != '9' || !nsn.All(char.IsAsciiDigit)) return false;

        mobile = "0" + nsn;
        return true;
    }
}
