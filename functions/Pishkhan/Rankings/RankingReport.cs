using System.Globalization;
using System.Net;
using System.Text;
using Pishkhan.Calendar;
using Pishkhan.RankingPolicy;
using Pishkhan.Text;

namespace Pishkhan.Rankings;

/// <summary>
/// The working group's planning beside the ranking: the targets of the period behind plan
/// (Targets: <c>TargetReports.BehindPlanAsync</c>) and the decisions of its meetings still open at publication
/// (Meetings: <c>MeetingStore.OpenDecisionsAsync</c>). RankingJob builds it; an empty list shows a line saying so.
/// </summary>
public sealed record ReportPlanning(IReadOnlyList<ReportTarget> BehindPlan, IReadOnlyList<ReportDecision> OpenDecisions);

/// <summary>A target behind plan as the report shows it: where, which indicator, planned (pro rata while open) and actual, in the indicator's unit.</summary>
public sealed record ReportTarget(string Scope, string Indicator, string Planned, string Actual);

/// <summary>An open decision: its text on one line, the owner's name, the due date and the days past it (0: not overdue).</summary>
public sealed record ReportDecision(string Title, string Owner, DateOnly DueDate, int DaysOverdue);

/// <summary>
/// The published ranking as one self-contained HTML page: Persian, right-to-left, Jalali period, a
/// sortable table per county, an SVG bar chart of scores with uncertainty whiskers and a sparkline of
/// each office's recent scores, the methodology and weights. No external scripts, styles or fonts.
/// Every value that came from users (office names) is HTML-encoded.
/// </summary>
public static class RankingReport
{
    public static string IndicatorLabel(Indicator indicator) => indicator switch
    {
        Indicator.SlaCompliance => "انجام به‌موقع (SLA)",
        Indicator.Satisfaction => "رضایت شهروندان",
        Indicator.UpheldComplaintsPer1000 => "شکایت واردشده در هر هزار خدمت",
        Indicator.InspectionScore => "امتیاز بازرسی",
        Indicator.Training => "آموزش کارکنان",
        Indicator.AfterHours => "خدمت خارج از ساعت اداری",
        _ => indicator.ToString(),
    };

    public static string Render(Ranking ranking, string provinceName, IReadOnlyDictionary<string, string> countyNames,
        DateTimeOffset publishedAt, ReportPlanning? planning = null)
    {
        var period = JalaliPeriod.Parse(ranking.Period);
        var title = $"رتبه‌بندی دفاتر پیشخوان دولت استان {provinceName} — {period.PersianName}";
        var ranked = ranking.Rows.Where(r => r.Status == RankingStatus.Ranked).OrderBy(r => r.ProvinceRank).ToList();
        var unranked = ranking.Rows.Where(r => r.Status != RankingStatus.Ranked).OrderBy(r => r.OfficeCode, StringComparer.Ordinal).ToList();
        var html = new StringBuilder(64 * 1024 + ranking.Rows.Count * 1500);
        html.Append($"""
            <!doctype html>
            <html lang="fa" dir="rtl">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)}</title>
            <style>{Css}</style>
            </head>
            <body>
            <header>
            <h1>{E(title)}</h1>
            <p class="meta">تاریخ انتشار: {E(JalaliDate.Format(Tehran.DateOf(publishedAt)))} · نسخهٔ سیاست رتبه‌بندی: {Fa(ranking.PolicyVersion)} ·
            دفاتر رتبه‌بندی‌شده: <span id="ranked-count">{Fa(ranked.Count)}</span> · با دادهٔ ناکافی: {Fa(unranked.Count)}</p>
            </header>
            <main>
            """);

        html.Append("<section><h2>امتیاز دفاتر استان و بازهٔ عدم قطعیت</h2>");
        html.Append(BarChart(ranked));
        html.Append("</section>");

        foreach (var county in ranked.Concat(unranked).GroupBy(r => r.CountyCode).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var name = countyNames.TryGetValue(county.Key, out var n) ? n : county.Key;
            var rows = county.Where(r => r.Status == RankingStatus.Ranked).OrderBy(r => r.CountyRank).ToList();
            html.Append($"<section class=\"county\" id=\"county-{E(county.Key)}\"><h2>شهرستان {E(name)}</h2>");
            // A wide table scrolls inside its own box (focusable, so a keyboard can scroll it), never the page.
            if (rows.Count > 0)
                html.Append($"<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"جدول رتبه‌بندی شهرستان {E(name)}\">")
                    .Append(Table(rows, ranking)).Append("</div>");
            var thin = county.Where(r => r.Status != RankingStatus.Ranked).ToList();
            if (thin.Count > 0)
                html.Append($"<p class=\"thin\">دادهٔ ناکافی (کمتر از {Fa(ranking.Policy.MinimumVolume)} خدمت تکمیل‌شده؛ رتبه داده نشد): ")
                    .Append(string.Join("، ", thin.Select(r => E(r.OfficeName)))).Append("</p>");
            html.Append("</section>");
        }

        if (planning is not null) html.Append(Planning(planning, period));
        html.Append(Methodology(ranking));
        html.Append($"</main><script>{Script}</script></body></html>");
        return html.ToString();
    }

