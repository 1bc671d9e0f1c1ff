using System.Text.Json;
using Pishkhan.Notifications;
using Pishkhan.Notifications.Templates;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Notifications;

/// <summary>
/// The SMS texts and the segment arithmetic they are held to. Each kind is rendered with the longest
/// inputs it can get — the longest office name the API accepts (200 characters), a tracking code, the
/// longest dates, a site URL of <see cref="SmsTexts.MaxSiteUrlLength"/> characters — and must stay within
/// two UCS-2 parts with its link and the opt-out line. The measured lengths are written to
/// TestResults/sms/segments.json for the README.
/// </summary>
public sealed class SmsTextTests
{
    // The default static website URL of the Bicep deployment: https://st{13}.z{nn}.web.core.windows.net (48).
    private static readonly string LongSite = "https://st" + new string('a', 13) + ".z13.web.core.windows.net";
    private const string Code = "K7MQ-2XHP-R9TC";
    private static readonly string LongOffice = "دفتر پیشخوان خدمات دولت " + string.Concat(Enumerable.Repeat("شماره‌ی بیست و سه شهرستان خرم‌آباد ", 6))[..176];
    private static readonly string RatingCode = RatingCodes.CodeFor("khorramabad-01_0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

    [Theory]
    [InlineData(0, 0)]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    [InlineData(201, 3)]
    [InlineData(202, 4)]
    public void APersianTextTakes70CharactersInOnePartAnd67PerPartWhenConcatenated(int length, int segments)
    {
        var text = new string('ش', length);
        var measured = SmsSegments.Measure(text);
        Assert.Equal((length, segments, length > 0), (measured.Units, measured.Segments, measured.Unicode));
    }

    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void ALatinTextUsesTheGsmAlphabet160And153(int length, int segments) =>
        Assert.Equal((false, segments), (SmsSegments.Measure(new string('a', length)).Unicode, SmsSegments.Count(new string('a', length))));

    [Fact]
    public void GsmExtensionCharactersCountTwiceAndOnePersianLetterMakesTheWholeTextUcs2()
    {
        Assert.Equal(2, SmsSegments.Measure("{").Units);
        Assert.Equal(2, SmsSegments.Count(new string('a', 159) + "€"));
        Assert.Equal(3, SmsSegments.Count(new string('a', 150) + "ب")); // 151 UCS-2 units
    }

    public static TheoryData<string, string, Dictionary<string, string>> LongestInputs() => new()
    {
        { "complaintReceived", NotificationKinds.ComplaintReceived, new() { ["trackingCode"] = Code, ["officeName"] = LongOffice, ["dueDate"] = "2026-12-24" } },
        { "complaintDecided upheld", NotificationKinds.ComplaintDecided, new() { ["trackingCode"] = Code, ["outcome"] = "upheld", ["stage"] = "1", ["escalationOpenUntil"] = "2026-12-29" } },
        { "complaintDecided partlyUpheld", NotificationKinds.ComplaintDecided, new() { ["trackingCode"] = Code, ["outcome"] = "partlyUpheld", ["stage"] = "1", ["escalationOpenUntil"] = "2026-12-29" } },
        { "complaintDecided dismissed", NotificationKinds.ComplaintDecided, new() { ["trackingCode"] = Code, ["outcome"] = "dismissed", ["stage"] = "1", ["escalationOpenUntil"] = "2026-12-29" } },
        { "complaintDecided withdrawn", NotificationKinds.ComplaintDecided, new() { ["trackingCode"] = Code, ["outcome"] = "withdrawn", ["stage"] = "1" } },
        { "complaintDecided escalation partlyUpheld", NotificationKinds.ComplaintDecided, new() { ["trackingCode"] = Code, ["outcome"] = "partlyUpheld", ["stage"] = "2" } },
        { "complaintDecided escalation dismissed", NotificationKinds.ComplaintDecided, new() { ["trackingCode"] = Code, ["outcome"] = "dismissed", ["stage"] = "2" } },
        { "complaintDecided outcomeFa only", NotificationKinds.ComplaintDecided, new() { ["trackingCode"] = Code, ["outcomeFa"] = new string('ن', 300) } },
        { "complaintExtended", NotificationKinds.ComplaintExtended, new() { ["trackingCode"] = Code, ["newDueDate"] = "2026-12-29", ["reason"] = new string('د', 500) } },
        { "requestCompleted", NotificationKinds.RequestCompleted, new() { ["ratingToken"] = "x", ["officeName"] = LongOffice, ["serviceName"] = new string('خ', 200) } },
    };

    [Theory]
    [MemberData(nameof(LongestInputs))]
    public void EveryKindFitsTwoPartsWithItsLinkAndTheOptOutLine(string name, string kind, Dictionary<string, string> data)
    {
        var text = SmsTexts.Render(kind, data, LongSite, kind == NotificationKinds.RequestCompleted ? RatingCode : null);

        var length = SmsSegments.Measure(text);
        Assert.True(length.Segments <= SmsTexts.MaxSegments, $"{name}: {length.Units} characters, {length.Segments} parts:\n{text}");
        Assert.True(length.Unicode);
        Assert.EndsWith("\n" + SmsTexts.OptOutLine, text);
        Assert.Contains(kind == NotificationKinds.RequestCompleted ? $"{LongSite}/rate.html#token={RatingCode}" : $"{LongSite}/track.html#code={Code}", text);
        Assert.DoesNotContain("?", text.Split('\n')[1]); // the link carries nothing in a query string
    }

    [Fact]
    public void ShortInputsKeepTheOfficeAndTheDeadlineWhereTheyFit()
    {
        var site = "https://pishkhan.lorestan.ir";
        Assert.Equal("شکایت شما از «دفتر ۱۲» ثبت شد. کد پیگیری K7MQ-2XHP-R9TC\nhttps://pishkhan.lorestan.ir/track.html#code=K7MQ-2XHP-R9TC\nلغو۱۱",
            SmsTexts.Render(NotificationKinds.ComplaintReceived, new Dictionary<string, string> { ["trackingCode"] = Code, ["officeName"] = "دفتر ۱۲" }, site));
        Assert.StartsWith("شکایت K7MQ-2XHP-R9TC وارد شناخته نشد. اعتراض تا ۱۴۰۵/۱۰/۰۸\n",
            SmsTexts.Render(NotificationKinds.ComplaintDecided, new Dictionary<string, string> { ["trackingCode"] = Code, ["outcome"] = "dismissed", ["escalationOpenUntil"] = "2026-12-29" }, site));
        Assert.StartsWith("در رسیدگی دوباره، شکایت K7MQ-2XHP-R9TC وارد شناخته شد.\n",
            SmsTexts.Render(NotificationKinds.ComplaintDecided, new Dictionary<string, string> { ["trackingCode"] = Code, ["outcome"] = "upheld", ["stage"] = "2" }, site));
        Assert.StartsWith("مهلت رسیدگی به شکایت K7MQ-2XHP-R9TC تا ۱۴۰۵/۱۰/۰۸ تمدید شد.\n",
            SmsTexts.Render(NotificationKinds.ComplaintExtended, new Dictionary<string, string> { ["trackingCode"] = Code, ["newDueDate"] = "2026-12-29" }, site));
        Assert.StartsWith("خدمت «صدور گواهی عدم سوء پیشینه» در «دفتر ۱۲» انجام شد. امتیاز دهید:\nhttps://pishkhan.lorestan.ir/rate.html#token=" + RatingCode + "\n",
            SmsTexts.Render(NotificationKinds.RequestCompleted, new Dictionary<string, string> { ["ratingToken"] = "x", ["officeName"] = "دفتر ۱۲", ["serviceName"] = "صدور گواهی عدم سوء پیشینه" }, site, RatingCode));
    }

    [Fact]
    public void ControlAndBidiCharactersInDataCannotBreakTheText()
    {
        var text = SmsTexts.Render(NotificationKinds.ComplaintReceived, new Dictionary<string, string> { ["trackingCode"] = Code, ["officeName"] = "دفتر\n\u202Eتقلبی\u202C\r\n" }, "https://p.ir");
        Assert.Equal(3, text.Split('\n').Length);
        Assert.DoesNotContain('\u202E', text);
    }

    [Fact]
    public void MissingRequiredDataFailsTheSmsAsATemplateError()
    {
        Assert.Throws<TemplateDataException>(() => SmsTexts.Render(NotificationKinds.ComplaintReceived, new Dictionary<string, string>(), "https://p.ir"));
        Assert.Throws<TemplateDataException>(() => SmsTexts.Render(NotificationKinds.ComplaintDecided, new Dictionary<string, string> { ["trackingCode"] = Code, ["outcome"] = "maybe" }, "https://p.ir"));
        Assert.Throws<TemplateDataException>(() => SmsTexts.Render(NotificationKinds.RequestCompleted, new Dictionary<string, string>(), "https://p.ir"));
        Assert.Throws<TemplateDataException>(() => SmsTexts.Render(NotificationKinds.InspectionResult, new Dictionary<string, string> { ["officeCode"] = "x" }, "https://p.ir"));
    }

    /// <summary>Not a check: the figures of every wording for the README (shortest site, default site).</summary>
    [Fact]
    public void WritesTheMeasuredLengthsPerKind()
    {
        var rows = new List<object>();
        foreach (var row in LongestInputs())
        {
            var (name, kind, data) = ((string)row[0], (string)row[1], (Dictionary<string, string>)row[2]);
            var code = kind == NotificationKinds.RequestCompleted ? RatingCode : null;
            var longest = SmsSegments.Measure(SmsTexts.Render(kind, data, LongSite, code));
            var shortData = new Dictionary<string, string>(data);
            if (shortData.ContainsKey("officeName")) shortData["officeName"] = "دفتر پیشخوان ۱۲";
            if (shortData.ContainsKey("serviceName")) shortData["serviceName"] = "صدور گواهی";
            var typical = SmsSegments.Measure(SmsTexts.Render(kind, shortData, "https://pishkhan.lorestan.ir", code));
            rows.Add(new { name, longestInputs = new { longest.Units, longest.Segments }, typicalInputs = new { typical.Units, typical.Segments } });
        }
        var dir = Path.Combine(RepoRoot.Path, "tests", "Pishkhan.Tests", "TestResults", "sms");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "segments.json"), JsonSerializer.Serialize(new { siteUrlLength = LongSite.Length, rows }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Equal(10, rows.Count);
    }
}
