namespace Pishkhan.Text;

// Iranian national ID (کد ملی): ten digits, the last a mod-11 check digit over the first nine.
public static class NationalId
{
    public static bool TryNormalize(string? input, out string nationalId)
    {
        nationalId = string.Empty;
        if (input is null) return false;
        var s = PersianText.NormalizeDigits(input).Trim();
        if (s.Length != 10 || !s.All(char.IsAsciiDigit)) return false;
        // Ten identical digits pass the checksum (e.g. 1111111111) but are never issued.
        if (s.All(c => c == s[0])) return false;

        var sum = 0;
        for (var i = 0; i < 9; i++) sum += (s[i] - '0') * (10 - i);
        var r = sum % 11;
        var check = r < 2 ? r : 11 - r;
        if (s[9] - '0' != check) return false;

        nationalId = s;
        return true;
    }
}
