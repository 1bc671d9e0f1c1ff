using System.Text;
using Pishkhan.Digests;
using Pishkhan.Notifications;
using Pishkhan.Notifications.Templates;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Notifications;

/// <summary>Sample data for every kind; the reviewed snapshots in Snapshots/ are rendered from it.</summary>
public static class TemplateSamples
{
    public static readonly TemplateContext Context = new("https://pishkhan.example", "https://www.pishkhan.example");

    public static readonly IReadOnlyDictionary<string, (string? ToName, Dictionary<string, string> Data)> ByKind =
        new Dictionary<string, (string?, Dictionary<string, string>)>
        {
            [NotificationKinds.ComplaintReceived] = ("مریم رضایی", new() { ["trackingCode"] = "ABCD-2345-X", ["officeName"] = "دفتر پیشخوان مرکزی خرم‌آباد", ["officeCode"] = "lr-o1", ["filedAt"] = "2026-12-06T07:30:00Z", ["dueAt"] = "2026-12-20T20:30:00Z" }),
            [NotificationKinds.ComplaintDecided] = ("مریم رضایی", new() { ["trackingCode"] = "ABCD-2345-X", ["outcome"] = "upheld", ["officeName"] = "دفتر پیشخوان مرکزی خرم‌آباد", ["decidedAt"] = "2026-12-10T09:00:00Z", ["note"] = "دفتر به پرداخت مابه‌التفاوت هزینه ملزم شد.\nتذکر کتبی نیز داده شد." }),
            [NotificationKinds.ComplaintExtended] = (null, new() { ["trackingCode"] = "ABCD-2345-X", ["officeName"] = "دفتر پیشخوان مرکزی خرم‌آباد", ["newDueAt"] = "2027-01-05", ["reason"] = "نیاز به استعلام از اداره‌ی پست" }),
            [NotificationKinds.RequestCompleted] = ("رضا محمدی", new() { ["serviceName"] = "ارسال مرسوله", ["officeName"] = "دفتر پیشخوان ۱۲", ["externalRef"] = "POST-99812", ["completedAt"] = "2026-12-07T11:15:00Z", ["ratingToken"] = "rt_9f8e7d6c5b4a" }),
            [NotificationKinds.InspectionResult] = ("مدیر دفتر", new() { ["officeName"] = "دفتر پیشخوان مرکزی خرم‌آباد", ["officeCode"] = "lr-o1", ["type"] = "complaint", ["visitedAt"] = "2026-12-08T06:00:00Z", ["score"] = "72.5", ["violations"] = "3", ["majorViolations"] = "1", ["proposedSanction"] = "تذکر کتبی", ["note"] = "تعرفه‌ی خدمات در معرض دید نبود." }),
            [NotificationKinds.SanctionProposed] = (null, new() { ["officeName"] = "دفتر پیشخوان مرکزی خرم‌آباد", ["officeCode"] = "lr-o1", ["sanction"] = "تعلیق یک‌ماهه", ["proposedAt"] = "2026-12-09T08:00:00Z", ["reason"] = "تکرار تخلف عمده در دو بازرسی پیاپی" }),
            [NotificationKinds.SanctionConfirmed] = (null, new() { ["officeName"] = "دفتر پیشخوان مرکزی خرم‌آباد", ["officeCode"] = "lr-o1", ["sanction"] = "تعلیق یک‌ماهه", ["decision"] = "confirmed", ["effectiveFrom"] = "2026-12-22", ["effectiveTo"] = "2027-01-20", ["decidedAt"] = "2026-12-15T10:00:00Z", ["note"] = "با رأی اکثریت اعضا" }),
            [NotificationKinds.RankingPublished] = ("مدیر دفتر", new() { ["period"] = "1405-08", ["officeName"] = "دفتر پیشخوان مرکزی خرم‌آباد", ["rank"] = "3", ["totalOffices"] = "48", ["score"] = "86.4", ["tier"] = "الف", ["movement"] = "2" }),
            // What the producing capabilities send, with their own keys.
            ["complaintReceivedFromComplaints"] = ("مریم رضایی", new() { ["trackingCode"] = "K7QX-4M2P-9", ["category"] = "overcharge", ["categoryFa"] = "دریافت وجه اضافه", ["officeCode"] = "lr-o1", ["dueDate"] = "2026-12-20", ["dueDateJalali"] = "۱۴۰۵/۰۹/۲۹" }),
            ["complaintDecidedFromComplaints"] = (null, new() { ["trackingCode"] = "K7QX-4M2P-9", ["stage"] = "1", ["outcome"] = "partlyUpheld", ["outcomeFa"] = "بخشی از شکایت وارد دانسته شد", ["reasons"] = "رسید پرداخت اضافه ارائه شد.", ["remedy"] = "بازپرداخت ۲۰۰٬۰۰۰ ریال", ["escalationOpenUntil"] = "2026-12-30", ["escalationOpenUntilJalali"] = "۱۴۰۵/۱۰/۰۹", ["category"] = "overcharge", ["categoryFa"] = "دریافت وجه اضافه", ["officeCode"] = "lr-o1" }),
            ["complaintExtendedFromComplaints"] = (null, new() { ["trackingCode"] = "K7QX-4M2P-9", ["newDueDate"] = "2027-01-04", ["newDueDateJalali"] = "۱۴۰۵/۱۰/۱۴", ["reason"] = "استعلام از اداره‌ی پست", ["officeCode"] = "lr-o1" }),
            ["requestCompletedFromRequests"] = (null, new() { ["requestId"] = "r-8f3a", ["officeCode"] = "lr-o2", ["officeName"] = "دفتر پیشخوان بروجرد ۲", ["serviceName"] = "ارسال مرسوله", ["completedAt"] = "2026-12-07T11:15:00.0000000+00:00", ["completedOnFa"] = "۱۴۰۵/۰۹/۱۶", ["ratingToken"] = "tok_ab12", ["ratingLink"] = "https://pishkhan.example/rate?token=tok_ab12" }),
            ["inspectionResultFromInspections"] = ("دفتر پیشخوان مرکزی", new() { ["inspectionId"] = "in-77", ["officeCode"] = "lr-o1", ["officeName"] = "دفتر پیشخوان مرکزی", ["type"] = "routine", ["visitedOn"] = "۱۴۰۵/۰۹/۱۷", ["score"] = "64.5", ["scoreFa"] = "۶۴.۵", ["violations"] = "2", ["majorViolation"] = "true", ["correctiveActions"] = "نصب تعرفه در معرض دید — مهلت: ۱۴۰۵/۰۹/۲۴\nآموزش کارکنان — مهلت: ۱۴۰۵/۱۰/۰۱", ["followUpOn"] = "۱۴۰۵/۱۰/۰۸", ["proposedSanctionFa"] = "اخطار کتبی" }),
            ["sanctionConfirmedFromSanctions"] = ("دفتر پیشخوان مرکزی", new() { ["sanctionId"] = "s-12", ["officeCode"] = "lr-o1", ["officeName"] = "دفتر پیشخوان مرکزی", ["step"] = "fine", ["stepFa"] = "جریمه", ["reason"] = "تکرار دریافت وجه اضافه", ["inspectionId"] = "in-77", ["fineRials"] = "5000000", ["effectiveOn"] = "۱۴۰۵/۰۹/۲۰", ["objectionDeadline"] = "۱۴۰۵/۰۹/۱۹" }),
            // What Rankings/RankingJob sends to members: province, ranked, topMovers, link.
            ["rankingPublishedToMembers"] = ("عضو کارگروه", new() { ["period"] = "1405-08", ["periodName"] = "آبان ۱۴۰۵", ["province"] = "لرستان", ["ranked"] = "46", ["topMovers"] = "دفتر پیشخوان ۱۲ (+7)\nدفتر پیشخوان مرکزی (+4)", ["link"] = "https://pishkhan.example/rankings/1405-08/lorestan/index.html" }),
        };

