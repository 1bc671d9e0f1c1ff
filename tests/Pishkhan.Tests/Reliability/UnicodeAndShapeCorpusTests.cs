using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Pishkhan.Inspections;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Reliability;

/// <summary>A province "markazi" (tag uc) with a member, a complaint and nothing in the background (no listeners, no timers).</summary>
public sealed class CorpusFixture : IAsyncLifetime
{
    public TestHost Host { get; private set; } = null!;
    public string Complaint { get; private set; } = "";
    public string AgencyKey { get; private set; } = "";
    private readonly string _pickup = ReliabilitySettings.NewPickupDirectory();

    /// <summary>The entity count after the last case: nothing else writes here, so it is the next case's "before".</summary>
    public int? KnownCount { get; set; }

    public System.Collections.Concurrent.ConcurrentQueue<int> Statuses { get; } = new();

    public async Task InitializeAsync()
    {
        Host = await TestHost.StartAsync(queues: [], timers: [], settings: ReliabilitySettings.For(_pickup));
        await Host.SeedProvinceAsync(UnicodeAndShapeCorpusTests.Province, "uc");
        await Host.PutOkAsync("/api/members/uc-chair", new { name = "رئیس", email = "chair.uc@example.ir", role = "chair", province = UnicodeAndShapeCorpusTests.Province });
        var filed = await Host.SendAsync(HttpMethod.Post, "/api/complaints", new
        {
            officeCode = "uc-o1", category = "delay", description = "درخواست من دو هفته بی‌پاسخ ماند.", anonymous = true,
        }, key: null);
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        Complaint = (await Host.ReadJsonAsync(filed))["trackingCode"]!.GetValue<string>();
        AgencyKey = await Host.IssueKeyAsync("agency", "uc-post");
    }

    public async Task DisposeAsync()
    {
        if (Statuses.Count > 0)
            ReliabilityFigures.Write("unicode-and-shape-corpus", new
            {
                cases = Statuses.Count,
                byStatus = Statuses.GroupBy(s => s).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => g.Count()),
            });
        await Host.DisposeAsync();
        Directory.Delete(_pickup, recursive: true);
    }
}

/// <summary>
/// Unicode edge cases and hostile shapes across 13 write routes: bidi controls (embeddings, overrides, isolates),
/// RTL/LTR marks and zero-width characters where only ASCII codes are allowed, Arabic and Persian letters and digits
/// mixed into codes, NUL and other controls, lone and reversed surrogates, CR/LF in one-line fields, invalid UTF-8,
/// UTF-16 bytes, huge arrays, deep nesting, number overflow. Each is a 4xx problem and writes nothing.
/// Each route's valid body is checked to be accepted (<see cref="TheValidBodiesTheCasesStartFromAreAccepted"/>), so a case
/// differs from an accepted request in one way only.
/// </summary>
public sealed class UnicodeAndShapeCorpusTests(CorpusFixture fixture) : IClassFixture<CorpusFixture>
{
    public const string Province = "markazi";
    private const string Hole = "@@value@@";

    /// <summary>A route, its valid body, and which of its fields are free text (one-line or multi-line), codes and arrays.</summary>
    private sealed record Route(string Name, string Method, string Path, string ValidBody, string? Text = null, bool Multiline = false,
        string? Code = null, string? Array = null, string? Number = null);

    private static readonly Route[] Routes =
    [
        new("county", "PUT", "/api/counties/uc-new", """{"name":"ساوه","province":"markazi"}""", Text: "name", Code: "province"),
        new("office", "PUT", "/api/offices/uc-new", """{"name":"دفتر پیشخوان","countyCode":"uc-c1","openingHours":{"regular":"08:00-14:00"},"address":"اراک، خیابان شهید بهشتی"}""",
            Text: "address", Code: "countyCode"),
        new("agency", "PUT", "/api/agencies/uc-new", """{"name":"اداره پست","province":"markazi","contactEmail":"post@example.ir"}""", Text: "name", Code: "province"),
        new("contract", "PUT", "/api/contracts/uc-new",
            """{"agencyId":"uc-post","services":[{"serviceCode":"s1","name":"خدمت","slaHours":8,"fee":1000}],"countyCodes":["uc-c1"],"validFrom":"2026-01-01","validTo":"2026-12-31"}""",
            Code: "agencyId", Array: "countyCodes", Number: "validFrom"),
        new("member", "PUT", "/api/members/uc-new", """{"name":"عضو کارگروه","email":"m@example.ir","role":"member","province":"markazi"}""", Text: "name", Code: "province"),
        new("key", "POST", "/api/keys", """{"role":"member","scope":"markazi","label":"کلید عضو"}""", Text: "label", Code: "scope"),
        new("holiday", "PUT", "/api/holidays/1410-02-01", """{"name":"تعطیلی آزمایشی"}""", Text: "name"),
        new("target", "PUT", "/api/targets/markazi/1405-09/slaCompliance", """{"planned":0.9,"note":"هدف مصوب"}""", Text: "note", Number: "planned"),
        new("complaint", "POST", "/api/complaints",
            """{"officeCode":"uc-o1","category":"delay","description":"درخواست من دو هفته بی‌پاسخ ماند و پیگیری نشد.","complainant":{"name":"شاکی","email":"c@example.ir"}}""",
            Text: "description", Multiline: true, Code: "officeCode"),
        new("decision", "POST", "/api/complaints/{complaint}/decision", """{"outcome":"dismissed","reasons":"دلایل کافی برای پذیرش شکایت ارائه نشد."}""",
            Text: "reasons", Multiline: true, Code: "outcome"),
        new("meeting", "POST", "/api/meetings", """{"date":"1405-08-20","scope":"markazi","title":"جلسه ماهانه","participants":["uc-chair"]}""",
            Text: "title", Code: "scope", Array: "participants"),
        new("inspection", "POST", "/api/inspections", InspectionBody(), Text: "summary", Multiline: true, Code: "officeCode", Array: "items"),
        new("request", "POST", "/api/requests",
            """{"contractId":"uc-k1","serviceCode":"parcel","officeCode":"uc-o1","externalRef":"P-1405-000123","citizen":{"mobile":"09121234567"}}""",
            Text: "externalRef", Code: "contractId"),
    ];

