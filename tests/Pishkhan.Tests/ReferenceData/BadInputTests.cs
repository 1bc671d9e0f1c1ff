using System.Net;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.ReferenceData;

/// <summary>
/// Every reference-data route answers bad input with 4xx problem details and writes nothing: the
/// entity count of the host's tables is the same before and after each case.
/// </summary>
public sealed class BadInputTests(HostFixture fixture) : IClassFixture<HostFixture>, IAsyncLifetime
{
    private TestHost Host => fixture.Host;

    public async Task InitializeAsync()
    {
        if ((await Host.SendAsync(HttpMethod.Get, "/api/counties/bi-c1", key: null)).StatusCode == HttpStatusCode.NotFound)
            await Host.SeedProvinceAsync("hamadan", "bi");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private const string Injection = "a' or PartitionKey ne '";
    private static readonly string Long = new('ب', 5000);

    private static readonly object ValidOffice = new { name = "دفتر", countyCode = "bi-c1", openingHours = new { regular = "08:00-14:00" } };

    public static TheoryData<string, string, string, string, int> Cases()
    {
        var data = new TheoryData<string, string, string, string, int>();
        void Add(string method, string path, string body, int status, string contentType = "application/json") => data.Add(method, path, body, contentType, status);

        foreach (var (path, valid) in new[]
                 {
                     ("/api/counties/bi-new", """{"name":"نهاوند","province":"hamadan"}"""),
                     ("/api/offices/bi-new", """{"name":"دفتر","countyCode":"bi-c1","openingHours":{"regular":"08:00-14:00"}}"""),
                     ("/api/agencies/bi-new", """{"name":"اداره مالیات","province":"hamadan"}"""),
                     ("/api/contracts/bi-new", """{"agencyId":"bi-post","services":[{"serviceCode":"s1","name":"خدمت","slaHours":8,"fee":1000}],"countyCodes":["bi-c1"],"validFrom":"2026-01-01","validTo":"2026-12-31"}"""),
                     ("/api/members/bi-new", """{"name":"عضو","email":"m@example.ir","role":"member","province":"hamadan"}"""),
                 })
        {
            Add("PUT", path, "{", 400);                                            // malformed JSON
            Add("PUT", path, "[]", 400);                                           // wrong shape
            Add("PUT", path, "null", 400);
            Add("PUT", path, "", 400);                                             // empty body
            Add("PUT", path, valid[..^1] + ""","extra":1}""", 400);               // unknown field
            Add("PUT", path, valid.Replace("\"name\":", "\"name\":123,\"x\":"), 400); // type confusion
            Add("PUT", path, valid + " // comment", 400);
            Add("PUT", path, valid[..^1] + ",}", 400);                             // trailing comma
            Add("PUT", path, valid, 415, "text/plain");                            // wrong media type
            Add("PUT", path, "{\"name\":\"" + new string('x', 1_100_000) + "\"}", 413); // 1 MB body
            Add("PUT", path, new string('[', 40) + new string(']', 40), 400);      // deep nesting
        }
        // Keys in routes: OData injection, Arabic letters, spaces, overlong, NUL.
        foreach (var key in new[] { Uri.EscapeDataString(Injection), "%D9%8A%D9%83", "a%20b", new string('a', 41), "a%E2%80%AEb", "x" })
            Add("PUT", "/api/counties/" + key, """{"name":"نام","province":"hamadan"}""", 400);
        // Field values.
        Add("PUT", "/api/counties/bi-x1", """{"name":"","province":"hamadan"}""", 400);
        Add("PUT", "/api/counties/bi-x1", """{"name":"   ","province":"hamadan"}""", 400);
        Add("PUT", "/api/counties/bi-x1", "{\"name\":\"" + Long + "\",\"province\":\"hamadan\"}", 400);
        Add("PUT", "/api/counties/bi-x1", """{"name":"نام","province":"atlantis"}""", 400);
        Add("PUT", "/api/counties/bi-x1", """{"name":"نام","province":"a' or PartitionKey ne '"}""", 400);
        Add("PUT", "/api/counties/bi-x1", """{"name":"line\r\nbreak","province":"hamadan"}""", 400);
        Add("PUT", "/api/counties/bi-x1", """{"name":"nul\u0000","province":"hamadan"}""", 400);
        Add("PUT", "/api/counties/bi-x1", """{"name":"\ud800","province":"hamadan"}""", 400);
        Add("PUT", "/api/counties/bi-x1", """{"name":"\u202Eevil","province":"hamadan"}""", 400);
        Add("PUT", "/api/counties/bi-x1", """{"name":null,"province":"hamadan"}""", 400);
        Add("PUT", "/api/counties/bi-x1", """{"province":"hamadan"}""", 400);
        Add("PUT", "/api/offices/bi-x1", """{"name":"دفتر","countyCode":"bi-c1","openingHours":{"regular":"25:00-26:00"}}""", 400);
        Add("PUT", "/api/offices/bi-x1", """{"name":"دفتر","countyCode":"bi-c1","openingHours":{"regular":"14:00-08:00"}}""", 400);
        Add("PUT", "/api/offices/bi-x1", """{"name":"دفتر","countyCode":"nowhere","openingHours":{"regular":"08:00-14:00"}}""", 400);
        Add("PUT", "/api/offices/bi-x1", """{"name":"دفتر","countyCode":"bi-c1","openingHours":{"regular":"08:00-14:00"},"status":"closed"}""", 400);
        Add("PUT", "/api/offices/bi-x1", """{"name":"دفتر","countyCode":"bi-c1","openingHours":{"regular":"08:00-14:00"},"email":"a@b.ir\r\nBcc: x@y.ir"}""", 400);
        Add("PUT", "/api/offices/bi-x1", """{"name":"دفتر","countyCode":"bi-c1","openingHours":{"regular":"08:00-14:00"},"phone":"call me"}""", 400);
        Add("PUT", "/api/offices/bi-x1", """{"name":"دفتر","countyCode":"bi-c1","openingHours":{"regular":"08:00-14:00"},"status":1}""", 400);
        Add("PUT", "/api/contracts/bi-x1", """{"agencyId":"bi-post","services":[],"countyCodes":["bi-c1"],"validFrom":"2026-01-01","validTo":"2026-12-31"}""", 400);
        Add("PUT", "/api/contracts/bi-x1", """{"agencyId":"bi-post","services":[{"serviceCode":"s1","name":"خدمت","slaHours":0,"fee":1}],"countyCodes":["bi-c1"],"validFrom":"2026-01-01","validTo":"2026-12-31"}""", 400);
        Add("PUT", "/api/contracts/bi-x1", """{"agencyId":"bi-post","services":[{"serviceCode":"s1","name":"خدمت","slaHours":8,"fee":-1}],"countyCodes":["bi-c1"],"validFrom":"2026-01-01","validTo":"2026-12-31"}""", 400);
        Add("PUT", "/api/contracts/bi-x1", """{"agencyId":"bi-post","services":[{"serviceCode":"s1","name":"خدمت","slaHours":8,"fee":1}],"countyCodes":["bi-c1"],"validFrom":"2026-12-31","validTo":"2026-01-01"}""", 400);
        Add("PUT", "/api/contracts/bi-x1", """{"agencyId":"bi-post","services":[{"serviceCode":"s1","name":"خدمت","slaHours":8,"fee":1}],"countyCodes":["bi-c1"],"validFrom":"1405-01-01","validTo":"2026-01-01"}""", 400);
        Add("PUT", "/api/contracts/bi-x1", """{"agencyId":"bi-post","services":[{"serviceCode":"s1","name":"خدمت","slaHours":"8","fee":1}],"countyCodes":["bi-c1"],"validFrom":"2026-01-01","validTo":"2026-12-31"}""", 400);
        Add("PUT", "/api/contracts/bi-x1", """{"agencyId":"bi-post","services":[{"serviceCode":"s1","name":"خدمت","slaHours":8,"fee":1}],"countyCodes":["elsewhere"],"validFrom":"2026-01-01","validTo":"2026-12-31"}""", 400);
        Add("PUT", "/api/members/bi-x1", """{"name":"عضو","email":"not-an-email","role":"member","province":"hamadan"}""", 400);
        Add("PUT", "/api/members/bi-x1", """{"name":"عضو","email":"m@example.ir","role":"king","province":"hamadan"}""", 400);
        Add("PUT", "/api/members/bi-x1", """{"name":"عضو","email":"m@example.ir","role":"countyLead","province":"hamadan"}""", 400);
        Add("POST", "/api/keys", """{"role":"superuser","scope":"hamadan"}""", 400);
        Add("POST", "/api/keys", """{"role":"admin","scope":"atlantis"}""", 400);
        Add("POST", "/api/keys", """{"role":"office","scope":"no-such-office"}""", 400);
        Add("POST", "/api/keys", """{"role":"admin"}""", 400);
        Add("POST", "/api/keys", """{"role":0,"scope":"hamadan"}""", 400);
        Add("DELETE", "/api/keys/" + Uri.EscapeDataString(Injection), "", 400);
        Add("GET", "/api/offices?province=hamadan&pageSize=0", "", 400);
        Add("GET", "/api/offices?province=hamadan&pageSize=abc", "", 400);
        Add("GET", "/api/offices?province=hamadan&continuationToken=%%%", "", 400);
        Add("GET", "/api/offices?province=hamadan&countyCode=" + Uri.EscapeDataString(Injection), "", 400);
        Add("GET", "/api/offices?province=hamadan&status=" + Uri.EscapeDataString(Injection), "", 400);
        Add("GET", "/api/offices?province=" + Uri.EscapeDataString(Injection), "", 400);
        Add("GET", "/api/counties?province=" + Uri.EscapeDataString(Injection), "", 400);
        Add("POST", "/api/offices:import", "officeCode,name\n", 400, "text/csv");                // missing required columns
        Add("POST", "/api/offices:import", "officeCode,name,countyCode,regularHours,bogus\n", 400, "text/csv");
        Add("POST", "/api/offices:import", "\"unterminated", 400, "text/csv");
        Add("POST", "/api/offices:import", "{}", 415);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task AnswersBadInputWithProblemDetailsAndWritesNothing(string method, string path, string body, string contentType, int status) =>
        Host.AssertRefusedAndNothingWrittenAsync(method, path, body, contentType, status);

    [Fact]
    public async Task FieldErrorsNameTheOffendingField()
    {
        var response = await Host.SendRawAsync(HttpMethod.Put, "/api/offices/bi-z1",
            """{"name":"","countyCode":"bi-c1","openingHours":{"regular":"8-2"},"email":"x"}""");
        var problem = await Host.ReadJsonAsync(response);
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("name", errors.Select(e => e.Key));
        Assert.Contains("openingHours.regular", errors.Select(e => e.Key));
        Assert.Contains("email", errors.Select(e => e.Key));
    }

    [Fact]
    public async Task UnknownFieldIsNamedInTheError()
    {
        var response = await Host.SendRawAsync(HttpMethod.Put, "/api/counties/bi-z2", """{"name":"نام","province":"hamadan","isAdmin":true}""");
        var problem = await Host.ReadJsonAsync(response);
        Assert.Equal("Unknown field.", problem["errors"]!["isAdmin"]![0]!.GetValue<string>());
    }
}
