using System.Net;
using System.Text.Json.Nodes;
using Pishkhan.Complaints;
using Pishkhan.Text;
using Pishkhan.Tests.Infrastructure;
using static Pishkhan.Tests.Complaints.ComplaintsHost;

namespace Pishkhan.Tests.Complaints;

/// <summary>
/// Files complaints with known personal data, takes them through every public and office-facing route, and
/// searches every response for each value in every form it may take. The case view (for handlers) is the
/// positive control: the same search finds the values there.
/// </summary>
public sealed class ComplaintPrivacyTests
{
    private sealed record Person(string Name, string MobileTyped, string Mobile, string Email, string NationalId);

    private static readonly Person[] People =
    [
        new("فرهاد نیک‌پور", "+98 912 765 4321", "09127654321", "Farhad.Nikpour@Example.ir", "0499370899"),
        new("مریم سلطانی", "۰۹۳۵۹۸۷۶۵۴۳", "09359876543", "m.soltani@example.ir", "1234567891"),
    ];

    // Text only the complainant wrote, and notes only staff wrote: neither may reach the public or the office.
    private const string HomeAddress = "نشانی منزل خیابان لاله پلاک هفده";
    private const string AppealText = "اعتراض محرمانه درباره مدیر دفتر";
    private const string StaffNote = "NOTE-INTERNAL-7731";
    private const string StaffReasons = "REASONS-INTERNAL-5521 دلایل";
    private const string Remedy = "REMEDY-INTERNAL-4410";
    private const string ExtensionReason = "EXTENSION-INTERNAL-9034 استعلام";
    private const string WithdrawalText = "WITHDRAWAL-INTERNAL-2211 منصرف شدم";

    private static IEnumerable<string> PersonalForms(Person p) =>
    [
        p.Name, p.MobileTyped, p.Mobile, p.Mobile[1..], "+98" + p.Mobile[1..], PersianText.ToPersianDigits(p.Mobile),
        p.Email, p.Email.ToLowerInvariant(), p.Email.Split('@')[0], p.NationalId, PersianText.ToPersianDigits(p.NationalId),
    ];

    private static readonly string[] ComplainantText = [HomeAddress, AppealText, WithdrawalText];
    private static readonly string[] StaffText = [StaffNote, StaffReasons, Remedy, ExtensionReason];

    private sealed class Collected
    {
        public List<(string Route, string Text)> Public { get; } = [];
        public List<(string Route, string Text)> Office { get; } = [];
        public List<(string Route, string Text)> Staff { get; } = [];
    }

