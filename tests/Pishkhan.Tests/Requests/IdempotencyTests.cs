using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Pishkhan.Requests;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

public sealed class IdempotencyTests(RequestsHostFixture fixture) : IClassFixture<RequestsHostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task WithoutAnIdempotencyKeyIs400AndWritesNothing()
    {
        var kit = await RequestsKit.SeedAsync(Host, "lorestan", "id1");
        var before = await Host.CountEntitiesAsync();
        var response = await kit.PostAsync(kit.Body());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", (await Host.ReadJsonAsync(response))["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(before, await Host.CountEntitiesAsync());
    }

    [Fact]
    public async Task ARetryWithTheSameKeyAndBodyGetsTheFirstResponse()
    {
        var kit = await RequestsKit.SeedAsync(Host, "ardabil", "id2");
        var first = await kit.PostAsync(kit.Body(externalRef: "r-1"), "retry-key-1");
        var firstBody = await first.Content.ReadAsStringAsync();
        await kit.EventOkAsync(JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetString()!, "accepted",
            kit.OfficeKeyFor(JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetString()!));
        // Same body, written differently: spacing, Persian digits and +98 in the mobile number.
        var second = await kit.PostAsync(kit.Body(externalRef: "r-1", citizen: new { nationalId = "۰۰۱۳۵۴۲۴۱۹", mobile = "+98 912 123 4567", email = "citizen@EXAMPLE.ir" }), "retry-key-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        var list = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/requests", key: kit.AgencyKey));
        Assert.Single(list["items"]!.AsArray());
    }

    [Fact]
    public async Task TheSameKeyWithAnotherBodyIs422AndWritesNothing()
    {
        var kit = await RequestsKit.SeedAsync(Host, "bushehr", "id3");
        await kit.CreateAsync(kit.Body(externalRef: "a"), "key-422");
        var before = await Host.CountEntitiesAsync();
        var response = await kit.PostAsync(kit.Body(externalRef: "b"), "key-422");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await Host.CountEntitiesAsync());
    }

    [Fact]
    public async Task TwentyConcurrentRetriesCreateOneRequest()
    {
        var kit = await RequestsKit.SeedAsync(Host, "gilan", "id4");
        var body = kit.Body(externalRef: "burst");
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => kit.PostAsync(body, "burst-key")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = (await Task.WhenAll(responses.Select(Host.ReadJsonAsync))).Select(j => j.Str("id")).Distinct().ToList();
        var id = Assert.Single(ids);

        var requests = Host.Table(Tables.Requests);
        var rows = await requests.QueryAsync<TableEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {RequestsKit.OfficeOf(id)} and RowKey ge {"r_"} and RowKey lt {"r`"}")).ToListAsync();
        Assert.Single(rows);
        Assert.Equal(1, await kit.OpenWorkAsync(RequestsKit.OfficeOf(id)));
        var stats = await kit.StatsAsync(RequestsKit.OfficeOf(id), Pishkhan.Calendar.JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString());
        Assert.Equal(1, stats!.RequestsReceived);
    }

    [Fact]
    public async Task ARetryFinishesAnIntakeInterruptedAfterItsClaim()
    {
        var kit = await RequestsKit.SeedAsync(Host, "kerman", "id5");
        // The state a crash between the two writes leaves: the claim, without the request.
        var now = DateTimeOffset.UtcNow;
        var id = RequestIds.Id(kit.Office(1), RequestIds.NewSuffix(now));
        var draft = new RequestDraft(id, kit.Agency, kit.Contract, "parcel", "مرسوله", 16, "crash", kit.Province, kit.County1, kit.Office(1),
            now, now.AddHours(30), "0013542419", "09121234567", "citizen@example.ir", "test");
        var claimKey = ClaimRow.KeyFor("crash-key");
        await Host.Table(Tables.RequestKeys).AddEntityAsync(new ClaimRow
        {
            PartitionKey = ClaimRow.PartitionFor(kit.Agency, claimKey), RowKey = claimKey, RequestId = id, OfficeCode = kit.Office(1),
            CreatedAt = now, DueAt = draft.DueAt, DraftJson = JsonSerializer.Serialize(draft, Pishkhan.Http.Json.Stored),
            BodyHash = IntakeApi.BodyHash(kit.Contract, "parcel", null, kit.County1, "crash", new CitizenContact("0013542419", "09121234567", "citizen@example.ir")),
        });

        var created = await kit.CreateAsync(kit.Body(externalRef: "crash"), "crash-key");
        Assert.Equal(id, created.Str("id"));
        Assert.Equal("submitted", (await kit.GetAsync(id)).Str("status"));
        Assert.Equal(1, await kit.OpenWorkAsync(kit.Office(1)));
    }

    [Fact]
    public async Task KeysOfDifferentAgenciesAreIndependent()
    {
        var kit = await RequestsKit.SeedAsync(Host, "markazi", "id6");
        await Host.PutOkAsync("/api/agencies/id6-tax", new { name = "اداره مالیات", province = "markazi" });
        await Host.PutOkAsync("/api/contracts/id6-tax-k", new
        {
            agencyId = "id6-tax", services = new[] { new { serviceCode = "parcel", name = "x", slaHours = 8, fee = 1 } },
            countyCodes = new[] { kit.County1 }, validFrom = "2020-01-01", validTo = "2099-12-31",
        });
        var taxKey = await Host.IssueKeyAsync("agency", "id6-tax");
        var a = await kit.CreateAsync(kit.Body(externalRef: "same"), "shared-key");
        var b = await Host.ReadJsonAsync(await kit.PostAsync(new { contractId = "id6-tax-k", serviceCode = "parcel", externalRef = "same", citizen = new { } }, "shared-key", taxKey));
        Assert.NotEqual(a.Str("id"), b.Str("id"));
    }
}
