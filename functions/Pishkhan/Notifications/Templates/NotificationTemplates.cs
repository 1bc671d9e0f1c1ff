using System.Globalization;
using Pishkhan.Calendar;

namespace Pishkhan.Notifications.Templates;

/// <summary>
/// What templates know besides a notification's data: where links point. <see cref="SiteUrl"/> is the
/// public web site (complaint tracking and rating pages); without one, the API's base URL stands in.
/// </summary>
public sealed record TemplateContext(string PublicBaseUrl, string? SiteUrl = null)
{
    public string Site => (SiteUrl ?? PublicBaseUrl).TrimEnd('/');
}

/// <summary>The data a template needs is missing or unusable: a permanent failure of that notification.</summary>
public sealed class TemplateDataException(string message) : Exception(message);

/// <summary>
/// One Persian template per kind in <see cref="NotificationKinds"/> (the digest's is <see cref="DigestTemplate"/>).
/// Data keys are camelCase strings (README "Template data" lists them); dates are ISO 8601 and shown as
/// Jalali dates in Tehran time; numbers are shown with Persian digits. A missing optional key leaves its
/// line out; a missing required key fails the notification permanently (it surfaces in the digest).
/// </summary>
public static class NotificationTemplates
{
    private const string Footer = "این پیام به‌طور خودکار از سامانه کارگروه دفاتر پیشخوان خدمات دولت فرستاده شده است؛ لطفاً به آن پاسخ ندهید.";

    /// <summary>Required data keys per kind ("a|b" means one of them).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Required = new Dictionary<string, string[]>
    {
        [NotificationKinds.ComplaintReceived] = ["trackingCode"],
        [NotificationKinds.ComplaintDecided] = ["trackingCode", "outcome|outcomeFa"],
        [NotificationKinds.ComplaintExtended] = ["trackingCode"],
        [NotificationKinds.RequestCompleted] = ["ratingUrl|ratingLink|ratingToken"],
        [NotificationKinds.InspectionResult] = ["officeName|officeCode"],
        [NotificationKinds.SanctionProposed] = ["officeName|officeCode"],
        [NotificationKinds.SanctionConfirmed] = ["officeName|officeCode"],
        [NotificationKinds.RankingPublished] = ["period"],
    };

    public static RenderedMail Render(string kind, IReadOnlyDictionary<string, string> data, string? toName, TemplateContext context)
    {
        var d = new Data(data);
        if (Required.TryGetValue(kind, out var required))
            foreach (var key in required)
                if (key.Split('|').All(k => d[k] is null)) throw new TemplateDataException($"{kind}: data field '{key}' is required.");
        var greeting = string.IsNullOrWhiteSpace(MailText.HeaderSafe(toName)) ? null : toName;
        return kind switch
        {
            NotificationKinds.ComplaintReceived => ComplaintReceived(d, greeting, context),
            NotificationKinds.ComplaintDecided => ComplaintDecided(d, greeting, context),
            NotificationKinds.ComplaintExtended => ComplaintExtended(d, greeting, context),
            NotificationKinds.RequestCompleted => RequestCompleted(d, greeting, context),
            NotificationKinds.InspectionResult => InspectionResult(d, greeting),
            NotificationKinds.SanctionProposed => SanctionProposed(d, greeting),
            NotificationKinds.SanctionConfirmed => SanctionConfirmed(d, greeting),
            NotificationKinds.RankingPublished => RankingPublished(d, greeting, context),
            NotificationKinds.Digest => throw new TemplateDataException("digest: rendered from its snapshot by DigestTemplate."),
            _ => throw new TemplateDataException($"Unknown notification kind '{kind}'."),
        };
    }

    private static MailBuilder Greet(string? name, string fallback)
    {
        var b = new MailBuilder();
        return name is null ? b.Paragraph(fallback) : b.Paragraph("{0} گرامی،", name);
    }

