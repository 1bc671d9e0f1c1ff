using System.Net;
using System.Text;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

/// <summary>Bad input on every route of the capability: 4xx problem details, and not one entity written.</summary>
public sealed class RequestsBadInputTests(RequestsHostFixture fixture) : IClassFixture<RequestsHostFixture>
{
    private TestHost Host => fixture.Host;

    private enum Who { Agency, Office, Admin, Public }

    private sealed record Case(string Name, HttpMethod Method, string Path, string? Body, Who Who, string? IdempotencyKey = "bad-input-key",
        string ContentType = "application/json");

    private static string Request(string contractId = "bi-k1", string serviceCode = "parcel", string externalRef = "ext", string citizen = "{}", string extra = "") =>
        $$"""{"contractId":"{{contractId}}","serviceCode":"{{serviceCode}}","countyCode":"bi-c1","externalRef":"{{externalRef}}","citizen":{{citizen}}{{extra}}}""";

    private static IEnumerable<Case> Cases(string requestId)
    {
        var post = HttpMethod.Post;
        // POST /api/requests
        yield return new("malformed JSON", post, "/api/requests", """{"contractId":""", Who.Agency);
        yield return new("empty body", post, "/api/requests", "", Who.Agency);
        yield return new("not an object", post, "/api/requests", "[1,2]", Who.Agency);
        yield return new("wrong type", post, "/api/requests", """{"contractId":1,"serviceCode":"parcel","countyCode":"bi-c1","externalRef":"x","citizen":{}}""", Who.Agency);
        yield return new("null citizen", post, "/api/requests", Request(citizen: "null"), Who.Agency);
        yield return new("missing field", post, "/api/requests", """{"contractId":"bi-k1","serviceCode":"parcel","citizen":{}}""", Who.Agency);
        yield return new("unknown field", post, "/api/requests", Request(extra: ",\"priority\":1"), Who.Agency);
        yield return new("unknown citizen field", post, "/api/requests", Request(citizen: """{"name":"علی"}"""), Who.Agency);
        yield return new("overlong externalRef", post, "/api/requests", Request(externalRef: new string('x', 101)), Who.Agency);
        yield return new("OData injection in contractId", post, "/api/requests", Request(contractId: "a' or PartitionKey ne '"), Who.Agency);
        yield return new("Arabic ي/ك in a code", post, "/api/requests", Request(serviceCode: "كيك"), Who.Agency);
        yield return new("Persian digits, bad national ID", post, "/api/requests", Request(citizen: """{"nationalId":"۱۲۳۴۵۶۷۸۹۰"}"""), Who.Agency);
        yield return new("bad mobile", post, "/api/requests", Request(citizen: """{"mobile":"0812345678"}"""), Who.Agency);
        yield return new("bad email", post, "/api/requests", Request(citizen: """{"email":"a@b@c"}"""), Who.Agency);
        yield return new("CR/LF in externalRef", post, "/api/requests", Request(externalRef: "a\\r\\nb"), Who.Agency);
        yield return new("NUL in externalRef", post, "/api/requests", Request(externalRef: "a\\u0000b"), Who.Agency);
        yield return new("lone surrogate", post, "/api/requests", Request(externalRef: "a\\ud800b"), Who.Agency);
        yield return new("bidi override", post, "/api/requests", Request(externalRef: "a\\u202eb"), Who.Agency);
        yield return new("CR/LF in email", post, "/api/requests", Request(citizen: """{"email":"a@b.ir\r\nBcc: x@y.ir"}"""), Who.Agency);
        yield return new("no Idempotency-Key", post, "/api/requests", Request(), Who.Agency, IdempotencyKey: null);
        yield return new("overlong Idempotency-Key", post, "/api/requests", Request(), Who.Agency, IdempotencyKey: new string('k', 201));
        yield return new("Idempotency-Key with spaces", post, "/api/requests", Request(), Who.Agency, IdempotencyKey: "a b");
        yield return new("wrong content type", post, "/api/requests", Request(), Who.Agency, ContentType: "text/plain");
        yield return new("oversize body", post, "/api/requests", Request(externalRef: new string('x', 70_000)), Who.Agency);
        yield return new("deep nesting", post, "/api/requests", new string('[', 40) + new string(']', 40), Who.Agency);

        // POST /api/requests/{id}/events
        var events = $"/api/requests/{requestId}/events";
        yield return new("event malformed", post, events, "{\"type\":", Who.Office);
        yield return new("event unknown type", post, events, """{"type":"done"}""", Who.Office);
        yield return new("event numeric type", post, events, """{"type":1}""", Who.Office);
        yield return new("event unknown field", post, events, """{"type":"accepted","by":"me"}""", Who.Office);
        yield return new("event bad time", post, events, """{"type":"accepted","at":"yesterday"}""", Who.Office);
        yield return new("event NUL in note", post, events, """{"type":"accepted","note":"a\u0000"}""", Who.Office);
        yield return new("event overlong note", post, events, $$"""{"type":"accepted","note":"{{new string('n', 501)}}"}""", Who.Office);
        yield return new("event injected id", post, "/api/requests/a'%20or%20PartitionKey%20ne%20'/events", """{"type":"accepted"}""", Who.Office);
        yield return new("event unknown id", post, "/api/requests/bi-o1_0000000000000000/events", """{"type":"accepted"}""", Who.Office);

        // POST /api/ratings
        yield return new("rating malformed", post, "/api/ratings", "{\"token\"", Who.Public);
        yield return new("rating score as string", post, "/api/ratings", """{"token":"t","score":"5"}""", Who.Public);
        yield return new("rating score Persian digit", post, "/api/ratings", """{"token":"t","score":"۵"}""", Who.Public);
        yield return new("rating score 6", post, "/api/ratings", """{"token":"t","score":6}""", Who.Public);
        yield return new("rating score 0", post, "/api/ratings", """{"token":"t","score":0}""", Who.Public);
        yield return new("rating score fraction", post, "/api/ratings", """{"token":"t","score":4.5}""", Who.Public);
        yield return new("rating missing token", post, "/api/ratings", """{"score":4}""", Who.Public);
        yield return new("rating unknown field", post, "/api/ratings", """{"token":"t","score":4,"name":"x"}""", Who.Public);
        yield return new("rating overlong comment", post, "/api/ratings", $$"""{"token":"t","score":4,"comment":"{{new string('c', 1001)}}"}""", Who.Public);
        yield return new("rating NUL comment", post, "/api/ratings", """{"token":"t","score":4,"comment":"a\u0000"}""", Who.Public);
        yield return new("rating lone surrogate comment", post, "/api/ratings", """{"token":"t","score":4,"comment":"\udc00"}""", Who.Public);
        yield return new("rating injected token", post, "/api/ratings", """{"token":"a' or PartitionKey ne '","score":4}""", Who.Public);
        yield return new("rating overlong token", post, "/api/ratings", $$"""{"token":"{{new string('t', 201)}}","score":4}""", Who.Public);

        // GET /api/requests
        var get = HttpMethod.Get;
        yield return new("list bad status", get, "/api/requests?status=done", null, Who.Agency);
        yield return new("list bad from", get, "/api/requests?from=yesterday", null, Who.Agency);
        yield return new("list time without offset", get, "/api/requests?from=2026-11-24T10:00:00", null, Who.Agency);
        yield return new("list pageSize 0", get, "/api/requests?pageSize=0", null, Who.Office);
        yield return new("list bad token", get, "/api/requests?continuationToken=%25%25%25", null, Who.Agency);
        yield return new("list foreign token", get, "/api/requests?continuationToken=eA", null, Who.Agency);
        yield return new("list injected office", get, "/api/requests?officeCode=a'%20or%20PartitionKey%20ne%20'", null, Who.Admin);
        yield return new("list CR/LF", get, "/api/requests?status=a%0D%0Ab", null, Who.Office);

        // Webhooks
        yield return new("secret injected agency", post, "/api/agencies/a'%20or%20PartitionKey%20ne%20'/webhook-secret", null, Who.Admin);
        yield return new("secret unknown agency", post, "/api/agencies/nobody/webhook-secret", null, Who.Admin);
        yield return new("webhook javascript URL", HttpMethod.Put, "/api/agencies/bi-post", """{"name":"پست","province":"lorestan","webhookUrl":"javascript:alert(1)"}""", Who.Admin);
        yield return new("webhook http remote URL", HttpMethod.Put, "/api/agencies/bi-post", """{"name":"پست","province":"lorestan","webhookUrl":"http://example.ir/h"}""", Who.Admin);
        yield return new("webhook CR/LF URL", HttpMethod.Put, "/api/agencies/bi-post", """{"name":"پست","province":"lorestan","webhookUrl":"https://example.ir/h\r\nX: y"}""", Who.Admin);
    }