    private static async Task<string> TextOf(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        // Also the decoded string values, in case a value were JSON-escaped in the raw text.
        var decoded = new List<string>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o: foreach (var (k, v) in o) { decoded.Add(k); Walk(v); } break;
                case JsonArray a: foreach (var v in a) Walk(v); break;
                case JsonValue v when v.TryGetValue<string>(out var s): decoded.Add(s); break;
            }
        }
        try { Walk(JsonNode.Parse(raw)); } catch (System.Text.Json.JsonException) { }
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        return raw + "\n" + string.Join("\n", decoded) + "\n" + headers;
    }

    [Fact]
    public async Task NoPublicOrOfficeResponseContainsPersonalDataOrInternalText()
    {
        await using var h = await (await StartAsync()).SeedAsync();
        var got = new Collected();
        async Task<HttpResponseMessage> Call(List<(string, string)> into, HttpMethod method, string path, object? body = null, string? key = null)
        {
            var response = await h.Host.SendAsync(method, path, body, key);
            into.Add(($"{method} {path} → {(int)response.StatusCode}", await TextOf(response)));
            return response;
        }
        var codes = new List<(string Code, string Secret)>();
        foreach (var p in People)
        {
            var body = new
            {
                officeCode = "lr-o1", category = ComplaintCategories.Misconduct, incidentDate = "1405-09-01", requestId = "req-77",
                description = $"من {p.Name} هستم، {HomeAddress}، تلفن {p.Mobile} و کد ملی {p.NationalId}.",
                complainant = new { name = p.Name, mobile = p.MobileTyped, email = p.Email, nationalId = p.NationalId },
            };
            var filed = await Call(got.Public, HttpMethod.Post, "/api/complaints", body);
            Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
            var json = await h.Host.ReadJsonAsync(filed);
            codes.Add((json["trackingCode"]!.GetValue<string>(), json["secret"]!.GetValue<string>()));
            await Call(got.Public, HttpMethod.Post, "/api/complaints", body); // the duplicate answer
        }
        var (first, firstSecret) = codes[0];
        var (second, secondSecret) = codes[1];

        foreach (var (code, _) in codes) await Call(got.Public, HttpMethod.Get, $"/api/complaints/{code}");
        await Call(got.Office, HttpMethod.Get, "/api/complaints", key: h.OfficeO1);
        await Call(got.Office, HttpMethod.Get, "/api/offices/lr-o1", key: h.OfficeO1);
        await Call(got.Office, HttpMethod.Get, $"/api/complaints/{first}/case", key: h.OfficeO1);
        await Call(got.Office, HttpMethod.Get, $"/api/complaints/{first}", key: h.OfficeO1);

        // Stage 1: an extension, then a decision with reasons, remedy and an internal note.
        await Call(got.Staff, HttpMethod.Post, $"/api/complaints/{first}/extension", new { newDueDate = "2026-12-09", reason = ExtensionReason }, h.InspectorC1);
        await Call(got.Staff, HttpMethod.Post, $"/api/complaints/{first}/decision",
            new { outcome = "partlyUpheld", reasons = StaffReasons, remedy = Remedy, note = StaffNote }, h.InspectorC1);
        await Call(got.Public, HttpMethod.Get, $"/api/complaints/{first}");
        await Call(got.Public, HttpMethod.Post, $"/api/complaints/{first}/escalation", new { secret = TrackingCode.NewSecret(), reason = AppealText });
        await Call(got.Public, HttpMethod.Post, $"/api/complaints/{first}/escalation", new { secret = firstSecret, reason = AppealText });
        await Call(got.Public, HttpMethod.Post, $"/api/complaints/{first}/escalation", new { secret = firstSecret, reason = AppealText });
        await Call(got.Staff, HttpMethod.Post, $"/api/complaints/{first}/decision",
            new { outcome = "upheld", reasons = StaffReasons, remedy = Remedy, note = StaffNote }, TestHost.BootstrapKey);
        await Call(got.Public, HttpMethod.Get, $"/api/complaints/{first}");
        await Call(got.Public, HttpMethod.Post, $"/api/complaints/{second}/withdrawal", new { secret = secondSecret, reason = WithdrawalText });
        await Call(got.Public, HttpMethod.Get, $"/api/complaints/{second}");
        await Call(got.Public, HttpMethod.Get, "/api/complaint-categories");
        await Call(got.Office, HttpMethod.Get, "/api/complaints?status=closed", key: h.OfficeO1);
        await Call(got.Office, HttpMethod.Get, "/api/offices/lr-o1", key: h.OfficeO1);
        await Call(got.Staff, HttpMethod.Get, "/api/complaints?officeCode=lr-o1", key: h.AdminA);
        await Call(got.Staff, HttpMethod.Get, "/api/complaints", key: h.InspectorC1);
        await Call(got.Staff, HttpMethod.Get, $"/api/complaints/{first}/access-log", key: h.AdminA);

        var leaks = new List<string>();
        foreach (var p in People)
            foreach (var value in PersonalForms(p).Concat(ComplainantText))
            {
                foreach (var (route, text) in got.Public.Concat(got.Office).Concat(got.Staff))
                    if (text.Contains(value, StringComparison.OrdinalIgnoreCase)) leaks.Add($"'{value}' in {route}");
            }
        foreach (var value in StaffText)
            foreach (var (route, text) in got.Public.Concat(got.Office))
                if (text.Contains(value, StringComparison.OrdinalIgnoreCase)) leaks.Add($"'{value}' in {route}");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        Assert.True(got.Public.Count >= 14 && got.Office.Count >= 6, $"{got.Public.Count} public, {got.Office.Count} office responses");

        // Positive control: the same search finds every value in the case view handlers read.
        foreach (var ((code, _), p) in codes.Zip(People))
        {
            var caseView = await TextOf(await h.Host.SendAsync(HttpMethod.Get, $"/api/complaints/{code}/case", key: h.AdminA));
            foreach (var value in new[] { p.Name, p.Mobile, p.Email, p.NationalId, HomeAddress })
                Assert.Contains(value, caseView, StringComparison.OrdinalIgnoreCase);
        }
    }
}
