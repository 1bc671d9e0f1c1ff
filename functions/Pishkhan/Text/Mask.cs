namespace Pishkhan.Text;

// Personal data shown in views that do not need it in full: enough to recognise, not enough to use.
public static class Mask
{
    public static string Mobile(string m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return m.Length < 8 ? "***" : m[..4] + "***" + m[^4..];
    }

    public static string Email(string e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var at = e.LastIndexOf('@');
        if (at < 0) return "***";
        // Keep a surrogate pair whole: half of one would be a broken character.
        var firstLength = at == 0 ? 0 : char.IsHighSurrogate(e[0]) && at > 1 ? 2 : 1;
        var first = e[..firstLength];
        return first + "***" + e[at..];
    }

    public static string NationalId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length <= 4 ? new string('*', id.Length) : new string('*', id.Length - 4) + id[^4..];
    }
}