    /// <summary>Targets behind plan and open decisions, after the county tables (the chart stays on a phone's first screen).</summary>
    private static string Planning(ReportPlanning planning, JalaliPeriod period)
    {
        var sb = new StringBuilder($"<section class=\"plan\" id=\"targets-behind\"><h2>اهداف عقب از برنامه در {E(period.PersianName)}</h2>");
        if (planning.BehindPlan.Count == 0) sb.Append("<p>هیچ هدفی از برنامه عقب نیست.</p>");
        else
        {
            sb.Append("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"اهداف عقب از برنامه\"><table class=\"plan\"><thead><tr>")
              .Append("<th>محدوده</th><th>شاخص</th><th>برنامه</th><th>عملکرد</th></tr></thead><tbody>");
            foreach (var t in planning.BehindPlan)
                sb.Append($"<tr><td>{E(t.Scope)}</td><td>{E(t.Indicator)}</td><td>{E(t.Planned)}</td><td class=\"behind\">{E(t.Actual)}</td></tr>");
            sb.Append("</tbody></table></div>");
        }
        sb.Append("</section><section class=\"plan\" id=\"open-decisions\"><h2>تصمیم‌های باز جلسات کارگروه</h2>");
        if (planning.OpenDecisions.Count == 0) sb.Append("<p>تصمیم بازی نمانده است.</p>");
        else
        {
            var overdue = planning.OpenDecisions.Count(d => d.DaysOverdue > 0);
            sb.Append($"<p>{Fa(planning.OpenDecisions.Count)} تصمیم باز است" + (overdue > 0 ? $"؛ مهلت {Fa(overdue)} مورد گذشته است.</p>" : ".</p>"))
              .Append("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"تصمیم‌های باز\"><table class=\"plan\"><thead><tr>")
              .Append("<th>تصمیم</th><th>مسئول</th><th>مهلت</th><th>وضعیت</th></tr></thead><tbody>");
            foreach (var d in planning.OpenDecisions)
                sb.Append(d.DaysOverdue > 0 ? "<tr class=\"overdue\">" : "<tr>")
                  .Append($"<td class=\"text\">{E(d.Title)}</td><td>{E(d.Owner)}</td><td>{E(JalaliDate.Format(d.DueDate))}</td>")
                  .Append(d.DaysOverdue > 0 ? $"<td>عقب‌افتاده: {Fa(d.DaysOverdue)} روز از مهلت گذشته</td>" : "<td>در مهلت</td>")
                  .Append("</tr>");
            sb.Append("</tbody></table></div>");
        }
        return sb.Append("</section>").ToString();
    }

