using System.Net;
using System.Text;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Meetings;

/// <summary>Bad input to the meeting routes: 4xx problem details, and not one entity written.</summary>
public sealed class MeetingsBadInputTests(HostFixture fixture) : IClassFixture<HostFixture>, IAsyncLifetime
{
    private TestHost Host => fixture.Host;
    private static string? _meetingId;

    public async Task InitializeAsync()
    {
        if ((await Host.SendAsync(HttpMethod.Get, "/api/counties/mb-c1", key: null)).StatusCode == HttpStatusCode.NotFound)
        {
            await Host.PutOkAsync("/api/counties/mb-c1", new { name = "همدان", province = "hamadan" });
            await Host.PutOkAsync("/api/members/mb-m1", new { name = "عضو", email = "m1@example.ir", role = "member", province = "hamadan" });
        }
        var list = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/meetings?scope=hamadan"));
        _meetingId = list["items"]!.AsArray().FirstOrDefault()?["id"]!.GetValue<string>();
        if (_meetingId is null)
        {
            var created = await Host.SendRawAsync(HttpMethod.Post, "/api/meetings", Valid);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            _meetingId = (await Host.ReadJsonAsync(created))["id"]!.GetValue<string>();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private const string Valid =
        """{"date":"1405-09-01","scope":"hamadan","participants":["mb-m1"],"decisions":[{"text":"تصمیم","ownerMemberId":"mb-m1","dueDate":"1405-09-20"}]}""";

    private static string With(string decision) =>
        """{"date":"1405-09-01","scope":"hamadan","participants":["mb-m1"],"decisions":[""" + decision + "]}";

    private static string Links(string links) => With("""{"text":"تصمیم","ownerMemberId":"mb-m1","dueDate":"1405-09-20","links":""" + links + "}");

    private const string Injection = "a' or PartitionKey ne '";

    public static TheoryData<string, string, string, string, int> Cases()
    {
        var data = new TheoryData<string, string, string, string, int>();
        void Add(string method, string path, string body, int status, string contentType = "application/json") => data.Add(method, path, body, contentType, status);
        const string post = "/api/meetings";

        Add("POST", post, "{", 400);
        Add("POST", post, "[]", 400);
        Add("POST", post, "null", 400);
        Add("POST", post, "", 400);
        Add("POST", post, Valid[..^1] + ""","extra":1}""", 400);
        Add("POST", post, Valid.Replace("\"participants\":[\"mb-m1\"]", "\"participants\":\"mb-m1\""), 400);
        Add("POST", post, Valid.Replace("\"date\":\"1405-09-01\"", "\"date\":14050901"), 400);
        Add("POST", post, Valid + " // comment", 400);
        Add("POST", post, Valid[..^1] + ",}", 400);
        Add("POST", post, Valid, 415, "text/plain");
        Add("POST", post, "{\"title\":\"" + new string('x', 1_100_000) + "\"}", 413);
        Add("POST", post, new string('[', 40) + new string(']', 40), 400);
        Add("POST", post, """{"scope":"hamadan","participants":["mb-m1"]}""", 400);                       // date missing
        // Dates.
        foreach (var date in new[] { "1405-13-01", "1405-12-31", "2026-02-30", "yesterday", "1405/09/01", "1999-12-31", "1405-09-01T00:00", Injection })
            Add("POST", post, Valid.Replace("\"date\":\"1405-09-01\"", $"\"date\":\"{date}\""), 400);
        // Scope and title.
        Add("POST", post, Valid.Replace("\"scope\":\"hamadan\"", "\"scope\":\"atlantis\""), 400);
        Add("POST", post, Valid.Replace("\"scope\":\"hamadan\"", $"\"scope\":\"{Injection}\""), 400);
        Add("POST", post, Valid.Replace("\"scope\":\"hamadan\"", "\"scope\":\"\u064A\u0643\""), 400);           // Arabic ي ك
        Add("POST", post, Valid[..^1] + ",\"title\":\"" + new string('ب', 201) + "\"}", 400);
        Add("POST", post, Valid[..^1] + ",\"title\":\"line\\r\\nbreak\"}", 400);
        Add("POST", post, Valid[..^1] + ",\"title\":\"\\ud800\"}", 400);
        Add("POST", post, Valid[..^1] + ",\"title\":\"\\u202Eevil\"}", 400);
        // Participants.
        Add("POST", post, Valid.Replace("[\"mb-m1\"]", "[]"), 400);
        Add("POST", post, Valid.Replace("\"participants\":[\"mb-m1\"]", "\"participants\":[\"nobody\"]"), 400);
        Add("POST", post, Valid.Replace("\"participants\":[\"mb-m1\"]", $"\"participants\":[\"{Injection}\"]"), 400);
        Add("POST", post, Valid.Replace("\"participants\":[\"mb-m1\"]", "\"participants\":[null]"), 400);
        Add("POST", post, Valid.Replace("\"participants\":[\"mb-m1\"]", "\"participants\":[" + string.Join(',', Enumerable.Repeat("\"mb-m1\"", 51)) + "]"), 400);
        // Decisions.
        Add("POST", post, With("""{"text":"","ownerMemberId":"mb-m1","dueDate":"1405-09-20"}"""), 400);
        Add("POST", post, With("""{"text":"nul\u0000","ownerMemberId":"mb-m1","dueDate":"1405-09-20"}"""), 400);
        Add("POST", post, With("{\"text\":\"" + new string('ب', 2001) + "\",\"ownerMemberId\":\"mb-m1\",\"dueDate\":\"1405-09-20\"}"), 400);
        Add("POST", post, With("""{"text":"تصمیم","ownerMemberId":"nobody","dueDate":"1405-09-20"}"""), 400);
        Add("POST", post, With("""{"text":"تصمیم","ownerMemberId":"mb-m1","dueDate":"1405-08-30"}"""), 400);   // before the meeting
        Add("POST", post, With("""{"text":"تصمیم","ownerMemberId":"mb-m1"}"""), 400);
        Add("POST", post, With("""{"text":"تصمیم","ownerMemberId":"mb-m1","dueDate":"1405-09-20","status":"done"}"""), 400);
        Add("POST", post, With("null"), 400);
        Add("POST", post, With(string.Join(',', Enumerable.Repeat("""{"text":"ت","ownerMemberId":"mb-m1","dueDate":"1405-09-20"}""", 51))), 400);
        // Links.
        Add("POST", post, Links("""{"targets":["hamadan/1405-09"]}"""), 400);
        Add("POST", post, Links("""{"targets":["hamadan/1405-13/slaCompliance"]}"""), 400);
        Add("POST", post, Links("""{"targets":["hamadan/1405-09/nothing"]}"""), 400);
        Add("POST", post, Links("""{"targets":["fars/1405-09/slaCompliance"]}"""), 400);
        Add("POST", post, Links($$"""{"targets":["{{Injection}}/1405-09/slaCompliance"]}"""), 400);
        Add("POST", post, Links("""{"offices":["no-such-office"]}"""), 400);
        Add("POST", post, Links($$"""{"offices":["{{Injection}}"]}"""), 400);
        Add("POST", post, Links($$"""{"complaints":["{{Injection}}"]}"""), 400);
        Add("POST", post, Links("""{"complaints":["AB\r\nCD"]}"""), 400);
        Add("POST", post, Links("""{"complaints":[""]}"""), 400);
        Add("POST", post, Links("""{"complaints":[""" + string.Join(',', Enumerable.Range(0, 21).Select(i => $"\"C{i}\"")) + "]}"), 400);
        Add("POST", post, Links("""{"agencies":["x"]}"""), 400);
        // Status changes.
        const string status = "/api/meetings/{id}/decisions/d01/status";
        Add("POST", status, """{"status":"closed"}""", 400);
        Add("POST", status, """{"status":1}""", 400);
        Add("POST", status, """{"status":"done","note":"nul\u0000"}""", 400);
        Add("POST", status, """{"status":"done","note":"\ud800"}""", 400);
        Add("POST", status, "{\"status\":\"done\",\"note\":\"" + new string('ب', 1001) + "\"}", 400);
        Add("POST", status, """{"note":"x"}""", 400);
        Add("POST", status, """{"status":"done"}""", 415, "text/plain");
        Add("POST", "/api/meetings/" + Uri.EscapeDataString(Injection) + "/decisions/d01/status", """{"status":"done"}""", 400);
        Add("POST", "/api/meetings/{id}/decisions/" + Uri.EscapeDataString(Injection) + "/status", """{"status":"done"}""", 400);
        Add("POST", "/api/meetings/m0000000-00000000/decisions/d01/status", """{"status":"done"}""", 404);
        Add("POST", "/api/meetings/{id}/decisions/d99/status", """{"status":"done"}""", 404);
        // Reads.
        Add("GET", "/api/meetings/" + Uri.EscapeDataString(Injection), "", 400);
        Add("GET", "/api/meetings/%D9%8A%D9%83", "", 400);
        Add("GET", "/api/meetings/m0000000-00000000", "", 404);
        Add("GET", "/api/meetings?scope=" + Uri.EscapeDataString(Injection), "", 400);
        Add("GET", "/api/meetings?scope=atlantis", "", 400);
        Add("GET", "/api/meetings?scope=hamadan&pageSize=0", "", 400);
        Add("GET", "/api/meetings?scope=hamadan&continuationToken=%%%", "", 400);
        Add("GET", "/api/meetings?scope=hamadan&scope=fars", "", 400);
        Add("GET", "/api/meetings", "", 400);                                                  // the bootstrap key names no province
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AnswersBadInputWithProblemDetailsAndWritesNothing(string method, string path, string body, string contentType, int status) =>
        Host.AssertRefusedAndNothingWrittenAsync(method, path.Replace("{id}", _meetingId), body, contentType, status);

    [Theory]
    [InlineData("")]
    [InlineData("key with spaces")]
    [InlineData("key\ttab")]
    public async Task AMalformedIdempotencyKeyIsRejected(string key)
    {
        var before = await Host.CountEntitiesAsync();
        var request = Host.Request(HttpMethod.Post, "/api/meetings");
        request.Content = new StringContent(Valid, Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key.Length == 0 ? new string('k', 101) : key);
        var response = await Host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await Host.CountEntitiesAsync());
    }
}
