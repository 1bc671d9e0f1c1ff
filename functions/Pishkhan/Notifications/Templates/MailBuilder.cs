using System.Text;

namespace Pishkhan.Notifications.Templates;

/// <summary>A rendered mail: subject (one line), HTML and plain-text alternatives of the same content.</summary>
public sealed record RenderedMail(string Subject, string Html, string Text);

/// <summary>
/// Writes the HTML and the plain-text part side by side, so the two never drift apart. Template text
/// (the format strings) is trusted Persian; every argument is data and goes through <see cref="MailText"/>:
/// escaped and isolated in &lt;bdi&gt; in HTML, cleaned in text. Styles are inline (mail clients drop
/// &lt;style&gt; blocks) and the layout is one 600px column that narrows on a phone.
/// </summary>
public sealed class MailBuilder
{
    public const string FontStack = "Tahoma,'Vazirmatn','Noto Sans Arabic','Noto Naskh Arabic','DejaVu Sans',Arial,sans-serif";

    private readonly StringBuilder _html = new();
    private readonly StringBuilder _text = new();

    public MailBuilder Heading(string format, params string?[] args)
    {
        _html.Append("<h1 style=\"font-size:19px;margin:0 0 12px;line-height:1.6;\">").Append(FormatHtml(format, args)).Append("</h1>\n");
        var line = FormatText(format, args);
        _text.Append(line).Append('\n').Append(new string('=', Math.Min(line.Length, 40))).Append("\n\n");
        return this;
    }

    public MailBuilder Paragraph(string format, params string?[] args)
    {
        _html.Append("<p style=\"margin:0 0 12px;\">").Append(FormatHtml(format, args)).Append("</p>\n");
        _text.Append(FormatText(format, args)).Append("\n\n");
        return this;
    }

    /// <summary>Label/value rows; rows whose value is null or empty are left out.</summary>
    public MailBuilder Facts(params (string Label, string? Value)[] rows)
    {
        var present = rows.Where(r => !string.IsNullOrWhiteSpace(r.Value)).ToList();
        if (present.Count == 0) return this;
        _html.Append("<table role=\"presentation\" style=\"border-collapse:collapse;width:100%;margin:0 0 12px;font-size:14px;\">\n");
        foreach (var (label, value) in present)
        {
            _html.Append("<tr><th scope=\"row\" style=\"text-align:right;padding:6px 8px;background:#f3f4f6;border:1px solid #e5e7eb;font-weight:bold;white-space:nowrap;width:35%;\">")
                .Append(MailText.Html(label)).Append("</th><td style=\"text-align:right;padding:6px 8px;border:1px solid #e5e7eb;\">")
                .Append(MailText.HtmlUser(value)).Append("</td></tr>\n");
            _text.Append("- ").Append(label).Append(": ").Append(MailText.HeaderSafe(value, int.MaxValue)).Append('\n');
        }
        _html.Append("</table>\n");
        _text.Append('\n');
        return this;
    }

    /// <summary>A block of multi-line user text (a decision note), quoted.</summary>
    public MailBuilder Quote(string label, string? userText)
    {
        var clean = MailText.BodySafe(userText);
        if (clean.Length == 0) return this;
        _html.Append("<p style=\"margin:0 0 4px;font-weight:bold;\">").Append(MailText.Html(label)).Append("</p>\n")
            .Append("<blockquote style=\"margin:0 0 12px;padding:8px 12px;border-right:4px solid #0f766e;background:#f0fdfa;\">")
            .Append(MailText.HtmlUser(clean)).Append("</blockquote>\n");
        _text.Append(label).Append(":\n");
        foreach (var line in clean.Split('\n')) _text.Append("  ").Append(line).Append('\n');
        _text.Append('\n');
        return this;
    }

    /// <summary>A call-to-action link. Only absolute http(s) URLs are written; anything else is dropped.</summary>
    public MailBuilder Button(string label, string? url)
    {
        if (!IsWebUrl(url)) return this;
        _html.Append("<p style=\"margin:16px 0;\"><a href=\"").Append(MailText.Html(url)).Append("\" style=\"display:inline-block;background:#0f766e;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:bold;\">")
            .Append(MailText.Html(label)).Append("</a></p>\n");
        _text.Append(label).Append(": ").Append(url).Append("\n\n");
        return this;
    }

    /// <summary>Trusted HTML and text written by a template (e.g. a digest table); the caller escapes data.</summary>
    public MailBuilder Raw(string html, string text)
    {
        _html.Append(html);
        _text.Append(text);
        return this;
    }

    public RenderedMail Build(string subjectFormat, string?[] subjectArgs, string footer, string? footerLinkLabel = null, string? footerLink = null)
    {
        var subject = MailText.HeaderSafe(FormatText(subjectFormat, subjectArgs), 150);
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html dir=\"rtl\" lang=\"fa\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(MailText.Html(subject)).Append("</title>\n</head>\n")
            .Append("<body dir=\"rtl\" style=\"margin:0;padding:0;background:#f3f4f6;\">\n")
            .Append("<div dir=\"rtl\" style=\"max-width:640px;margin:0 auto;padding:12px;font-family:").Append(FontStack)
            .Append(";font-size:15px;line-height:1.8;color:#111827;direction:rtl;text-align:right;\">\n")
            .Append("<div style=\"background:#0f766e;color:#ffffff;padding:10px 16px;border-radius:8px 8px 0 0;font-weight:bold;\">کارگروه دفاتر پیشخوان خدمات دولت</div>\n")
            .Append("<div style=\"background:#ffffff;padding:16px;border-radius:0 0 8px 8px;\">\n")
            .Append(_html)
            .Append("</div>\n<p style=\"font-size:12px;color:#6b7280;margin:12px 4px;\">").Append(MailText.Html(footer));
        var text = new StringBuilder(_text.ToString()).Append("--\n").Append(footer).Append('\n');
        if (footerLinkLabel is not null && IsWebUrl(footerLink))
        {
            html.Append(" <a href=\"").Append(MailText.Html(footerLink)).Append("\" style=\"color:#6b7280;\">").Append(MailText.Html(footerLinkLabel)).Append("</a>");
            text.Append(footerLinkLabel).Append(": ").Append(footerLink).Append('\n');
        }
        html.Append("</p>\n</div>\n</body>\n</html>\n");
        return new RenderedMail(subject, html.ToString(), text.ToString());
    }

    /// <summary>Absolute http(s) URL; also accepts a substitution tag, replaced per recipient at send time.</summary>
    public static bool IsWebUrl(string? url) =>
        url is not null && (url.StartsWith(Substitution.Prefix, StringComparison.Ordinal) && url.EndsWith(Substitution.Suffix, StringComparison.Ordinal)
                            || Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)
                            && !url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)));

    private static string FormatHtml(string format, string?[] args) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args.Select(a => (object)MailText.HtmlUser(a)).ToArray());

    private static string FormatText(string format, string?[] args) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args.Select(a => (object)MailText.HeaderSafe(a, int.MaxValue)).ToArray());
}

/// <summary>Per-recipient tags in shared content (SendGrid "substitutions"; the pickup writer applies them itself).</summary>
public static class Substitution
{
    public const string Prefix = "%%";
    public const string Suffix = "%%";
    public const string UnsubscribeUrl = "%%unsubscribe_url%%";
}