    private static RenderedMail ComplaintReceived(Data d, string? name, TemplateContext c)
    {
        var code = d["trackingCode"]!;
        var b = Greet(name, "شهروند گرامی،")
            .Heading("شکایت شما ثبت شد")
            .Paragraph((d["officeName"], d["officeCode"]) switch
            {
                ({ }, _) => "شکایت شما درباره‌ی «{0}» دریافت و برای رسیدگی ثبت شد.",
                (null, { }) => "شکایت شما درباره‌ی دفتر پیشخوان با کد {1} دریافت و برای رسیدگی ثبت شد.",
                _ => "شکایت شما دریافت و برای رسیدگی ثبت شد.",
            }, d["officeName"], d["officeCode"])
            .Facts(("کد پیگیری", code), ("موضوع", d.First("categoryFa", "category")), ("دفتر", d["officeName"]), ("کد دفتر", d["officeCode"]),
                ("تاریخ ثبت", Fa.When(d["filedAt"])), ("مهلت رسیدگی", Fa.When(d.First("dueAt", "dueDate", "dueDateJalali"))))
            .Paragraph("این کد را نگه دارید؛ با آن می‌توانید وضعیت شکایت را پیگیری کنید. نتیجه‌ی رسیدگی نیز به همین نشانی فرستاده می‌شود.")
            .Button("پیگیری شکایت", d.Url("trackUrl") ?? SmsTexts.TrackUrl(c.Site, code));
        return b.Build("شکایت شما ثبت شد — کد پیگیری {0}", [code], Footer);
    }

    private static RenderedMail ComplaintDecided(Data d, string? name, TemplateContext c)
    {
        var code = d["trackingCode"]!;
        var outcome = d["outcome"] switch
        {
            "upheld" => "پس از بررسی، شکایت شما وارد دانسته شد و موضوع با دفتر پیشخوان پیگیری می‌شود.",
            "partlyUpheld" => "پس از بررسی، بخشی از شکایت شما وارد دانسته شد و موضوع با دفتر پیشخوان پیگیری می‌شود.",
            "dismissed" => "پس از بررسی، شکایت شما وارد دانسته نشد.",
            "withdrawn" => "شکایت شما به درخواست خودتان مسترد شد.",
            _ when d["outcomeFa"] is not null => null,
            _ => throw new TemplateDataException("complaintDecided: outcome must be upheld, partlyUpheld, dismissed or withdrawn."),
        };
        var secondStage = d["stage"] == "2";
        var b = Greet(name, "شهروند گرامی،")
            .Heading(secondStage ? "نتیجه‌ی رسیدگی به اعتراض شما" : "نتیجه‌ی رسیدگی به شکایت شما");
        if (outcome is null) b.Paragraph("نتیجه‌ی رسیدگی: {0}", d["outcomeFa"]);
        else b.Paragraph(outcome);
        b.Facts(("کد پیگیری", code), ("موضوع", d.First("categoryFa", "category")), ("دفتر", d["officeName"]), ("کد دفتر", d["officeCode"]),
                ("تاریخ تصمیم", Fa.When(d["decidedAt"])))
            .Quote(secondStage ? "دلایل کارگروه" : "دلایل", d.First("reasons", "note"))
            .Quote("جبران و اقدام دفتر", d["remedy"]);
        if (!secondStage && Fa.When(d.First("escalationOpenUntil", "escalationOpenUntilJalali")) is { } until)
            b.Paragraph("اگر نتیجه را نمی‌پذیرید، تا {0} می‌توانید درخواست رسیدگی دوباره در کارگروه بدهید.", until);
        b.Button("مشاهده‌ی وضعیت شکایت", d.Url("trackUrl") ?? SmsTexts.TrackUrl(c.Site, code));
        return b.Build("نتیجه‌ی رسیدگی به شکایت {0}", [code], Footer);
    }

    private static RenderedMail ComplaintExtended(Data d, string? name, TemplateContext c)
    {
        var code = d["trackingCode"]!;
        var b = Greet(name, "شهروند گرامی،")
            .Heading("تمدید مهلت رسیدگی به شکایت")
            .Paragraph("رسیدگی به شکایت شما به زمان بیشتری نیاز دارد و مهلت آن تمدید شد. از شکیبایی شما سپاسگزاریم.")
            .Facts(("کد پیگیری", code), ("دفتر", d["officeName"]), ("کد دفتر", d["officeCode"]),
                ("مهلت تازه", Fa.When(d.First("newDueAt", "newDueDate", "newDueDateJalali", "dueAt"))))
            .Quote("دلیل تمدید", d["reason"])
            .Button("پیگیری شکایت", d.Url("trackUrl") ?? SmsTexts.TrackUrl(c.Site, code));
        return b.Build("تمدید مهلت رسیدگی به شکایت {0}", [code], Footer);
    }

