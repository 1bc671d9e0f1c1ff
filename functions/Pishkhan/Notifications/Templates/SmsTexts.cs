namespace Pishkhan.Notifications.Templates;

/// <summary>
/// How many SMS parts a text costs. A text entirely in the GSM 7-bit default alphabet holds 160
/// characters (153 per part once concatenated; ^ { } \ [ ~ ] | € take two); anything else, Persian
/// included, is sent as UCS-2: 70 UTF-16 units in one part, 67 per part when concatenated (the other
/// three carry the concatenation header).
/// </summary>
public static class SmsSegments
{
    public const int Ucs2Single = 70;
    public const int Ucs2Part = 67;
    public const int GsmSingle = 160;
    public const int GsmPart = 153;

    private const string Gsm = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string GsmExtension = "^{}\\[~]|€\f";

    /// <summary>Units (UTF-16 code units for UCS-2, septets for GSM) and the parts they take.</summary>
    public readonly record struct SmsLength(int Units, int Segments, bool Unicode);

    public static SmsLength Measure(string text)
    {
        var gsmUnits = 0;
        foreach (var c in text)
        {
            if (Gsm.Contains(c)) gsmUnits++;
            else if (GsmExtension.Contains(c)) gsmUnits += 2;
            else return new SmsLength(text.Length, Parts(text.Length, Ucs2Single, Ucs2Part), true);
        }
        return new SmsLength(gsmUnits, Parts(gsmUnits, GsmSingle, GsmPart), false);
    }

    public static int Count(string text) => Measure(text).Segments;

    private static int Parts(int units, int single, int part) => units == 0 ? 0 : units <= single ? 1 : (units + part - 1) / part;
}

/// <summary>
/// The Persian SMS of each citizen-facing kind: one or two sentences, one short link to the public site,
/// and the opt-out instruction. Every kind stays within <see cref="MaxSegments"/> UCS-2 parts
/// (134 characters) for site URLs up to <see cref="MaxSiteUrlLength"/> characters: where a kind can
/// name an office or a service, it tries the longer wording first and falls back to a shorter one that
/// fits (tests/Pishkhan.Tests/Notifications/SmsTextTests measures each kind with the longest inputs).
/// Links: complaints → {site}/track.html#code={trackingCode}; the rating invitation →
/// {site}/rate.html#token={code}, the token in the fragment so it never reaches a server log.
/// </summary>
public static class SmsTexts
{
    public const int MaxSegments = 2;

    /// <summary>The longest site URL the texts are measured with: the default static website URL https://st{13}.z{nn}.web.core.windows.net.</summary>
    public const int MaxSiteUrlLength = 48;

    /// <summary>
    /// The opt-out instruction, last line of every text. «لغو۱۱» is what Iranian senders write and
    /// recipients know; a reply of «لغو», «11» or «لغو11» (any digits, any spacing) or STOP to the sender
    /// line opts the number out (<see cref="SmsOptOuts.IsOptOutReply"/>).
    /// </summary>
    public const string OptOutLine = "لغو۱۱";

    /// <summary>The kinds that go to a mobile number; the others are email only.</summary>
    public static readonly string[] Kinds =
        [NotificationKinds.ComplaintReceived, NotificationKinds.ComplaintDecided, NotificationKinds.ComplaintExtended, NotificationKinds.RequestCompleted];

    public static bool Supports(string kind) => Kinds.Contains(kind);

    public static string TrackUrl(string siteUrl, string trackingCode) => siteUrl.TrimEnd('/') + "/track.html#code=" + Uri.EscapeDataString(trackingCode);

    public static string RateUrl(string siteUrl, string token) => siteUrl.TrimEnd('/') + "/rate.html#token=" + Uri.EscapeDataString(token);

