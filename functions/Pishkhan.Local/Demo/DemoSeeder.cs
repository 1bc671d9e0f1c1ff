using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Notifications;
using Pishkhan.Storage;

namespace Pishkhan.Local.Demo;

/// <summary>
/// Seeds an empty store with a working demo, through the public HTTP API and the queues like real callers:
/// Lorestan and East Azerbaijan with their counties, ~60 offices, agencies (post, tax, social security,
/// civil registry), contracts, members, scoped keys and targets; then a simulated previous Jalali month of
/// requests (accepted, completed or rejected, rated by citizens through their one-time tokens),
/// complaints (filed by citizens, decided by county teams) and inspections (processed from the queue).
/// Finally it ranks that month, publishes the report and sends the digests to the local outbox.
/// A store that already has counties is never seeded again.
/// </summary>
public sealed class DemoSeeder(HttpClient http, IServiceProvider services, DemoClock clock, ILogger<DemoSeeder> logger)
{
    public sealed record DemoResult(bool Seeded, JalaliPeriod Period, IReadOnlyDictionary<string, string> Keys, IReadOnlyList<string> ReportUrls, TimeSpan Took,
        IReadOnlyDictionary<string, int>? Counts = null);

    private static readonly (string Province, (string Code, string Name)[] Counties)[] Geography =
    [
        ("lorestan", [("khorramabad", "خرم‌آباد"), ("borujerd", "بروجرد"), ("dorud", "دورود"), ("aligudarz", "الیگودرز"), ("kuhdasht", "کوهدشت"), ("azna", "ازنا"), ("nurabad", "نورآباد")]),
        ("east-azerbaijan", [("tabriz", "تبریز"), ("bonab", "بناب"), ("maragheh", "مراغه"), ("marand", "مرند"), ("mianeh", "میانه"), ("ahar", "اهر"), ("sarab", "سراب")]),
    ];

    private static readonly (string Id, string Name, (string Code, string Name, int Sla, long Fee)[] Services)[] Agencies =
    [
        ("post", "اداره کل پست", [("parcel", "پذیرش مرسوله پستی", 8, 120_000), ("postal-code", "گواهی کد پستی", 16, 250_000)]),
        ("tax", "اداره کل امور مالیاتی", [("tax-return", "ثبت اظهارنامه مالیاتی", 24, 300_000), ("tax-cert", "گواهی مفاصاحساب", 40, 350_000)]),
        ("social-security", "سازمان تأمین اجتماعی", [("insurance-record", "سابقه بیمه", 16, 150_000), ("pension", "درخواست مستمری", 40, 200_000)]),
        ("civil-registry", "اداره کل ثبت احوال", [("id-card", "درخواست کارت ملی هوشمند", 24, 400_000), ("birth-cert", "المثنی شناسنامه", 32, 300_000)]),
    ];

    private const int RequestsPerAgencyPerDay = 10;
    private readonly Random _random = new(1405);
    private readonly Dictionary<string, int> _counts = new() { ["requests"] = 0, ["completed"] = 0, ["ratings"] = 0, ["complaints"] = 0, ["decisions"] = 0, ["inspections"] = 0 };
    private readonly Dictionary<string, string> _keys = [];

    public async Task<DemoResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var previous = JalaliPeriod.Containing(clock.GetUtcNow()).Previous();
        var store = services.GetRequiredService<Store>();
        await foreach (var _ in store.Table(Tables.Counties).QueryAsync<TableEntity>(maxPerPage: 1, cancellationToken: cancellationToken))
            return new DemoResult(false, previous, _keys, [], watch.Elapsed);