    private static RenderedMail RequestCompleted(Data d, string? name, TemplateContext c)
    {
        // The rating page takes the token in the fragment; ratingLink (the producer's ?token= query form) only when there is no token.
        var url = d.Url("ratingUrl") ?? (d["ratingToken"] is { } token ? SmsTexts.RateUrl(c.Site, token) : d.Url("ratingLink"))
                  ?? throw new TemplateDataException("requestCompleted: ratingLink must be an absolute http(s) URL.");
        var office = d["officeName"] ?? d["officeCode"];
        var b = Greet(name, "شهروند گرامی،")
            .Heading("درخواست شما انجام شد")
            .Paragraph(d["serviceName"] is not null && office is not null
                    ? "درخواست «{0}» شما در «{1}» انجام شد."
                    : "درخواست شما در دفتر پیشخوان انجام شد.",
                d["serviceName"], office)
            .Facts(("خدمت", d["serviceName"]), ("دفتر", office), ("شماره‌ی پیگیری", d.First("externalRef", "requestId")),
                ("زمان انجام", Fa.When(d.First("completedAt", "completedOnFa"))))
            .Paragraph("لطفاً با یک کلیک به کیفیت این خدمت از ۱ تا ۵ امتیاز دهید. نظر شما در رتبه‌بندی ماهانه‌ی دفاتر به حساب می‌آید.")
            .Button("امتیاز به این خدمت", url)
            .Paragraph("این پیوند فقط یک بار کار می‌کند.");
        return b.Build("درخواست شما انجام شد؛ به این خدمت امتیاز دهید", [], Footer);
    }

    private static RenderedMail InspectionResult(Data d, string? name)
    {
        var office = d["officeName"] ?? d["officeCode"]!;
        var major = d["majorViolation"] switch { "true" => "دارد", "false" => "ندارد", _ => null } ?? Fa.NumberText(d["majorViolations"]);
        var b = Greet(name, "با سلام،")
            .Heading("نتیجه‌ی بازرسی «{0}»", office)
            .Paragraph("بازرسی دفتر انجام و نتیجه‌ی آن ثبت شد.")
            .Facts(("دفتر", office), ("کد دفتر", d["officeCode"]), ("نوع بازرسی", InspectionType(d["type"])),
                ("تاریخ بازدید", Fa.When(d.First("visitedAt", "visitedOn"))),
                ("امتیاز", Fa.NumberText(d["score"]) is { } s ? s + " از ۱۰۰" : null), ("تعداد تخلف", Fa.NumberText(d["violations"])),
                ("تخلف عمده", major), ("برخورد پیشنهادی", d.First("proposedSanction", "proposedSanctionFa")),
                ("بازرسی مجدد تا", Fa.When(d["followUpOn"])))
            .Quote("اقدام‌های اصلاحی", d["correctiveActions"] is { } actions ? Text.PersianText.ToPersianDigits(actions) : null)
            .Quote("توضیح بازرس", d["note"]);
        return b.Build("نتیجه‌ی بازرسی «{0}»", [office], Footer);
    }

    private static RenderedMail SanctionProposed(Data d, string? name)
    {
        var office = d["officeName"] ?? d["officeCode"]!;
        var b = Greet(name, "با سلام،")
            .Heading("پیشنهاد برخورد انضباطی با «{0}»", office)
            .Paragraph("برای این دفتر برخورد انضباطی پیشنهاد شده و در انتظار تصمیم کارگروه است.")
            .Facts(SanctionFacts(d, office, "برخورد پیشنهادی", ("تاریخ پیشنهاد", Fa.When(d["proposedAt"]))))
            .Quote("دلیل", d["reason"]);
        return b.Build("پیشنهاد برخورد انضباطی با «{0}»", [office], Footer);
    }

    private static RenderedMail SanctionConfirmed(Data d, string? name)
    {
        var office = d["officeName"] ?? d["officeCode"]!;
        // Sanctions sends this kind when a sanction is confirmed (first decision, or objection rejected); "decision" may say otherwise.
        var (verb, heading) = d["decision"] switch
        {
            null or "confirmed" => ("کارگروه برخورد انضباطی با این دفتر را تأیید کرد.", "تأیید برخورد انضباطی با «{0}»"),
            "overturned" => ("کارگروه برخورد انضباطی پیشنهادشده را لغو کرد.", "لغو برخورد انضباطی با «{0}»"),
            _ => throw new TemplateDataException("sanctionConfirmed: decision must be confirmed or overturned."),
        };
        var b = Greet(name, "با سلام،")
            .Heading(heading, office)
            .Paragraph(verb)
            .Facts(SanctionFacts(d, office, "برخورد", ("تا تاریخ", Fa.When(d["effectiveTo"])), ("تاریخ تصمیم", Fa.When(d["decidedAt"])),
                ("مهلت اعتراض تا", Fa.When(d["objectionDeadline"]))))
            .Quote("دلیل", d["reason"])
            .Quote("توضیح کارگروه", d["note"]);
        return b.Build(heading, [office], Footer);
    }