    [Fact]
    public async Task EveryBadInputIsA4xxProblemAndWritesNothing()
    {
        var kit = await RequestsKit.SeedAsync(Host, "lorestan", "bi");
        var requestId = (await kit.CreateAsync())["id"]!.GetValue<string>();
        var failures = new List<string>();
        foreach (var c in Cases(requestId))
        {
            var before = await Host.CountEntitiesAsync();
            var key = c.Who switch
            {
                Who.Agency => kit.AgencyKey,
                Who.Office => kit.OfficeKeyFor(requestId),
                Who.Admin => TestHost.BootstrapKey,
                _ => null,
            };
            var request = Host.Request(c.Method, c.Path, key);
            if (c.Body is not null)
            {
                request.Content = new StringContent(c.Body, Encoding.UTF8);
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(c.ContentType);
            }
            if (c.IdempotencyKey is not null && c.Path == "/api/requests" && c.Method == HttpMethod.Post) request.Headers.TryAddWithoutValidation("Idempotency-Key", c.IdempotencyKey);
            var response = await Host.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            var media = response.Content.Headers.ContentType?.MediaType;
            var after = await Host.CountEntitiesAsync();
            if (status is < 400 or >= 500 || media != "application/problem+json" || after != before)
                failures.Add($"{c.Name}: {status} {media}, entities {before}→{after}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal("submitted", (await kit.GetAsync(requestId)).Str("status"));
    }
}