    /// <summary>
    /// The text of <paramref name="kind"/>. <paramref name="ratingCode"/> is the short rating code of a
    /// requestCompleted (<see cref="RatingCodes"/>). Missing required data throws <see cref="TemplateDataException"/>.
    /// </summary>
    public static string Render(string kind, IReadOnlyDictionary<string, string> data, string siteUrl, string? ratingCode = null)
    {
        string? Get(string key) => data.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? MailText.HeaderSafe(v, int.MaxValue) : null;
        string? First(params string[] keys) => keys.Select(Get).FirstOrDefault(v => v is not null);

        switch (kind)
        {
            case NotificationKinds.ComplaintReceived:
            {
                var code = Code(Get("trackingCode"), kind);
                var office = Get("officeName");
                return Fit(TrackUrl(siteUrl, code),
                    office is null ? null : $"شکایت شما از «{office}» ثبت شد. کد پیگیری {code}",
                    $"شکایت شما ثبت شد. کد پیگیری {code}");
            }
            case NotificationKinds.ComplaintDecided:
            {
                var code = Code(Get("trackingCode"), kind);
                var decided = Get("outcome") switch
                {
                    "upheld" => $"شکایت {code} وارد شناخته شد.",
                    "partlyUpheld" => $"شکایت {code} تا حدی وارد شناخته شد.",
                    "dismissed" => $"شکایت {code} وارد شناخته نشد.",
                    "withdrawn" => $"شکایت {code} به درخواست شما مسترد شد.",
                    _ when Get("outcomeFa") is not null => null,
                    _ => throw new TemplateDataException("complaintDecided: outcome must be upheld, partlyUpheld, dismissed or withdrawn."),
                };
                var link = TrackUrl(siteUrl, code);
                if (decided is null)
                {
                    var outcomeFa = Get("outcomeFa")!;
                    return Fit(link, $"نتیجه شکایت {code}: {outcomeFa}", $"نتیجه شکایت {code}: {Shorten(outcomeFa, 24)}", $"نتیجه شکایت {code} اعلام شد.");
                }
                if (Get("stage") == "2") return Fit(link, "در رسیدگی دوباره، " + decided, "رسیدگی دوباره: " + decided, decided);
                var until = Get("outcome") is "withdrawn" ? null : Fa.When(First("escalationOpenUntil", "escalationOpenUntilJalali"));
                return Fit(link, until is null ? null : $"{decided} اعتراض تا {until}", decided);
            }
            case NotificationKinds.ComplaintExtended:
            {
                var code = Code(Get("trackingCode"), kind);
                var due = Fa.When(First("newDueAt", "newDueDate", "newDueDateJalali", "dueAt"));
                return Fit(TrackUrl(siteUrl, code),
                    due is null ? null : $"مهلت رسیدگی به شکایت {code} تا {due} تمدید شد.",
                    due is null ? null : $"مهلت شکایت {code} تا {due} تمدید شد",
                    $"مهلت رسیدگی به شکایت {code} تمدید شد.");
            }
            case NotificationKinds.RequestCompleted:
            {
                var token = ratingCode ?? Get("ratingToken") ?? throw new TemplateDataException("requestCompleted: data field 'ratingToken' is required.");
                var office = First("officeName", "officeCode");
                var service = Get("serviceName");
                return Fit(RateUrl(siteUrl, token),
                    service is null || office is null ? null : $"خدمت «{service}» در «{office}» انجام شد. امتیاز دهید:",
                    office is null ? null : $"خدمت شما در «{office}» انجام شد. امتیاز دهید:",
                    "خدمت شما در دفتر پیشخوان انجام شد. امتیاز دهید:");
            }
            default:
                throw new TemplateDataException($"{kind}: no SMS text (email only).");
        }
    }

    /// <summary>The first wording whose whole text fits <see cref="MaxSegments"/>; the last one otherwise.</summary>
    private static string Fit(string link, params string?[] wordings)
    {
        string? text = null;
        foreach (var wording in wordings)
        {
            if (wording is null) continue;
            text = wording + "\n" + link + "\n" + OptOutLine;
            if (SmsSegments.Count(text) <= MaxSegments) return text;
        }
        return text ?? throw new InvalidOperationException("No wording.");
    }

    private static string Code(string? trackingCode, string kind) =>
        trackingCode ?? throw new TemplateDataException($"{kind}: data field 'trackingCode' is required.");

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(char.IsHighSurrogate(s[max - 1]) ? max - 1 : max)] + "…";
}