    private string? KeyFor(Route route) => route.Name switch { "complaint" => null, "request" => fixture.AgencyKey, _ => TestHost.BootstrapKey };

    private static string InspectionBody() => new JsonObject
    {
        ["officeCode"] = "uc-o1", ["type"] = "routine", ["visitedAt"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"),
        ["items"] = new JsonArray(DefaultChecklist.Template.Items.Select(i => (JsonNode)new JsonObject { ["code"] = i.Code, ["result"] = "pass" }).ToArray()),
        ["summary"] = "بازدید عادی",
    }.ToJsonString();

    /// <summary>Inserted into a free-text value (as JSON escapes, so lone surrogates reach the server as sent).</summary>
    private static readonly (string Name, string Json)[] TextEdges =
    [
        ("RLO override", @"\u202e"), ("LRO override", @"\u202d"), ("RLE embedding", @"\u202b"), ("LRE embedding", @"\u202a"), ("PDF pop", @"\u202c"),
        ("LRI isolate", @"\u2066"), ("RLI isolate", @"\u2067"), ("FSI isolate", @"\u2068"), ("PDI isolate", @"\u2069"),
        ("raw UTF-8 RLO", "\u202e"), ("NUL", @"\u0000"), ("BEL", @"\u0007"), ("ESC", @"\u001b"), ("DEL", @"\u007f"), ("NEL C1 control", @"\u0085"),
        ("lone high surrogate", @"\ud800"), ("lone low surrogate", @"\udc00"), ("reversed surrogate pair", @"\udc00\ud800"),
    ];

    private static readonly (string Name, string Json)[] OneLineEdges = [("LF", @"\n"), ("CR", @"\r"), ("CRLF", @"\r\n")];

    /// <summary>Codes are ASCII a–z, 0–9 and '-': these look like one but are not (Persian digits alone are accepted, so each has a letter or mark too).</summary>
    private static readonly (string Name, string Json)[] CodeEdges =
    [
        ("LRM mark", @"uc-c\u200e1"), ("RLM mark", @"\u200fuc-c1"), ("ZWJ joiner", @"uc\u200d-c1"), ("ZWNJ non-joiner", @"uc-\u200cc1"), ("ZWSP", @"uc-c\u200b1"),
        ("BOM inside", @"uc\ufeff-c1"), ("NBSP inside", @"uc\u00a0c1"), ("Arabic yeh", "uc-cي"), ("Arabic kaf", "uc-ك1"), ("Persian letters", "یو-c1"),
        ("Persian digit and Arabic letter", "uc-c۱ي"), ("Arabic-Indic digit and Persian letter", "uc-١ی"), ("fullwidth letters", "ｕｃ-c1"),
        ("Kelvin sign", @"uc-\u212a1"), ("dotted capital I", @"uc-\u01301"), ("combining acute", @"uc-c\u03011"), ("NUL inside", @"uc\u0000c1"),
        ("lone surrogate inside", @"uc\ud800c1"), ("RLO inside", @"uc\u202ec1"), ("OData quote injection", "uc' or PartitionKey ne '"),
    ];

    private sealed record Case(Route Route, Func<string, byte[]> Body);

    private static readonly Dictionary<string, Case> Cases = Build();

    private static Dictionary<string, Case> Build()
    {
        var cases = new Dictionary<string, Case>();
        foreach (var r in Routes)
        {
            void Add(string what, Func<string, byte[]> body) => cases.Add($"{r.Name}: {what}", new Case(r, body));
            void Replace(string field, string what, string jsonValue) => Add(what, _ => Utf8(Put(r.ValidBody, field, jsonValue)));

            if (r.Text is { } text)
            {
                var edges = r.Multiline ? TextEdges : TextEdges.Concat(OneLineEdges);
                foreach (var (name, json) in edges) Replace(text, $"{text} with {name}", "\"متن " + json + " آزمایشی و کافی\"");
            }
            if (r.Code is { } code)
                foreach (var (name, json) in CodeEdges) Replace(code, $"{code} with {name}", "\"" + json + "\"");
            var target = r.Array ?? r.Code ?? r.Text!;
            Replace(target, $"{target} as a 3,000-element array", "[" + string.Join(",", Enumerable.Repeat("\"uc-c1\"", 3000)) + "]");
            if (r.Array is not null)
                Replace(target, $"{target} as a 200,000-element array (over the body limit)", "[" + string.Join(",", Enumerable.Repeat("0", 200_000)) + "]");
            Replace(target, $"{target} nested 64 arrays deep", new string('[', 64) + new string(']', 64));
            Replace(target, $"{target} nested 20 objects deep", string.Concat(Enumerable.Repeat("{\"a\":", 20)) + "1" + new string('}', 20));
            Replace(r.Number ?? target, $"{r.Number ?? target} as 1e400", "1e400");
            Replace(r.Number ?? target, $"{r.Number ?? target} as NaN", "NaN");
            Add("top-level array", _ => Utf8("[" + r.ValidBody + "]"));
            Add("invalid UTF-8 byte sequence", _ => Splice(Put(r.ValidBody, target, "\"" + Hole + "\""), [0xC3, 0x28]));
            Add("overlong UTF-8 encoding of '/'", _ => Splice(Put(r.ValidBody, target, "\"" + Hole + "\""), [0xC0, 0xAF]));
            Add("UTF-16 bytes sent as UTF-8", _ => Encoding.Unicode.GetBytes(r.ValidBody));
        }
        // Codes in the path: the same look-alikes, percent-encoded (NUL: see APathWithNulIsRefusedByTheServerBeforeAnyHandler).
        var county = Routes[0];
        foreach (var (name, json) in CodeEdges.Where(e => !e.Name.Contains("surrogate") && !e.Name.Contains("NUL")))
        {
            var raw = System.Text.Json.JsonSerializer.Deserialize<string>("\"" + json + "\"")!;
            cases.Add($"county: path code with {name}", new Case(county with { Path = county.Path.Replace("uc-new", Uri.EscapeDataString(raw)) }, _ => Utf8(county.ValidBody)));
        }
        return cases;
    }

    /// <summary>The valid body with one field's value replaced by a raw JSON fragment.</summary>
    private static string Put(string body, string field, string jsonValue)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        node[field] = Hole;
        return node.ToJsonString().Replace("\"" + Hole + "\"", jsonValue, StringComparison.Ordinal);
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Splice(string json, byte[] bytes)
    {
        var at = json.IndexOf(Hole, StringComparison.Ordinal);
        return [.. Utf8(json[..at]), .. bytes, .. Utf8(json[(at + Hole.Length)..])];
    }

    public static int Count => Cases.Count;

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task RefusesTheEdgeCaseWithAProblemAndWritesNothing(string name)
    {
        var c = Cases[name];
        var host = fixture.Host;
        var before = fixture.KnownCount ?? await host.CountEntitiesAsync();
        using var request = host.Request(new HttpMethod(c.Route.Method), c.Route.Path.Replace("{complaint}", fixture.Complaint), KeyFor(c.Route));
        if (c.Route.Method == "POST") request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        request.Content = new ByteArrayContent(c.Body(fixture.Complaint));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        using var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        fixture.Statuses.Enqueue((int)response.StatusCode);

        Assert.True((int)response.StatusCode is >= 400 and < 500 and not 401 and not 403, $"{name}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", text);
        var after = await host.CountEntitiesAsync();
        fixture.KnownCount = after;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task APathWithNulIsRefusedByTheServerBeforeAnyHandler()
    {
        // Kestrel refuses %00 in the request target with a bare 400 (no handler runs, so no problem details).
        var before = await fixture.Host.CountEntitiesAsync();
        var response = await fixture.Host.SendRawAsync(HttpMethod.Put, "/api/counties/uc%00c1", """{"name":"ساوه","province":"markazi"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await fixture.Host.CountEntitiesAsync());
        fixture.KnownCount = null;
    }

    [Fact]
    public async Task TheValidBodiesTheCasesStartFromAreAccepted()
    {
        // A host of its own: these writes must not disturb the counts of the cases.
        var own = new CorpusFixture();
        await own.InitializeAsync();
        try
        {
            foreach (var r in Routes)
            {
                using var request = own.Host.Request(new HttpMethod(r.Method), r.Path.Replace("{complaint}", own.Complaint),
                    r.Name switch { "complaint" => null, "request" => own.AgencyKey, _ => TestHost.BootstrapKey });
                request.Content = new StringContent(r.ValidBody, System.Text.Encoding.UTF8, "application/json");
                if (r.Method == "POST") request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                using var response = await own.Host.Http.SendAsync(request);
                Assert.True(response.IsSuccessStatusCode, $"{r.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        finally
        {
            await own.DisposeAsync();
        }
    }
}
