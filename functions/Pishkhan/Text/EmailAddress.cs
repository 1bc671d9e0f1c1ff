using System.Net.Mail;

namespace Pishkhan.Text;

public static class EmailAddress
{
    private const int MaxLength = 254; // RFC 5321 path limit minus the angle brackets

    public static bool TryNormalize(string? input, out string email)
    {
        email = string.Empty;
        if (input is null) return false;
        var s = input.Trim();
        // CR/LF would allow header injection into outgoing mail; bidi controls would disguise the address.
        if (s.Length == 0 || s.Length > MaxLength || PersianText.HasForbiddenCharacters(s, allowNewlines: false)) return false;
        if (s.Contains('\t')) return false;

        var at = s.IndexOf('@');
        if (at < 0 || at != s.LastIndexOf('@')) return false;

        // MailAddress also accepts "Name <a@b.c>" and comments; requiring Address == input rules them out.
        if (!MailAddress.TryCreate(s, out var parsed) || parsed.Address != s) return false;

        // Domains are case-insensitive; local parts formally are not, so leave those alone.
        email = s[..(at + 1)] + s[(at + 1)..].ToLowerInvariant();
        return true;
    }
}
