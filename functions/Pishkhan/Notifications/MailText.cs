using System.Text;

namespace Pishkhan.Notifications;

/// <summary>
/// The gate between stored text and mail. Free text is stored as given (validation already refuses
/// control and bidi-override characters at the API, but data may come from elsewhere), so every piece
/// of it is cleaned again here: headers lose CR/LF (header injection) and every control character;
/// bodies lose bidi embeddings/overrides/isolates (they would make a rendered line read differently
/// from what is stored) and C0/C1 controls other than newline and tab; lone surrogates become U+FFFD.
/// </summary>
public static class MailText
{
    /// <summary>A single line for a header or subject: no CR/LF or other controls, whitespace collapsed.</summary>
    public static string HeaderSafe(string? s, int maxLength = 200)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in Clean(s, keepNewlines: false))
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        var result = sb.ToString();
        if (result.Length <= maxLength) return result;
        // Do not cut a surrogate pair in half.
        var cut = char.IsHighSurrogate(result[maxLength - 1]) ? maxLength - 1 : maxLength;
        return result[..cut] + "…";
    }

    /// <summary>User text for a body: controls and bidi controls removed; newlines kept (normalised to \n).</summary>
    public static string BodySafe(string? s) =>
        string.IsNullOrEmpty(s) ? "" : Clean(s.Replace("\r\n", "\n").Replace('\r', '\n'), keepNewlines: true).Trim();

    /// <summary>HTML-escapes text for element content and quoted attribute values.</summary>
    public static string Html(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var sb = new StringBuilder(s.Length + 16);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>User text as HTML: cleaned, escaped, isolated in &lt;bdi&gt; so its direction cannot leak into ours.</summary>
    public static string HtmlUser(string? s)
    {
        var clean = BodySafe(s);
        return clean.Length == 0 ? "" : "<bdi>" + Html(clean).Replace("\n", "<br>") + "</bdi>";
    }

    private static string Clean(string s, bool keepNewlines)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { sb.Append(c).Append(s[++i]); continue; }
                sb.Append('\uFFFD');
                continue;
            }
            if (char.IsLowSurrogate(c)) { sb.Append('\uFFFD'); continue; }
            if (c == '\n' && keepNewlines) { sb.Append(c); continue; }
            if (c == '\t') { sb.Append(' '); continue; }
            if (c is '\r' or '\n') { sb.Append(' '); continue; }
            if (char.IsControl(c)) continue;
            // LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI; also the line/paragraph separators.
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u2028' or '\u2029') continue;
            sb.Append(c);
        }
        return sb.ToString();
    }
}