        logger.LogInformation("Seeding the demo for {Period}", previous.ToString());
        var offices = await SeedReferenceDataAsync(previous, cancellationToken);
        await SimulateMonthAsync(previous, offices, cancellationToken);
        clock.Offset = TimeSpan.Zero;
        var reports = await RankAndPublishAsync(previous, cancellationToken);
        await SendDigestsAsync(cancellationToken);
        return new DemoResult(true, previous, _keys, reports, watch.Elapsed, _counts);
    }

    private sealed record DemoOffice(string Code, string Province, string County, string Key, double Quality);

    private async Task<List<DemoOffice>> SeedReferenceDataAsync(JalaliPeriod period, CancellationToken ct)
    {
        var offices = new List<DemoOffice>();
        var number = 0;
        foreach (var (province, counties) in Geography)
        {
            _keys[$"admin:{province}"] = await IssueKeyAsync("admin", province, ct);
            foreach (var (code, name) in counties)
            {
                await PutAsync($"/api/counties/{code}", new { name, province }, ct);
                var officeCount = code is "khorramabad" or "tabriz" ? 8 : code is "borujerd" or "maragheh" ? 5 : 3;
                for (var i = 1; i <= officeCount; i++)
                {
                    var officeCode = $"{code}-{i:00}";
                    number++;
                    await PutAsync($"/api/offices/{officeCode}", new
                    {
                        name = $"دفتر پیشخوان دولت {name} {PersianDigits(i)}",
                        countyCode = code,
                        address = $"{name}، خیابان امام، پلاک {PersianDigits(10 + i)}",
                        managerName = ManagerNames[number % ManagerNames.Length],
                        licenseNo = $"{(province == "lorestan" ? 66 : 41)}{number:0000}",
                        phone = $"0{(province == "lorestan" ? 66 : 41)}3{number:0000000}"[..11],
                        email = $"{officeCode}@pishkhan.example.ir",
                        openingHours = new { regular = "07:30-14:30", thursday = "08:00-12:00", afterHours = i % 3 == 1 ? "16:00-20:00" : null },
                    }, ct);
                    var quality = 0.55 + _random.NextDouble() * 0.45;
                    var officeKey = await IssueKeyAsync("office", officeCode, ct);
                    if (i == 1) _keys[$"office:{officeCode}"] = officeKey;
                    offices.Add(new DemoOffice(officeCode, province, code, officeKey, quality));
                }
                _keys[$"inspector:{code}"] = await IssueKeyAsync("inspector", code, ct);
            }
            foreach (var (id, name, agencyServices) in Agencies)
            {
                var agencyId = $"{province[..3]}-{id}";
                await PutAsync($"/api/agencies/{agencyId}", new { name = $"{name} استان {Provinces.Names[province]}", province, contactEmail = $"{id}@{province}.example.ir" }, ct);
                await PutAsync($"/api/contracts/{agencyId}-1405", new
                {
                    agencyId,
                    services = agencyServices.Select(s => new { serviceCode = s.Code, name = s.Name, slaHours = s.Sla, fee = s.Fee }),
                    countyCodes = counties.Select(c => c.Code),
                    validFrom = "2026-03-21", validTo = "2027-03-20",
                }, ct);
                _keys[$"agency:{agencyId}"] = await IssueKeyAsync("agency", agencyId, ct);
            }
            var members = new[] { ("chair", "chair", (string?)null), ("secretary", "secretary", null), ("member-1", "member", null), ("lead-1", "countyLead", counties[0].Code), ("lead-2", "countyLead", counties[1].Code) };
            foreach (var (id, role, county) in members)
                await PutAsync($"/api/members/{province[..3]}-{id}", new { name = MemberNames[(id.Length + province.Length) % MemberNames.Length], email = $"{id}@{province}.example.ir", role, province, countyCode = county, digest = true }, ct);
            _keys[$"member:{province}"] = await IssueKeyAsync("member", province, ct);
            // The working group's policy for a small province: rank offices with 15 completed services or more.
            await PutAsync("/api/ranking-policy", new
            {
                province, minimumVolume = 15, normalisation = "minMax",
                indicators = new[]
                {
                    new { indicator = "slaCompliance", weight = 0.30, shrinkageStrength = 20.0 }, new { indicator = "satisfaction", weight = 0.25, shrinkageStrength = 10.0 },
                    new { indicator = "upheldComplaintsPer1000", weight = 0.15, shrinkageStrength = 500.0 }, new { indicator = "inspectionScore", weight = 0.15, shrinkageStrength = 1.0 },
                    new { indicator = "training", weight = 0.075, shrinkageStrength = 2.0 }, new { indicator = "afterHours", weight = 0.075, shrinkageStrength = 2.0 },
                },
                tiers = new[] { new { tier = "alef", minimumScore = 75.0 }, new { tier = "be", minimumScore = 60.0 }, new { tier = "jim", minimumScore = 40.0 }, new { tier = "dal", minimumScore = 0.0 } },
            }, ct);

            foreach (var (indicator, planned) in new (string, double)[] { ("activeOffices", 40), ("afterHoursOffices", 15), ("servicesOutsourced", 450), ("slaCompliance", 0.9), ("meanSatisfaction", 4.2), ("medianComplaintDecisionDays", 7), ("routineInspectionCoverage", 0.8) })
            {
                await PutAsync($"/api/targets/{province}/{period}/{indicator}", new { planned, note = "برنامهٔ مصوب کارگروه" }, ct);
                await PutAsync($"/api/targets/{province}/{period.Next()}/{indicator}", new { planned, note = "برنامهٔ مصوب کارگروه" }, ct);
            }
        }
        return offices;
    }

    private static readonly string[] ManagerNames = ["مریم رضایی", "علی محمدی", "زهرا حسینی", "حسین کریمی", "فاطمه احمدی", "رضا موسوی", "سارا جعفری", "مهدی نوری"];
    private static readonly string[] MemberNames = ["دکتر بهرام قاسمی", "مهندس لیلا صادقی", "نادر کاظمی", "پروین اکبری", "کاوه رحیمی"];

    /// <summary>
    /// The previous month, day by day (working days only): agencies post requests, offices accept and complete
    /// or reject them, some citizens rate, some complain, county teams decide complaints and inspect offices.
    /// </summary>
    private async Task SimulateMonthAsync(JalaliPeriod period, List<DemoOffice> offices, CancellationToken ct)
    {
        var calendar = await services.GetRequiredService<HolidayStore>().GetCalendarAsync(null, ct);
        var template = await GetJsonAsync("/api/inspection-templates/current", _keys["admin:lorestan"], ct);
        var items = template["items"]!.AsArray().Select(i => (Code: i!["code"]!.GetValue<string>(), Critical: i["critical"]?.GetValue<bool>() ?? false)).ToList();
        var complaints = new List<(string Tracking, DemoOffice Office)>();
        var inspected = new HashSet<string>();
        var requestNumber = 0;

        for (var day = period.FirstDay; day <= period.LastDay; day = day.AddDays(1))
        {
            if (!calendar.IsWorkingDay(day)) continue;
            foreach (var (province, _) in Geography)
            {
                // Each province's day starts at 09:00: the clock must never run backwards between a request and its events.
                clock.Set(Tehran.AtUtc(day, new TimeOnly(9, 0)));
                var provinceOffices = offices.Where(o => o.Province == province).ToList();
                // Requests: each agency posts a few, routed by the system to the least-loaded active office.
                var posted = new List<(string Id, DemoOffice Office)>();
                foreach (var (id, _, agencyServices) in Agencies)
                {
                    var agencyId = $"{province[..3]}-{id}";
                    for (var k = 0; k < RequestsPerAgencyPerDay; k++)
                    {
                        var county = Geography.First(g => g.Province == province).Counties[_random.Next(7)].Code;
                        var service = agencyServices[_random.Next(agencyServices.Length)];
                        requestNumber++;
                        var created = await PostAsync("/api/requests", new
                        {
                            contractId = $"{agencyId}-1405", serviceCode = service.Code, externalRef = $"{agencyId}-{requestNumber:00000}", countyCode = county,
                            citizen = new { email = $"citizen{requestNumber}@mail.example.ir", mobile = $"0912{requestNumber:0000000}" },
                        }, _keys[$"agency:{agencyId}"], ct, idempotencyKey: $"demo-{requestNumber}");
                        if (created is null) continue;
                        _counts["requests"]++;
                        var office = provinceOffices.First(o => o.Code == created["officeCode"]!.GetValue<string>());
                        posted.Add((created["id"]!.GetValue<string>(), office));
                    }
                }
                // Offices work through the day's requests: good offices finish within the SLA, weak ones late or not at all.
                clock.Set(Tehran.AtUtc(day, new TimeOnly(10, 0)));
                foreach (var (id, office) in posted)
                    await PostAsync($"/api/requests/{id}/events", new { type = _random.NextDouble() < 0.06 ? "rejected" : "accepted" }, office.Key, ct);
                clock.Set(Tehran.AtUtc(day, new TimeOnly(13, 30)) + TimeSpan.FromHours(_random.NextDouble() < 0.85 ? 0 : 30));
                foreach (var (id, office) in posted)
                {
                    if (_random.NextDouble() > office.Quality + 0.2) continue; // some stay open
                    var done = await PostAsync($"/api/requests/{id}/events", new { type = "completed" }, office.Key, ct);
                    if (done is null) continue;
                    _counts["completed"]++;
                    if (_random.NextDouble() > 0.6) continue;
                    await RateAsync(id, office, ct);
                }
                // Citizens complain about the weakest offices more often.
                clock.Set(Tehran.AtUtc(day, new TimeOnly(15, 0)));
                foreach (var office in provinceOffices.Where(o => _random.NextDouble() < (1 - o.Quality) * 0.08))
                {
                    var filed = await PostAsync("/api/complaints", new
                    {
                        officeCode = office.Code,
                        category = new[] { "overcharging", "delay", "misconduct", "wrongGuidance", "refusalOfService" }[_random.Next(5)],
                        description = "برای دریافت خدمت بیش از تعرفهٔ اعلام‌شده پول گرفتند و رسید ندادند؛ متصدی هم پاسخگو نبود.",
                        complainant = new { name = "شهروند نمونه", mobile = $"0935{_random.Next(1_000_000, 9_999_999)}" },
                    }, null, ct);
                    if (filed is null) continue;
                    complaints.Add((filed["trackingCode"]!.GetValue<string>(), office));
                    _counts["complaints"]++;
                }
            }
            // County teams decide complaints filed a few days ago and inspect about one office in three this month.
            clock.Set(Tehran.AtUtc(day, new TimeOnly(11, 0)));
            foreach (var (tracking, office) in complaints.Where(c => _random.NextDouble() < 0.3).ToList())
            {
                var outcome = _random.NextDouble() < 0.5 ? "upheld" : "dismissed";
                var decided = await PostAsync($"/api/complaints/{tracking}/decision", new
                {
                    outcome, reasons = outcome == "upheld" ? "مستندات شاکی و رسیدها بررسی شد و تخلف احراز گردید." : "با بررسی سامانه، تخلفی احراز نشد.",
                    remedy = outcome == "upheld" ? "استرداد وجه اضافه به شهروند و تذکر کتبی به دفتر" : null,
                }, _keys[$"inspector:{office.County}"], ct);
                if (decided is null) continue;
                complaints.Remove((tracking, office));
                _counts["decisions"]++;
            }
            foreach (var office in offices.Where(o => !inspected.Contains(o.Code) && _random.NextDouble() < 0.05))
            {
                inspected.Add(office.Code);
                _counts["inspections"]++;
                await PostAsync("/api/inspections", new
                {
                    officeCode = office.Code, type = "routine", visitedAt = clock.GetUtcNow().AddHours(-1),
                    items = items.Select(i => new { code = i.Code, result = _random.NextDouble() < office.Quality + (i.Critical ? 0.3 : 0.1) ? "pass" : "fail" }),
                    staff = new { present = 5, trained = _random.Next(2, 6) },
                }, _keys[$"inspector:{office.County}"], ct);
            }
        }
        // Let the queues settle (inspections processed, notifications written) before ranking.
        await WaitForQueuesAsync(ct);
    }

    private async Task RateAsync(string requestId, DemoOffice office, CancellationToken ct)
    {
        // The citizen's email carries the one-time token; the demo reads it from the outbox like a mail client would.
        var outbox = services.GetRequiredService<Outbox>();
        // The message is written just after the completion's answer (RequestOutbox.DispatchInBackground): look a few times.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await foreach (var entity in outbox.Table.QueryAsync<OutboxEntity>(TableClient.CreateQueryFilter($"Cause eq {"request-completed:" + requestId}"), cancellationToken: ct))
            {
                if (!entity.Data.TryGetValue("ratingToken", out var token)) return;
                var score = Math.Clamp((int)Math.Round(office.Quality * 5 + _random.NextDouble() * 1.5 - 0.5), 1, 5);
                if (await PostAsync("/api/ratings", new { token, score, comment = score >= 4 ? "برخورد خوب و کار سریع" : "معطلی زیاد" }, null, ct) is not null) _counts["ratings"]++;
                return;
            }
            await Task.Delay(20, ct);
        }
        logger.LogDebug("No rating token yet for {RequestId}", requestId);
    }

    /// <summary>
    /// Waits until the bound queues hold no visible work: their counts reach zero, or stop changing for a few
    /// seconds (a notification waiting out a retry delay stays counted but is not work for now).
    /// </summary>
    private async Task WaitForQueuesAsync(CancellationToken ct)
    {
        var store = services.GetRequiredService<Store>();
        var queues = Bindings.QueueNames.All.ToList();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        var last = -1;
        var stableSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            var counts = await Task.WhenAll(queues.Select(async q => (await store.Queue(q).GetPropertiesAsync(ct)).Value.ApproximateMessagesCount));
            var total = counts.Sum();
            if (total == 0) return;
            if (total != last) (last, stableSince) = (total, DateTime.UtcNow);
            else if (DateTime.UtcNow - stableSince > TimeSpan.FromSeconds(5))
            {
                logger.LogInformation("Demo: {Count} queued messages are waiting for later delivery; going on", total);
                return;
            }
            await Task.Delay(250, ct);
        }
    }

    private async Task<List<string>> RankAndPublishAsync(JalaliPeriod period, CancellationToken ct)
    {
        var urls = new List<string>();
        foreach (var (province, _) in Geography)
        {
            await PostAsync($"/api/rankings/{period}:recompute", null, _keys[$"admin:{province}"], ct);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            JsonNode? published = null;
            while (published is null && DateTime.UtcNow < deadline)
            {
                using var response = await http.GetAsync($"/api/rankings/{period}?scope={province}", ct);
                if (response.IsSuccessStatusCode) published = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
                else await Task.Delay(300, ct);
            }
            if (published is not null) urls.Add(ReportUrl(published["reportPath"]!.GetValue<string>()));
        }
        return urls;
    }

    private string ReportUrl(string path)
    {
        var settings = services.GetRequiredService<PishkhanSettings>();
        var store = services.GetRequiredService<Store>();
        return settings.PublicReportBaseUrl is { } baseUrl ? $"{baseUrl.TrimEnd('/')}/{path}" : $"{store.Blobs.Uri.ToString().TrimEnd('/')}/$web/{path}";
    }

    private async Task SendDigestsAsync(CancellationToken ct)
    {
        foreach (var (province, _) in Geography)
            await PostAsync($"/api/digests:send?province={province}", null, _keys[$"admin:{province}"], ct);
        await WaitForQueuesAsync(ct);
    }

    private async Task<string> IssueKeyAsync(string role, string scope, CancellationToken ct) =>
        (await PostAsync("/api/keys", new { role, scope, label = "demo" }, null, ct, bootstrap: true))!["key"]!.GetValue<string>();

    private async Task PutAsync(string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Demo seeding: PUT {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
    }

    private async Task<JsonNode> GetJsonAsync(string path, string key, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
    }

    /// <summary>POSTs and returns the JSON answer, or null (logged) when the API refused: a demo goes on.</summary>
    private async Task<JsonNode?> PostAsync(string path, object? body, string? key, CancellationToken ct, string? idempotencyKey = null, bool bootstrap = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (!bootstrap && key is not null)
        {
            request.Headers.Remove("X-Api-Key");
            request.Headers.Add("X-Api-Key", key);
        }
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode) return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text);
        if (bootstrap || response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.Unauthorized)
            throw new InvalidOperationException($"Demo seeding: POST {path} answered {(int)response.StatusCode}: {text}");
        logger.LogDebug("Demo: POST {Path} answered {Status}", path, (int)response.StatusCode);
        return null;
    }

    private static string PersianDigits(int n) => Text.PersianText.ToPersianDigits(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