    private static (string, string?)[] SanctionFacts(Data d, string office, string sanctionLabel, params (string, string?)[] more) =>
    [
        ("دفتر", office), ("کد دفتر", d["officeCode"]), (sanctionLabel, d.First("sanction", "stepFa")),
        ("مبلغ جریمه", Fa.NumberText(d["fineRials"]) is { } fine ? fine + " ریال" : null),
        ("مدت تعلیق", Fa.NumberText(d["suspensionDays"]) is { } days ? days + " روز" : null),
        ("از تاریخ", Fa.When(d.First("effectiveFrom", "effectiveOn"))),
        .. more,
    ];

    private static RenderedMail RankingPublished(Data d, string? name, TemplateContext c)
    {
        var periodText = d["period"]!;
        var period = JalaliPeriod.TryParse(periodText, out var p) ? p.PersianName
            : throw new TemplateDataException("rankingPublished: period must look like 1405-09.");
        var b = Greet(name, "با سلام،")
            .Heading("رتبه‌بندی دفاتر پیشخوان در {0} منتشر شد", period);
        if (d["province"] is { } province)
            b.Paragraph(Fa.NumberText(d["ranked"]) is not null
                ? "رتبه‌بندی ماهانه‌ی دفاتر پیشخوان استان {0} برای {1} منتشر شد؛ {2} دفتر رتبه گرفتند."
                : "رتبه‌بندی ماهانه‌ی دفاتر پیشخوان استان {0} برای {1} منتشر شد.", province, period, Fa.NumberText(d["ranked"]));
        if (Fa.NumberText(d["rank"]) is { } rank)
        {
            var office = d["officeName"] ?? d["officeCode"];
            var total = Fa.NumberText(d["totalOffices"]);
            var format = (office is null, total is null) switch
            {
                (false, false) => "«{0}» در این دوره رتبه‌ی {1} را از میان {2} دفتر به دست آورد.",
                (false, true) => "«{0}» در این دوره رتبه‌ی {1} را به دست آورد.",
                (true, false) => "دفتر شما در این دوره رتبه‌ی {1} را از میان {2} دفتر به دست آورد.",
                (true, true) => "دفتر شما در این دوره رتبه‌ی {1} را به دست آورد.",
            };
            b.Paragraph(format, office, rank, total);
        }
        b.Facts(("دوره", period), ("امتیاز", Fa.NumberText(d["score"])), ("سطح", d["tier"]), ("تغییر رتبه", Movement(d["movement"])))
            .Quote("بیشترین صعود", d["topMovers"] is { } movers ? Text.PersianText.ToPersianDigits(movers) : null)
            .Button("مشاهده‌ی رتبه‌بندی", d.Url("reportUrl") ?? d.Url("link") ?? c.Link("api/rankings/", p.ToString()));
        return b.Build("رتبه‌بندی دفاتر پیشخوان در {0} منتشر شد", [period], Footer);
    }

    private static string? InspectionType(string? type) => type switch
    {
        "routine" => "دوره‌ای",
        "complaint" => "در پی شکایت",
        "followUp" => "بازرسی مجدد",
        _ => type,
    };

    private static string? Movement(string? movement)
    {
        // Invariant: under fa-IR the negative sign is U+2212, so "-3" (as stored) would not parse.
        if (!int.TryParse(movement, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m)) return null;
        return m switch
        {
            > 0 => Fa.Number(m) + " پله بالاتر",
            < 0 => Fa.Number(-m) + " پله پایین‌تر",
            _ => "بدون تغییر",
        };
    }

    public static string Link(this TemplateContext context, string path, string value) =>
        context.PublicBaseUrl.TrimEnd('/') + "/" + path + Uri.EscapeDataString(value);

    private sealed class Data(IReadOnlyDictionary<string, string> values)
    {
        public string? this[string key] => values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;

        /// <summary>The first present of several keys (the producing capabilities name some fields differently).</summary>
        public string? First(params string[] keys) => keys.Select(k => this[k]).FirstOrDefault(v => v is not null);

        /// <summary>A link given as data is used only if it is an absolute http(s) URL (no javascript:, no data:).</summary>
        public string? Url(string key) => this[key] is { } u && MailBuilder.IsWebUrl(u) && !u.StartsWith(Substitution.Prefix, StringComparison.Ordinal) ? u : null;
    }
}
