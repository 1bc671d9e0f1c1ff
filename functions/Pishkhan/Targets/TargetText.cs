using Pishkhan.Notifications.Templates;

namespace Pishkhan.Targets;

/// <summary>How targets read in Persian, wherever they are shown (the digest, the published ranking report).</summary>
public static class TargetText
{
    public static string IndicatorName(TargetIndicator indicator) => indicator switch
    {
        TargetIndicator.ActiveOffices => "دفاتر فعال",
        TargetIndicator.AfterHoursOffices => "دفاتر با خدمت خارج از وقت اداری",
        TargetIndicator.ServicesOutsourced => "خدمات برون‌سپاری‌شده",
        TargetIndicator.SlaCompliance => "انجام به‌موقع (SLA)",
        TargetIndicator.MeanSatisfaction => "میانگین رضایت",
        TargetIndicator.MedianComplaintDecisionDays => "میانه‌ی روزهای رسیدگی به شکایت",
        TargetIndicator.RoutineInspectionCoverage => "پوشش بازرسی دوره‌ای",
        TargetIndicator.ReInspectionAgreement => "توافق بازرسی مجدد",
        _ => indicator.ToString(),
    };

    /// <summary>A value in the indicator's unit: shares as percent, scores and days with one decimal, counts whole.</summary>
    public static string Value(TargetIndicator indicator, double? value)
    {
        if (value is not { } v) return "—";
        return TargetIndicators.Info(indicator).Unit switch
        {
            "share" => Fa.Percent(v),
            "workingDays" => Fa.Number(v) + " روز",
            "score1to5" => Fa.Number(v),
            _ => Fa.Number((long)Math.Round(v)),
        };
    }
}
