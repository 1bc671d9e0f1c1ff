namespace Pishkhan.Complaints;

public sealed record ComplaintCategory(string Code, string Fa, string En);

/// <summary>The fixed list of complaint categories (codes are the API values).</summary>
public static class ComplaintCategories
{
    public const string Overcharging = "overcharging";
    public const string Misconduct = "misconduct";
    public const string Delay = "delay";
    public const string WrongGuidance = "wrongGuidance";
    public const string RefusalOfService = "refusalOfService";
    public const string PrivacyBreach = "privacyBreach";
    public const string AfterHoursClosed = "afterHoursClosed";
    public const string Other = "other";

    public static readonly IReadOnlyList<ComplaintCategory> All =
    [
        new(Overcharging, "دریافت وجه اضافه", "Overcharging"),
        new(Misconduct, "رفتار نامناسب کارکنان", "Misconduct"),
        new(Delay, "تأخیر در ارائه خدمت", "Delay"),
        new(WrongGuidance, "راهنمایی نادرست", "Wrong guidance"),
        new(RefusalOfService, "خودداری از ارائه خدمت", "Refusal of service"),
        new(PrivacyBreach, "نقض حریم خصوصی و افشای اطلاعات", "Privacy breach"),
        new(AfterHoursClosed, "تعطیل بودن دفتر در ساعات کار عصر اعلام‌شده", "Closed during announced after-hours"),
        new(Other, "سایر", "Other"),
    ];

    private static readonly Dictionary<string, ComplaintCategory> ByCode = All.ToDictionary(c => c.Code, StringComparer.Ordinal);

    public static bool TryGet(string? code, out ComplaintCategory category)
    {
        category = null!;
        return code is not null && ByCode.TryGetValue(code, out category!);
    }

    public static ComplaintCategory Get(string code) => ByCode[code];

    public static string Codes => string.Join(", ", All.Select(c => c.Code));
}
