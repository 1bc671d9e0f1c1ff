using Pishkhan.Text;

namespace Pishkhan.Problems;

/// <summary>Field checks that record an error and return the cleaned value (or null when invalid or absent).</summary>
public static class Check
{
    /// <summary>Single-line (or multi-line) text: trimmed, length-limited, no control or bidi-override characters.</summary>
    public static string? Text(this FieldErrors errors, string field, string? value, int max, bool required = true, bool multiline = false, int min = 1)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(field, "The field is required.");
            return null;
        }
        var trimmed = value.Trim();
        if (PersianText.HasForbiddenCharacters(trimmed, multiline)) { errors.Add(field, "The text has control, bidi-override or invalid characters."); return null; }
        if (trimmed.Length > max) { errors.Add(field, $"At most {max} characters."); return null; }
        if (trimmed.Length < min) { errors.Add(field, $"At least {min} characters."); return null; }
        return trimmed;
    }

    /// <summary>A display name of reference data: like <see cref="Text"/>, with Arabic ي/ك written the Persian way.</summary>
    public static string? Name(this FieldErrors errors, string field, string? value, int max = 200, bool required = true) =>
        errors.Text(field, value, max, required) is { } s ? PersianText.NormalizeLetters(s) : null;

    public static string? Code(this FieldErrors errors, string field, string? value, bool required = true)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required) errors.Add(field, "The field is required.");
            return null;
        }
        if (Codes.TryNormalize(value, out var code)) return code;
        errors.Add(field, "Use 2–40 characters: a–z, 0–9 and '-'.");
        return null;
    }

    public static string? Email(this FieldErrors errors, string field, string? value, bool required = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required) errors.Add(field, "The field is required.");
            return null;
        }
        if (EmailAddress.TryNormalize(value, out var email)) return email;
        errors.Add(field, "Not a valid email address.");
        return null;
    }

    public static string? Province(this FieldErrors errors, string field, string? value)
    {
        var code = errors.Code(field, value);
        if (code is null || Provinces.IsKnown(code)) return code;
        errors.Add(field, "Unknown province code (see README: provinces).");
        return null;
    }

    /// <summary>Landline or mobile: digits normalised; 8–15 digits with an optional leading '+'.</summary>
    public static string? Phone(this FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var s = PersianText.NormalizeDigits(value).Replace(" ", "").Replace("-", "");
        var digits = s.StartsWith('+') ? s[1..] : s;
        if (digits.Length is >= 8 and <= 15 && digits.All(char.IsAsciiDigit)) return s;
        errors.Add(field, "Not a valid phone number.");
        return null;
    }
}
