using System.Net;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Complaints;

/// <summary>An open complaint (for decision, extension, withdrawal) and a decided one (for escalation), filed before any case runs.</summary>
public sealed class BadInputFixture : IAsyncLifetime
{
    public ComplaintsHost Host { get; private set; } = null!;
    public string Open { get; private set; } = "";
    public string Decided { get; private set; } = "";
    public string DecidedSecret { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Host = await (await ComplaintsHost.StartAsync()).SeedAsync();
        Open = (await Host.FileAsync("lr-o1")).Code;
        (Decided, DecidedSecret, _) = await Host.FileAsync("lr-o2");
        await Host.DecideAsync(Decided, "dismissed", Host.InspectorC1);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class ComplaintBadInputTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    private sealed record Case(string Method, string Path, string? Body, int Status, string Key = "none", string ContentType = "application/json");

    private const string Ok = "\"officeCode\":\"lr-o1\",\"category\":\"delay\",\"description\":\"دفتر درخواست من را بی‌دلیل معطل کرد\"";
    private const string Person = "\"complainant\":{\"name\":\"شاکی\",\"email\":\"a@example.ir\"}";

    private static string File(string fields) => "{" + fields + "}";

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // POST /api/complaints (public)
        ["malformed JSON"] = new("POST", "/api/complaints", "{\"officeCode\":", 400),
        ["array instead of object"] = new("POST", "/api/complaints", "[]", 400),
        ["empty body"] = new("POST", "/api/complaints", "", 400),
        ["JSON null"] = new("POST", "/api/complaints", "null", 400),
        ["number for officeCode"] = new("POST", "/api/complaints", File($"\"officeCode\":12,\"category\":\"delay\",\"description\":\"دفتر درخواست من را بی‌دلیل معطل کرد\",{Person}"), 400),
        ["unknown field"] = new("POST", "/api/complaints", File($"{Ok},{Person},\"priority\":\"high\""), 400),
        ["unknown field in complainant"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"name\":\"شاکی\",\"phone\":\"021\"}}"), 400),
        ["missing description"] = new("POST", "/api/complaints", File($"\"officeCode\":\"lr-o1\",\"category\":\"delay\",{Person}"), 400),
        ["null category"] = new("POST", "/api/complaints", File($"\"officeCode\":\"lr-o1\",\"category\":null,\"description\":\"دفتر درخواست من را بی‌دلیل معطل کرد\",{Person}"), 400),
        ["description under 10 characters"] = new("POST", "/api/complaints", File($"\"officeCode\":\"lr-o1\",\"category\":\"delay\",\"description\":\"  معطلی  \",{Person}"), 400),
        ["description over 4000 characters"] = new("POST", "/api/complaints", File($"\"officeCode\":\"lr-o1\",\"category\":\"delay\",\"description\":\"{new string('ث', 4001)}\",{Person}"), 400),
        ["NUL in description"] = new("POST", "/api/complaints", File($"\"officeCode\":\"lr-o1\",\"category\":\"delay\",\"description\":\"دفتر درخواست\\u0000 من را معطل کرد\",{Person}"), 400),
        ["bidi override in description"] = new("POST", "/api/complaints", File($"\"officeCode\":\"lr-o1\",\"category\":\"delay\",\"description\":\"دفتر درخواست \\u202Eمن را معطل کرد\",{Person}"), 400),
        ["lone surrogate in description"] = new("POST", "/api/complaints", File($"\"officeCode\":\"lr-o1\",\"category\":\"delay\",\"description\":\"دفتر درخواست \\ud800 من را معطل کرد\",{Person}"), 400),
        ["OData quote injection in officeCode"] = new("POST", "/api/complaints", File($"\"officeCode\":\"a' or PartitionKey ne '\",\"category\":\"delay\",\"description\":\"دفتر درخواست من را معطل کرد\",{Person}"), 400),
        ["Arabic letters in officeCode"] = new("POST", "/api/complaints", File($"\"officeCode\":\"دفتري-يك\",\"category\":\"delay\",\"description\":\"دفتر درخواست من را معطل کرد\",{Person}"), 400),
        ["unknown office"] = new("POST", "/api/complaints", File($"\"officeCode\":\"lr-o9\",\"category\":\"delay\",\"description\":\"دفتر درخواست من را معطل کرد\",{Person}"), 400),
        ["unknown category"] = new("POST", "/api/complaints", File($"\"officeCode\":\"lr-o1\",\"category\":\"bribery\",\"description\":\"دفتر درخواست من را معطل کرد\",{Person}"), 400),
        ["category in another case"] = new("POST", "/api/complaints", File($"\"officeCode\":\"lr-o1\",\"category\":\"Overcharging\",\"description\":\"دفتر درخواست من را معطل کرد\",{Person}"), 400),
        ["complainant and anonymous"] = new("POST", "/api/complaints", File($"{Ok},{Person},\"anonymous\":true"), 400),
        ["neither complainant nor anonymous"] = new("POST", "/api/complaints", File(Ok), 400),
        ["anonymous false and no complainant"] = new("POST", "/api/complaints", File($"{Ok},\"anonymous\":false"), 400),
        ["anonymous as a string"] = new("POST", "/api/complaints", File($"{Ok},\"anonymous\":\"true\""), 400),
        ["empty complainant"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{}}"), 400),
        ["complainant of empty strings"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"name\":\"\",\"mobile\":\"\"}}"), 400),
        ["short mobile"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"mobile\":\"0912\"}}"), 400),
        ["Persian-digit mobile too long"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"mobile\":\"۰۹۱۲۳۴۵۶۷۸۹۰\"}}"), 400),
        ["landline as mobile"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"mobile\":\"02166778899\"}}"), 400),
        ["national ID with a wrong check digit"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"nationalId\":\"0499370898\"}}"), 400),
        ["Persian-digit national ID with a wrong check digit"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"nationalId\":\"۰۴۹۹۳۷۰۸۹۸\"}}"), 400),
        ["ten equal digits as national ID"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"nationalId\":\"1111111111\"}}"), 400),
        ["CR/LF in email"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"email\":\"a@example.ir\\r\\nBcc: b@example.ir\"}}"), 400),
        ["display name in email"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"email\":\"Ali <a@example.ir>\"}}"), 400),
        ["CR/LF in name"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"name\":\"علی\\r\\nرضایی\"}}"), 400),
        ["lone surrogate in name"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"name\":\"علی\\udc00\"}}"), 400),
        ["name over 100 characters"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"name\":\"{new string('ع', 101)}\"}}"), 400),
        ["object for name"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":{{\"name\":{{\"first\":\"علی\"}}}}"), 400),
        ["incident date in the future"] = new("POST", "/api/complaints", File($"{Ok},{Person},\"incidentDate\":\"1405-10-01\""), 400),
        ["impossible incident date"] = new("POST", "/api/complaints", File($"{Ok},{Person},\"incidentDate\":\"1405-13-01\""), 400),
        ["incident date with time"] = new("POST", "/api/complaints", File($"{Ok},{Person},\"incidentDate\":\"2026-11-20T10:00:00Z\""), 400),
        ["requestId with CR/LF"] = new("POST", "/api/complaints", File($"{Ok},{Person},\"requestId\":\"req-1\\r\\n\""), 400),
        ["requestId over 64 characters"] = new("POST", "/api/complaints", File($"{Ok},{Person},\"requestId\":\"{new string('r', 65)}\""), 400),
        ["requestId injection"] = new("POST", "/api/complaints", File($"{Ok},{Person},\"requestId\":\"a' or PartitionKey ne '\""), 400),
        ["trailing comma"] = new("POST", "/api/complaints", File($"{Ok},{Person},"), 400),
        ["comment"] = new("POST", "/api/complaints", "{/* hi */" + Ok + "," + Person + "}", 400),
        ["deep nesting"] = new("POST", "/api/complaints", File($"{Ok},\"complainant\":" + string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40)), 400),
        ["body over the limit"] = new("POST", "/api/complaints", File($"{Ok},{Person},\"requestId\":\"{new string('x', 40_000)}\""), 413),
        ["text/plain"] = new("POST", "/api/complaints", File($"{Ok},{Person}"), 415, ContentType: "text/plain"),

        // GET /api/complaints/{trackingCode} (public)
        ["wrong check character"] = new("GET", "/api/complaints/{typo}", null, 404),
        ["quote injection as tracking code"] = new("GET", "/api/complaints/" + Uri.EscapeDataString("a' or PartitionKey ne '"), null, 404),
        ["overlong tracking code"] = new("GET", "/api/complaints/" + new string('A', 300), null, 404),
        ["ambiguous letters in tracking code"] = new("GET", "/api/complaints/OOII-0011-OOII", null, 404),

        // POST /api/complaints/{trackingCode}/escalation and /withdrawal (public)
        ["escalation without reason"] = new("POST", "/api/complaints/{decided}/escalation", "{\"secret\":\"{secret}\"}", 400),
        ["escalation with a wrong secret"] = new("POST", "/api/complaints/{decided}/escalation", "{\"secret\":\"{other-secret}\",\"reason\":\"با تصمیم موافق نیستم\"}", 403),
        ["escalation with a malformed secret"] = new("POST", "/api/complaints/{decided}/escalation", "{\"secret\":\"1234\",\"reason\":\"با تصمیم موافق نیستم\"}", 400),
        ["escalation without a secret"] = new("POST", "/api/complaints/{decided}/escalation", "{\"reason\":\"با تصمیم موافق نیستم\"}", 403),
        ["escalation of an open complaint"] = new("POST", "/api/complaints/{open}/escalation", "{\"reason\":\"با تصمیم موافق نیستم\"}", 409, Key: "admin"),
        ["escalation of a wrong check character"] = new("POST", "/api/complaints/{typo}/escalation", "{\"secret\":\"{secret}\",\"reason\":\"با تصمیم موافق نیستم\"}", 404),
        ["withdrawal of a decided complaint"] = new("POST", "/api/complaints/{decided}/withdrawal", "{\"secret\":\"{secret}\"}", 409),
        ["withdrawal with NUL in reason"] = new("POST", "/api/complaints/{open}/withdrawal", "{\"reason\":\"منصرف\\u0000شدم\"}", 400, Key: "admin"),

        // POST /api/complaints/{trackingCode}/decision (staff)
        ["decision without key"] = new("POST", "/api/complaints/{open}/decision", "{\"outcome\":\"dismissed\",\"reasons\":\"دلیلی برای پذیرش نیست\"}", 401),
        ["unknown outcome"] = new("POST", "/api/complaints/{open}/decision", "{\"outcome\":\"accepted\",\"reasons\":\"دلیلی برای پذیرش نیست\"}", 400, Key: "admin"),
        ["upheld without remedy"] = new("POST", "/api/complaints/{open}/decision", "{\"outcome\":\"upheld\",\"reasons\":\"شکایت وارد است و ثابت شد\"}", 400, Key: "admin"),
        ["reasons too short"] = new("POST", "/api/complaints/{open}/decision", "{\"outcome\":\"dismissed\",\"reasons\":\"نه\"}", 400, Key: "admin"),
        ["NUL in note"] = new("POST", "/api/complaints/{open}/decision", "{\"outcome\":\"dismissed\",\"reasons\":\"دلیلی برای پذیرش نیست\",\"note\":\"a\\u0000\"}", 400, Key: "admin"),
        ["decision with unknown field"] = new("POST", "/api/complaints/{open}/decision", "{\"outcome\":\"dismissed\",\"reasons\":\"دلیلی برای پذیرش نیست\",\"by\":\"me\"}", 400, Key: "admin"),
        ["decision by an inspector of another county"] = new("POST", "/api/complaints/{open}/decision", "{\"outcome\":\"dismissed\",\"reasons\":\"دلیلی برای پذیرش نیست\"}", 404, Key: "inspector-c2"),
        ["decision by a member"] = new("POST", "/api/complaints/{open}/decision", "{\"outcome\":\"dismissed\",\"reasons\":\"دلیلی برای پذیرش نیست\"}", 403, Key: "member"),
        ["second decision"] = new("POST", "/api/complaints/{decided}/decision", "{\"outcome\":\"dismissed\",\"reasons\":\"دلیلی برای پذیرش نیست\"}", 409, Key: "admin"),

        // POST /api/complaints/{trackingCode}/extension (staff)
        ["extension to a word"] = new("POST", "/api/complaints/{open}/extension", "{\"newDueDate\":\"tomorrow\",\"reason\":\"استعلام لازم است\"}", 400, Key: "admin"),
        ["extension to a Friday"] = new("POST", "/api/complaints/{open}/extension", "{\"newDueDate\":\"2026-12-11\",\"reason\":\"استعلام لازم است\"}", 400, Key: "admin"),
        ["extension too far"] = new("POST", "/api/complaints/{open}/extension", "{\"newDueDate\":\"1405-10-15\",\"reason\":\"استعلام لازم است\"}", 400, Key: "admin"),
        ["extension without reason"] = new("POST", "/api/complaints/{open}/extension", "{\"newDueDate\":\"2026-12-09\"}", 400, Key: "admin"),
        ["extension of a decided complaint"] = new("POST", "/api/complaints/{decided}/extension", "{\"newDueDate\":\"2026-12-09\",\"reason\":\"استعلام لازم است\"}", 409, Key: "admin"),

        // GET /api/complaints (staff)
        ["list with an unknown status"] = new("GET", "/api/complaints?status=lost", null, 400, Key: "admin"),
        ["list with quote injection in officeCode"] = new("GET", "/api/complaints?officeCode=" + Uri.EscapeDataString("a' or PartitionKey ne '"), null, 400, Key: "admin"),
        ["list with Arabic letters in countyCode"] = new("GET", "/api/complaints?countyCode=" + Uri.EscapeDataString("كرج"), null, 400, Key: "admin"),
        ["list with page size 0"] = new("GET", "/api/complaints?pageSize=0", null, 400, Key: "admin"),
        ["list with a forged continuation token"] = new("GET", "/api/complaints?continuationToken=%00%01", null, 400, Key: "admin"),
        ["list with overdue=maybe"] = new("GET", "/api/complaints?overdue=maybe", null, 400, Key: "admin"),
        ["list with CR/LF in category"] = new("GET", "/api/complaints?category=delay%0D%0A", null, 400, Key: "admin"),
        ["bootstrap list without province"] = new("GET", "/api/complaints", null, 400, Key: "bootstrap"),
        ["list of an unknown office"] = new("GET", "/api/complaints?officeCode=zz-o1", null, 400, Key: "admin"),

        // Staff reads
        ["case view without key"] = new("GET", "/api/complaints/{open}/case", null, 401),
        ["case view with a wrong check character"] = new("GET", "/api/complaints/{typo}/case", null, 404, Key: "admin"),
        ["access log by an inspector"] = new("GET", "/api/complaints/{open}/access-log", null, 403, Key: "inspector"),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Fact]
    public void ThereAreAtLeastThirtyCases() => Assert.True(Cases.Count >= 30, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task BadInputIsA4xxProblemAndWritesNothing(string name)
    {
        var c = Cases[name];
        var h = fixture.Host;
        var typo = fixture.Open[..^1] + Pishkhan.Complaints.TrackingCode.Alphabet.First(ch => ch != fixture.Open[^1]);
        var path = c.Path.Replace("{open}", fixture.Open).Replace("{decided}", fixture.Decided).Replace("{typo}", typo);
        var body = c.Body?.Replace("{secret}", fixture.DecidedSecret).Replace("{other-secret}", Pishkhan.Complaints.TrackingCode.NewSecret());
        var key = c.Key switch
        {
            "admin" => h.AdminA,
            "inspector" => h.InspectorC1,
            "inspector-c2" => h.InspectorC2,
            "member" => h.Member,
            "bootstrap" => TestHost.BootstrapKey,
            _ => null,
        };
        var before = await h.Host.CountEntitiesAsync();

        var response = body is null
            ? await h.Host.SendAsync(new HttpMethod(c.Method), path, key: key)
            : await h.Host.SendRawAsync(new HttpMethod(c.Method), path, body, c.ContentType, key);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == c.Status, $"{name}: expected {c.Status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await h.Host.CountEntitiesAsync());
    }
}