    public static DigestDocument Digest() => new(
        "lorestan", "لرستان", null, null, "1405-09-14", "1405-09", new DateTimeOffset(2026, 12, 5, 3, 30, 0, TimeSpan.Zero),
        [
            new DigestPart("شکایات ماه به تفکیک دفتر", DigestBlock.Table("در آذر ۱۴۰۵ ۲۳ شکایت رسید، به ۱۸ شکایت رسیدگی شد و ۷ شکایت وارد دانسته شد.",
                ["دفتر", "رسیده", "رسیدگی‌شده", "وارد"],
                [["دفتر پیشخوان مرکزی خرم‌آباد", "۹", "۸", "۴"], ["دفتر پیشخوان بروجرد ۲", "۶", "۵", "۲"], ["<b>دفتر</b> آزمایشی", "۲", "۱", "۱"]])
                with { Agenda = ["تصمیم درباره‌ی «دفتر پیشخوان مرکزی خرم‌آباد» با ۴ شکایت واردشده در آذر ۱۴۰۵"] }),
            new DigestPart("نقض مهلت خدمات (SLA) به تفکیک دفتر", DigestBlock.Table("در آذر ۱۴۰۵ ۲ دفتر در مجموع ۱۵ بار مهلت را رعایت نکرده‌اند.",
                ["دفتر", "انجام‌شده", "نقض مهلت", "به‌موقع"],
                [["دفتر پیشخوان بروجرد ۲", "۴۰", "۱۱", "۷۳٪"], ["دفتر پیشخوان مرکزی خرم‌آباد", "۱۲۰", "۴", "۹۷٪"]])),
            new DigestPart("پیام‌های معیوب صف‌ها", DigestBlock.Table("۲ پیام پس از همه‌ی تلاش‌ها به صف پیام‌های معیوب رفته است.", ["صف", "تعداد", "قدیمی‌ترین"],
                [["notifications-poison", "۲", "۱۴۰۵/۰۹/۱۲ ساعت ۱۰:۰۰"]]) with { MoreRows = 0 }),
        ],
        ["تصمیم درباره‌ی «دفتر پیشخوان مرکزی خرم‌آباد» با ۴ شکایت واردشده در آذر ۱۴۰۵", "بررسی تأخیر دفاتری که کمتر از ۸۰٪ درخواست‌ها را به‌موقع انجام داده‌اند: دفتر پیشخوان بروجرد ۲ (۷۳٪)"]);
}