    private static string Table(List<RankingRow> rows, Ranking ranking)
    {
        var indicators = ranking.Scopes.SelectMany(s => s.Indicators).Where(i => i.Used).Select(i => i.Indicator).Distinct().OrderBy(i => i).ToList();
        var sb = new StringBuilder();
        sb.Append("<table class=\"ranking\"><thead><tr>")
          .Append("<th data-type=\"num\">رتبه در استان</th><th data-type=\"num\">رتبه در شهرستان</th><th>دفتر</th>")
          .Append("<th data-type=\"num\">امتیاز</th><th>بازهٔ رتبه</th><th>سطح</th><th data-type=\"num\">تغییر</th>");
        foreach (var i in indicators) sb.Append($"<th data-type=\"num\">{E(IndicatorLabel(i))}</th>");
        sb.Append("<th>روند شش ماه</th></tr></thead><tbody>");
        for (var k = 0; k < rows.Count; k++)
        {
            var r = rows[k];
            var next = k + 1 < rows.Count ? rows[k + 1] : null;
            var tie = next is not null && !RankingCalculator.Distinguishable(r, next, RankScope.County)
                ? $"<span class=\"tie\" title=\"رتبهٔ این دفتر از دفتر بعدی قابل تمایز نیست\">≈</span>" : "";
            sb.Append("<tr>")
              .Append(NumCell(r.ProvinceRank))
              .Append(NumCell(r.CountyRank))
              .Append($"<td>{E(r.OfficeName)} <small>({E(r.OfficeCode)})</small></td>")
              .Append($"<td data-value=\"{Inv(r.Score)}\">{Fa(r.Score, "0.0")}</td>")
              .Append($"<td>{(r.ProvinceInterval is { } iv ? $"{Fa(iv.Best)}–{Fa(iv.Worst)}" : "")} {tie}</td>")
              .Append($"<td class=\"tier\">{(r.Tier is { } t ? t.Persian() : "")}</td>")
              .Append($"<td data-value=\"{Inv(r.Movement)}\">{Movement(r.Movement)}</td>");
            foreach (var i in indicators)
            {
                var v = r.Indicators.FirstOrDefault(x => x.Indicator == i);
                sb.Append($"<td data-value=\"{Inv(v?.Raw)}\" title=\"خام {Fa(v?.Raw, "0.0")} · تعدیل‌شده {Fa(v?.Shrunk, "0.0")} · نرمال {Fa(v?.Normalised, "0")}\">{Fa(v?.Raw, "0.0")}</td>");
            }
            sb.Append($"<td>{Sparkline(r.RecentScores)}</td></tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    private static string NumCell(int? value) => $"<td data-value=\"{Inv(value)}\">{Fa(value)}</td>";

    private static string Movement(int? movement) => movement switch
    {
        null => "<span class=\"new\">جدید</span>",
        > 0 => $"<span class=\"up\">▲ {Fa(movement)}</span>",
        < 0 => $"<span class=\"down\">▼ {Fa(-movement)}</span>",
        _ => "<span>—</span>",
    };

    /// <summary>
    /// Horizontal bars of score with whiskers for the score interval. Office names sit on the right (the
    /// page reads right to left) and bars grow leftwards from them; the SVG's own coordinates are LTR.
    /// </summary>
    private static string BarChart(List<RankingRow> ranked)
    {
        // 480 units wide: about 0.75 of a phone's width (labels stay legible) and 1.25 at the 600 px the chart stops growing.
        const int rowHeight = 16, labelWidth = 180, chartWidth = 300;
        const int width = chartWidth + labelWidth;
        var height = Math.Max(1, ranked.Count) * rowHeight + 8;
        var sb = new StringBuilder($"<svg class=\"bars\" direction=\"ltr\" role=\"img\" aria-label=\"نمودار امتیاز دفاتر\" viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMaxYMin meet\">");
        static double X(double score) => chartWidth - 4 - score / 100 * (chartWidth - 8);
        for (var i = 0; i < ranked.Count; i++)
        {
            var r = ranked[i];
            var y = i * rowHeight + 4;
            var score = r.Score ?? 0;
            sb.Append(CultureInfo.InvariantCulture, $"<g><title>{E(r.OfficeName)}: {score:0.0}</title>")
              .Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 4}\" y=\"{y + 11}\" font-size=\"11\" text-anchor=\"start\" direction=\"rtl\">{Fa(r.ProvinceRank)}. {E(Truncate(r.OfficeName, 26))}</text>")
              .Append(CultureInfo.InvariantCulture, $"<rect x=\"{X(score):0.#}\" y=\"{y + 2}\" width=\"{chartWidth - 4 - X(score):0.#}\" height=\"{rowHeight - 6}\" class=\"bar tier-{r.Tier?.ToString().ToLowerInvariant()}\"/>");
            if (r.ScoreInterval is { } ci)
                sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(ci.High):0.#}\" x2=\"{X(ci.Low):0.#}\" y1=\"{y + 7}\" y2=\"{y + 7}\" class=\"whisker\"/>")
                  .Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(ci.High):0.#}\" x2=\"{X(ci.High):0.#}\" y1=\"{y + 3}\" y2=\"{y + 11}\" class=\"whisker\"/>")
                  .Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(ci.Low):0.#}\" x2=\"{X(ci.Low):0.#}\" y1=\"{y + 3}\" y2=\"{y + 11}\" class=\"whisker\"/>");
            sb.Append("</g>");
        }
        return sb.Append("</svg>").ToString();
    }

    private static string Sparkline(IReadOnlyList<double> scores)
    {
        if (scores.Count == 0) return "";
        const int w = 60, h = 16;
        if (scores.Count == 1) return string.Create(CultureInfo.InvariantCulture, $"<svg class=\"spark\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><circle cx=\"{w - 2}\" cy=\"{h - scores[0] / 100 * h:0.#}\" r=\"2\"/></svg>");
        var step = scores.Count > 1 ? (double)w / (scores.Count - 1) : 0;
        // Oldest on the right: the page reads right to left.
        var points = string.Join(' ', scores.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"{w - i * step:0.#},{h - s / 100 * h:0.#}")));
        return $"<svg class=\"spark\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" aria-label=\"روند امتیاز\"><polyline points=\"{points}\"/></svg>";
    }

    private static string Methodology(Ranking ranking)
    {
        var p = ranking.Policy;
        var sb = new StringBuilder("<section class=\"method\"><h2>روش رتبه‌بندی</h2><p>امتیاز هر دفتر میانگین وزنی شاخص‌های زیر است. ")
            .Append("هر شاخص ابتدا به سوی میانگین استان تعدیل می‌شود (دفاتر با دادهٔ کم بیشتر به میانگین نزدیک می‌شوند)، ")
            .Append(p.Normalisation == Normalisation.MinMax ? "سپس با روش کمینه–بیشینه " : "سپس با روش نمرهٔ استاندارد ")
            .Append("به بازهٔ ۰ تا ۱۰۰ برده می‌شود. شاخص‌هایی که در استان داده ندارند کنار گذاشته و وزن بقیه بازتوزیع می‌شود.</p>")
            .Append("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"وزن شاخص‌ها\"><table class=\"weights\"><thead><tr><th>شاخص</th><th>جهت</th><th>وزن سیاست</th><th>وزن به‌کاررفته</th><th>قدرت تعدیل</th></tr></thead><tbody>");
        var used = ranking.Scopes.SelectMany(s => s.Indicators).GroupBy(i => i.Indicator).ToDictionary(g => g.Key, g => g.First());
        foreach (var i in p.Indicators)
        {
            used.TryGetValue(i.Indicator, out var scope);
            sb.Append($"<tr><td>{E(IndicatorLabel(i.Indicator))}</td><td>{(i.Indicator.Direction() == Direction.HigherIsBetter ? "بیشتر بهتر" : "کمتر بهتر")}</td>")
              .Append($"<td>{Fa(i.Weight, "0.###")}</td><td>{(scope is { Used: true } ? Fa(scope.Weight, "0.###") : "بدون داده")}</td><td>{Fa(i.ShrinkageStrength, "0.#")}</td></tr>");
        }
        sb.Append("</tbody></table></div>")
          .Append($"<p>حداقل حجم: {Fa(p.MinimumVolume)} خدمت تکمیل‌شده در ماه؛ دفاتر کمتر از آن «دادهٔ ناکافی» فهرست می‌شوند و رتبه نمی‌گیرند.</p>")
          .Append("<p>سطح‌ها: ").Append(string.Join("، ", p.Tiers.Select(t => $"{t.Tier.Persian()} از {Fa(t.MinimumScore, "0")}"))).Append(".</p>")
          .Append($"<p>بازهٔ رتبه با {Fa(ranking.Uncertainty.Resamples)} بار بازنمونه‌گیری شاخص‌ها در حد خطای نمونه‌گیری آن‌ها و پوشش {Fa(ranking.Uncertainty.Coverage * 100, "0")}٪ به‌دست آمده است ")
          .Append("(بذر ثابت، پس تکرار محاسبه همان نتیجه را می‌دهد). علامت ≈ یعنی رتبهٔ دفتر از دفتر بعدی قابل تمایز نیست.</p>")
          .Append("<p>ترتیب در امتیاز برابر: امتیاز، سپس انجام به‌موقع تعدیل‌شده، سپس تعداد خدمت تکمیل‌شده، سپس کد دفتر.</p></section>");
        return sb.ToString();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
    private static string Inv(double? v) => v?.ToString("0.###", CultureInfo.InvariantCulture) ?? "";
    private static string Inv(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";
    private static string Fa(int? v) => v is null ? "" : PersianText.ToPersianDigits(v.Value.ToString(CultureInfo.InvariantCulture));
    private static string Fa(double? v, string format) => v is null ? "—" : PersianText.ToPersianDigits(v.Value.ToString(format, CultureInfo.InvariantCulture)).Replace('.', '٫');

    private const string Css = """
        *,*::before,*::after{box-sizing:border-box}
        body{font-family:"Noto Sans Arabic","Noto Naskh Arabic",Tahoma,sans-serif;margin:0 auto;padding:.75rem;max-width:90rem;color:#1b1b1b;background:#fafafa;line-height:1.6;overflow-wrap:anywhere}
        h1{font-size:1.2rem;line-height:1.5;margin:.2rem 0}h2{font-size:1.05rem;margin:1.2rem 0 .4rem}
        .meta{color:#555;font-size:.85rem;margin:.3rem 0}
        .scroll{max-width:100%;overflow-x:auto;border:1px solid #ddd;background:#fff}
        .scroll:focus-visible{outline:3px solid #8a5200;outline-offset:2px}
        table{border-collapse:collapse;width:100%;background:#fff;font-size:.85rem}
        th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:right;white-space:nowrap}
        th{background:#eef3f8;cursor:pointer;user-select:none}th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
        .up{color:#0a7a2f}.down{color:#b3261e}.new{color:#555}.tie{color:#8a5200;font-weight:bold}
        .tier{font-weight:bold}.thin{color:#666;font-size:.85rem}
        svg.bars{display:block;width:100%;max-width:600px;height:auto;background:#fff;border:1px solid #ddd}
        .bar{fill:#4a7bb7}.bar.tier-alef{fill:#2e7d32}.bar.tier-be{fill:#4a7bb7}.bar.tier-jim{fill:#f9a825}.bar.tier-dal{fill:#c62828}
        .whisker{stroke:#222;stroke-width:1}
        .spark polyline{fill:none;stroke:#4a7bb7;stroke-width:1.5}.spark circle{fill:#4a7bb7}
        table.plan td.text{white-space:normal;min-width:14rem}td.behind{color:#b3261e}
        tr.overdue td{background:#fdecea}tr.overdue td:last-child{color:#b3261e;font-weight:bold}
        @media (max-width:600px){th,td{font-size:.75rem;padding:.2rem}}
        @media (min-width:48rem){body{padding:1rem 2rem}h1{font-size:1.5rem}}
        """;

    // Sorting without libraries: a click on a header sorts that table by the column (numbers by data-value).
    private const string Script = """
        document.querySelectorAll('table.ranking').forEach(function(table){
          table.querySelectorAll('th').forEach(function(th, index){
            th.addEventListener('click', function(){
              var numeric = th.dataset.type === 'num';
              var asc = !th.classList.contains('sorted-asc');
              table.querySelectorAll('th').forEach(function(h){ h.classList.remove('sorted-asc','sorted-desc'); });
              th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
              var body = table.tBodies[0];
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function(a, b){
                var x = a.cells[index], y = b.cells[index];
                var p = numeric ? parseFloat(x.dataset.value) : x.textContent, q = numeric ? parseFloat(y.dataset.value) : y.textContent;
                if (numeric) { if (isNaN(p)) p = -Infinity; if (isNaN(q)) q = -Infinity; return asc ? p - q : q - p; }
                return asc ? p.localeCompare(q, 'fa') : q.localeCompare(p, 'fa');
              });
              rows.forEach(function(r){ body.appendChild(r); });
            });
          });
        });
        """;
}
