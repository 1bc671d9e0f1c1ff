using System.Text;

namespace Pishkhan.Text;

// Persian keyboards and OCR'd or copy-pasted text mix Persian, Arabic and ASCII forms of the same
// digits and letters; identifiers must compare equal whichever was typed.
public static class PersianText
{
    private const char PersianZero = '\u06F0';
    private const char ArabicIndicZero = '\u0660';

    public static string NormalizeDigits(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Map(s, c => c switch
        {
            >= PersianZero and <= '\u06F9' => (char)('0' + (c - PersianZero)),
            >= ArabicIndicZero and <= '\u0669' => (char)('0' + (c - ArabicIndicZero)),
            _ => c,
        });
    }

    public static string NormalizeLetters(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Map(s, c => c switch
        {
            '\u064A' or '\u0649' => '\u06CC', // Arabic yeh, alef maksura -> Persian yeh
            '\u0643' => '\u06A9',             // Arabic kaf -> Persian keheh
            _ => c,
        });
    }

    public static string Normalize(string s) => NormalizeDigits(NormalizeLetters(s)).Trim();

    public static string ToPersianDigits(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Map(s, c => c is >= '0' and <= '9' ? (char)(PersianZero + (c - '0')) : c);
    }

    // Free text is stored as given, so this is the gate: control characters break logs and CSV/HTML
    // rendering, lone surrogates break UTF-8 encoding, and bidi overrides can make a rendered text
    // read differently from what is stored ("Trojan Source"). ZWNJ (U+200C) and LRM/RLM are ordinary
    // in Persian and stay allowed.
    public static bool HasForbiddenCharacters(string s, bool allowNewlines)
    {
        ArgumentNullException.ThrowIfNull(s);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
                return true;
            }
            if (char.IsLowSurrogate(c)) return true;
            if (c is '\t') continue;
            if (c is '\r' or '\n') { if (allowNewlines) continue; return true; }
            if (char.IsControl(c)) return true; // C0, DEL and C1
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') return true;
        }
        return false;
    }

    private static string Map(string s, Func<char, char> map)
    {
        // Most input needs no change: avoid allocating then.
        var i = 0;
        while (i < s.Length && map(s[i]) == s[i]) i++;
        if (i == s.Length) return s;
        var sb = new StringBuilder(s.Length).Append(s, 0, i);
        for (; i < s.Length; i++) sb.Append(map(s[i]));
        return sb.ToString();
    }
}