public sealed class TemplateTests
{
    private static readonly string SnapshotDir = Path.Combine(RepoRoot.Path, "tests", "Pishkhan.Tests", "Notifications", "Snapshots");

    public static TheoryData<string> Kinds()
    {
        var data = new TheoryData<string>();
        foreach (var kind in NotificationKinds.All) data.Add(kind);
        foreach (var name in TemplateSamples.ByKind.Keys.Where(k => !NotificationKinds.All.Contains(k))) data.Add(name);
        return data;
    }

    private static RenderedMail RenderSample(string kind) => kind == NotificationKinds.Digest
        ? DigestTemplate.Render(TemplateSamples.Digest(), "https://pishkhan.example/api/unsubscribe?t=lorestan.m1.sig")
        : NotificationTemplates.Render(NotificationKinds.All.Single(k => kind.StartsWith(k, StringComparison.Ordinal)),
            TemplateSamples.ByKind[kind].Data, TemplateSamples.ByKind[kind].ToName, TemplateSamples.Context);

    /// <summary>
    /// Each kind against its reviewed snapshot (Snapshots/{kind}.html and .txt). After an intended
    /// change, run with UPDATE_SNAPSHOTS=1, review the diff in git, and commit it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void RendersAsTheReviewedSnapshot(string kind)
    {
        var mail = RenderSample(kind);
        Snapshot.Match(Path.Combine(SnapshotDir, kind + ".html"), mail.Html);
        Snapshot.Match(Path.Combine(SnapshotDir, kind + ".txt"), "Subject: " + mail.Subject + "\n\n" + mail.Text);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKindIsPersianRightToLeftWithAJalaliDateAndNoLatinDigitsInProse(string kind)
    {
        var mail = RenderSample(kind);
        Assert.Contains("<html dir=\"rtl\" lang=\"fa\">", mail.Html);
        Assert.Contains("<body dir=\"rtl\"", mail.Html);
        Assert.DoesNotContain('\r', mail.Subject);
        Assert.DoesNotContain('\n', mail.Subject);
        Assert.Contains("۱۴۰", mail.Text); // a Jalali year (1405/1406) or a Persian number
        // Latin digits appear only inside identifiers, codes and URLs the sample data carries.
        var prose = System.Text.RegularExpressions.Regex.Replace(mail.Text, @"(https?://\S+|[A-Za-z][\w-]*\d[\w-]*|\d+[A-Za-z][\w-]*)", "");
        Assert.DoesNotMatch("[0-9]", prose);
    }

    [Fact]
    public void EscapesScriptAndMarkupInEveryPieceOfUserText()
    {
        var hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        var mail = NotificationTemplates.Render(NotificationKinds.ComplaintDecided, new Dictionary<string, string>
        {
            ["trackingCode"] = "ABCD-2345-X\"><script>", ["outcome"] = "dismissed", ["officeName"] = hostile, ["note"] = hostile,
        }, hostile, TemplateSamples.Context);
        Assert.DoesNotContain("<script", mail.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", mail.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", mail.Html);
        // The link escapes the tracking code as URL data.
        Assert.Contains("https://www.pishkhan.example/track.html#code=ABCD-2345-X%22%3E%3Cscript%3E", mail.Html);
    }

    [Fact]
    public void StripsCrLfFromSubjectsAndNames()
    {
        var mail = NotificationTemplates.Render(NotificationKinds.InspectionResult, new Dictionary<string, string>
        {
            ["officeName"] = "دفتر ۱\r\nBcc: evil@example.com\r\n\r\n<html>",
        }, "مدیر\r\nX-Injected: 1", TemplateSamples.Context);
        Assert.DoesNotContain('\r', mail.Subject);
        Assert.DoesNotContain('\n', mail.Subject);
        Assert.Equal("نتیجه‌ی بازرسی «دفتر ۱ Bcc: evil@example.com <html>»", mail.Subject);
        Assert.DoesNotContain("<html>\n", mail.Html.Split("<head>")[1]);
        Assert.Contains("مدیر X-Injected: 1 گرامی", mail.Text);
    }

    [Fact]
    public void RemovesBidiOverridesSoUserTextCannotReorderTheMail()
    {
        // U+202E (RLO) would display "exe.gnp" as "png.exe"; U+2066..2069 isolates; U+202A/B embeddings.
        var sneaky = "invoice\u202Egnp.exe \u2066x\u2069 \u202Ay\u202C \u200Fok";
        var mail = NotificationTemplates.Render(NotificationKinds.SanctionProposed, new Dictionary<string, string>
        {
            ["officeName"] = sneaky, ["reason"] = sneaky, ["sanction"] = sneaky,
        }, sneaky, TemplateSamples.Context);
        foreach (var part in new[] { mail.Subject, mail.Html, mail.Text })
            foreach (var c in "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069")
                Assert.DoesNotContain(c, part);
        Assert.Contains("invoicegnp.exe", mail.Html);
        Assert.Contains("\u200Fok", mail.Html); // RLM is ordinary Persian punctuation and stays
        Assert.Contains("<bdi>invoicegnp.exe x y \u200Fok</bdi>", mail.Html); // and user text is isolated
    }

    [Fact]
    public void IgnoresALinkInDataThatIsNotHttp()
    {
        var mail = NotificationTemplates.Render(NotificationKinds.RequestCompleted, new Dictionary<string, string>
        {
            ["ratingUrl"] = "javascript:alert(1)", ["ratingToken"] = "tok en/1",
        }, null, TemplateSamples.Context);
        Assert.DoesNotContain("javascript:", mail.Html);
        Assert.Contains("href=\"https://www.pishkhan.example/rate.html#token=tok%20en%2F1\"", mail.Html);
    }

    [Fact]
    public void TheRatingButtonOpensTheSitesRatePageWithTheTokenInTheFragment()
    {
        // Requests sends ratingLink in the old query form ({PublicBaseUrl}/rate?token=…); with a token at hand it is not used.
        var mail = NotificationTemplates.Render(NotificationKinds.RequestCompleted, new Dictionary<string, string>
        {
            ["ratingToken"] = "lr-o2_0123456789abcdef.secret", ["ratingLink"] = "https://pishkhan.example/rate?token=lr-o2_0123456789abcdef.secret",
        }, null, TemplateSamples.Context);
        Assert.Contains("href=\"https://www.pishkhan.example/rate.html#token=lr-o2_0123456789abcdef.secret\"", mail.Html);
        Assert.Contains("https://www.pishkhan.example/rate.html#token=lr-o2_0123456789abcdef.secret", mail.Text);
        Assert.DoesNotContain("?token=", mail.Html + mail.Text);
    }

    [Fact]
    public void FailsWhenRequiredDataIsMissing()
    {
        Assert.Throws<TemplateDataException>(() => NotificationTemplates.Render(NotificationKinds.ComplaintReceived, new Dictionary<string, string>(), null, TemplateSamples.Context));
        Assert.Throws<TemplateDataException>(() => NotificationTemplates.Render(NotificationKinds.ComplaintDecided,
            new Dictionary<string, string> { ["trackingCode"] = "A", ["outcome"] = "maybe" }, null, TemplateSamples.Context));
        Assert.Throws<TemplateDataException>(() => NotificationTemplates.Render(NotificationKinds.RankingPublished,
            new Dictionary<string, string> { ["period"] = "1405-13" }, null, TemplateSamples.Context));
        Assert.Throws<TemplateDataException>(() => NotificationTemplates.Render("unknownKind", new Dictionary<string, string>(), null, TemplateSamples.Context));
    }

    [Fact]
    public void DigestEscapesCellsAndMasksAddresses()
    {
        var doc = TemplateSamples.Digest() with
        {
            Parts = [new DigestPart("<i>t</i>", DigestBlock.Table("خطا برای user@example.com", ["a<b>"], [["<script>x</script>"]]))],
        };
        var mail = DigestTemplate.Render(doc);
        Assert.DoesNotContain("<script>", mail.Html);
        Assert.DoesNotContain("<i>", mail.Html);
        Assert.DoesNotContain("user@example.com", mail.Html);
        Assert.DoesNotContain("user@example.com", mail.Text);
        Assert.Contains(Substitution.UnsubscribeUrl, mail.Html);
        Assert.Contains(Substitution.UnsubscribeUrl, mail.Text);
    }
}

/// <summary>Compares text with a reviewed file; UPDATE_SNAPSHOTS=1 rewrites the file instead.</summary>
public static class Snapshot
{
    public static void Match(string path, string actual)
    {
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual, new UTF8Encoding(false));
            return;
        }
        Assert.True(File.Exists(path), $"No snapshot {path}: run the tests with UPDATE_SNAPSHOTS=1, review and commit it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected == actual) return;
        var at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at]) at++;
        var line = expected[..Math.Min(at, expected.Length)].Count(c => c == '\n') + 1;
        Assert.Fail($"{Path.GetFileName(path)} differs from the snapshot at line {line}:\n" +
                    $"  expected: …{Excerpt(expected, at)}…\n  actual:   …{Excerpt(actual, at)}…\n" +
                    "If the change is intended, run with UPDATE_SNAPSHOTS=1 and review the diff.");
    }

    private static string Excerpt(string s, int at) => s.Substring(Math.Max(0, at - 30), Math.Min(s.Length - Math.Max(0, at - 30), 80)).Replace("\n", "\\n");
}
