using System.Text;
using System.Text.RegularExpressions;
using Pishkhan.Calendar;
using Pishkhan.Digests;

namespace Pishkhan.Notifications.Templates;

/// <summary>
/// The weekly digest: agenda first (what the working group must decide), then each section as a short
/// summary and a compact table. Tables are at most a few columns of short cells in a scrollable box, so
/// they stay readable on a phone. The unsubscribe link is a per-recipient substitution tag.
/// </summary>
public static partial class DigestTemplate
{
    public static RenderedMail Render(DigestDocument doc, string unsubscribeUrl = Substitution.UnsubscribeUrl)
    {
        var weekDate = JalaliDate.TryParse(doc.Week, out var week) ? Fa.Date(week) : doc.Week;
        var period = JalaliPeriod.TryParse(doc.Period, out var p) ? p.PersianName : doc.Period;
        var scopeName = doc.CountyName is null ? "استان " + doc.ProvinceName : "شهرستان " + doc.CountyName;

        var b = new MailBuilder()
            .Heading("گزارش هفتگی کارگروه دفاتر پیشخوان — {0}", scopeName)
            .Paragraph("هفته‌ی آغازشده در {0}؛ آمار {1} تا {2}.", weekDate, period, Fa.DateTime(doc.AsOf));

        var html = new StringBuilder();
        var text = new StringBuilder();
        Section(html, text, "دستور جلسه‌ی پیشنهادی برای جلسه‌ی بعد", accent: true);
        if (doc.Agenda.Count == 0)
        {
            html.Append("<p style=\"margin:0 0 12px;\">موضوعی در انتظار تصمیم کارگروه نیست.</p>\n");
            text.Append("موضوعی در انتظار تصمیم کارگروه نیست.\n\n");
        }
        else
        {
            // Numbered by hand: list markers would be Latin digits in most mail clients.
            html.Append("<table role=\"presentation\" style=\"border-collapse:collapse;margin:0 0 12px;\">\n");
            for (var i = 0; i < doc.Agenda.Count; i++)
            {
                html.Append("<tr><td style=\"vertical-align:top;padding:0 0 6px 8px;font-weight:bold;white-space:nowrap;\">").Append(Fa.Number(i + 1)).Append(".</td>")
                    .Append("<td style=\"vertical-align:top;padding:0 0 6px;\">").Append(MailText.HtmlUser(Mask(doc.Agenda[i]))).Append("</td></tr>\n");
                text.Append(Fa.Number(i + 1)).Append(". ").Append(MailText.HeaderSafe(Mask(doc.Agenda[i]), int.MaxValue)).Append('\n');
            }
            html.Append("</table>\n");
            text.Append('\n');
        }

        if (doc.Parts.Count == 0)
        {
            html.Append("<p style=\"margin:0 0 12px;\">در این هفته داده‌ای برای گزارش نبود.</p>\n");
            text.Append("در این هفته داده‌ای برای گزارش نبود.\n\n");
        }
        foreach (var part in doc.Parts) Block(html, text, part);
        b.Raw(html.ToString(), text.ToString());

        return b.Build("گزارش هفتگی کارگروه پیشخوان — {0} — هفته‌ی {1}", [scopeName, weekDate],
            "این گزارش هر شنبه برای اعضای کارگروه دفاتر پیشخوان فرستاده می‌شود.", "لغو دریافت گزارش هفتگی", unsubscribeUrl);
    }

    private static void Section(StringBuilder html, StringBuilder text, string title, bool accent = false)
    {
        html.Append("<h2 style=\"font-size:16px;margin:18px 0 8px;padding:0 8px;border-right:4px solid ")
            .Append(accent ? "#b45309" : "#0f766e").Append(";\">").Append(MailText.Html(title)).Append("</h2>\n");
        text.Append("## ").Append(title).Append("\n\n");
    }

    private static void Block(StringBuilder html, StringBuilder text, DigestPart part)
    {
        var block = part.Block;
        Section(html, text, MailText.HeaderSafe(part.Title));
        if (!string.IsNullOrWhiteSpace(block.Summary))
        {
            html.Append("<p style=\"margin:0 0 8px;\">").Append(MailText.HtmlUser(Mask(block.Summary))).Append("</p>\n");
            text.Append(MailText.HeaderSafe(Mask(block.Summary), int.MaxValue)).Append("\n\n");
        }
        if (block.Columns.Count > 0 && block.Rows.Count > 0)
        {
            html.Append("<div style=\"overflow-x:auto;margin:0 0 8px;\">\n<table style=\"border-collapse:collapse;width:100%;font-size:13px;line-height:1.5;\">\n<thead><tr>");
            foreach (var c in block.Columns)
                html.Append("<th style=\"background:#f3f4f6;border:1px solid #e5e7eb;padding:4px 6px;text-align:right;font-weight:bold;\">").Append(MailText.Html(MailText.HeaderSafe(c))).Append("</th>");
            html.Append("</tr></thead>\n<tbody>\n");
            text.Append(string.Join(" | ", block.Columns.Select(c => MailText.HeaderSafe(c)))).Append('\n');
            foreach (var row in block.Rows)
            {
                html.Append("<tr>");
                for (var i = 0; i < block.Columns.Count; i++)
                {
                    var cell = i < row.Count ? Mask(row[i]) : "";
                    html.Append("<td style=\"border:1px solid #e5e7eb;padding:4px 6px;text-align:").Append(i == 0 ? "right" : "center").Append(";\">")
                        .Append(MailText.HtmlUser(cell)).Append("</td>");
                }
                html.Append("</tr>\n");
                text.Append("- ").Append(string.Join(" | ", row.Select(c => MailText.HeaderSafe(Mask(c), int.MaxValue)))).Append('\n');
            }
            html.Append("</tbody>\n</table>\n</div>\n");
            text.Append('\n');
        }
        if (block.MoreRows > 0)
        {
            var more = $"و {Fa.Number(block.MoreRows)} مورد دیگر.";
            html.Append("<p style=\"margin:0 0 8px;font-size:13px;color:#6b7280;\">").Append(MailText.Html(more)).Append("</p>\n");
            text.Append(more).Append("\n\n");
        }
    }

    // Sections report on offices and deliveries; an address in an error text (from the provider) is masked.
    private static string Mask(string s) => EmailLike().Replace(s, "***@***");

    [GeneratedRegex(@"[^\s@<>""']+@[^\s@<>""']+")]
    private static partial Regex EmailLike();
}
