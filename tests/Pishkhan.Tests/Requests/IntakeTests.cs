using System.Net;
using Azure.Data.Tables;
using Pishkhan.Rankings;
using Pishkhan.Requests;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

public sealed class IntakeTests(RequestsHostFixture fixture) : IClassFixture<RequestsHostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task CreatesARequestWithLocationAndADueAtInWorkingHours()
    {
        var kit = await RequestsKit.SeedAsync(Host, "lorestan", "in1");
        var response = await kit.PostAsync(kit.Body(), Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await Host.ReadJsonAsync(response);
        var id = created.Str("id");
        Assert.Equal($"/api/requests/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("submitted", created.Str("status"));

        var view = await kit.GetAsync(id);
        var calendar = await Host.Services.GetRequiredService<Pishkhan.Calendar.HolidayStore>().GetCalendarAsync("lorestan");
        var createdAt = view["createdAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(calendar.AddWorkingHours(createdAt, 16), created["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(16, view["slaHours"]!.GetValue<int>());
        Assert.Equal(kit.County1, view.Str("countyCode"));
        Assert.Equal("مرسوله", view.Str("serviceName"));
    }

    [Fact]
    public async Task RoutesToTheLeastOpenWorkThenTheBetterRankThenTheOfficeCode()
    {
        var kit = await RequestsKit.SeedAsync(Host, "ilam", "in2");
        // A published ranking: o2 ranked 3rd, o1 unranked (written before the province's ranks are first read).
        var rankings = Host.Table(Tables.Rankings);
        await rankings.AddEntityAsync(new RankingRunEntity { PartitionKey = RankingStore.PartitionFor("ilam", "latest"), Period = "1405-08" });
        await rankings.AddEntityAsync(new RankingRowEntity { PartitionKey = RankingStore.PartitionFor("ilam", "1405-08"), RowKey = kit.Office(2), ProvinceRank = 3, CountyCode = kit.County1 });

        var first = RequestsKit.OfficeOf((await kit.CreateAsync())["id"]!.GetValue<string>());
        var second = RequestsKit.OfficeOf((await kit.CreateAsync())["id"]!.GetValue<string>());
        var third = RequestsKit.OfficeOf((await kit.CreateAsync())["id"]!.GetValue<string>());
        Assert.Equal([kit.Office(2), kit.Office(1), kit.Office(2)], [first, second, third]);
        Assert.Equal(2, await kit.OpenWorkAsync(kit.Office(2)));
        Assert.Equal(1, await kit.OpenWorkAsync(kit.Office(1)));
    }

    [Fact]
    public async Task SpreadsConcurrentIntakesOverTheCountysOffices()
    {
        var kit = await RequestsKit.SeedAsync(Host, "zanjan", "in3");
        var ids = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => kit.CreateAsync()));
        var perOffice = ids.GroupBy(c => RequestsKit.OfficeOf(c.Str("id"))).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5, perOffice[kit.Office(1)]);
        Assert.Equal(5, perOffice[kit.Office(2)]);
    }

    [Fact]
    public async Task HonoursAnExplicitActiveOfficeOfACoveredCounty()
    {
        var kit = await RequestsKit.SeedAsync(Host, "qom", "in4");
        var created = await kit.CreateAsync(kit.Body(officeCode: kit.Office(3)));
        Assert.Equal(kit.Office(3), created.Str("officeCode"));
        Assert.Equal(kit.County2, (await kit.GetAsync(created.Str("id"))).Str("countyCode"));
    }

    [Fact]
    public async Task RefusesASuspendedOfficeAnOfficeInAnotherCountyAndAnUncoveredCounty()
    {
        var kit = await RequestsKit.SeedAsync(Host, "semnan", "in5");
        await Host.PutOkAsync($"/api/offices/{kit.Office(3)}", new { name = "دفتر ۳", countyCode = kit.County2, openingHours = new { regular = "08:00-14:00" }, status = "suspended" }, ifMatch: "*");
        await Host.PutOkAsync("/api/counties/in5-c3", new { name = "شاهرود", province = "semnan" });
        await Host.PutOkAsync("/api/offices/in5-o4", new { name = "دفتر ۴", countyCode = "in5-c3", openingHours = new { regular = "08:00-14:00" } });
        var before = await Host.CountEntitiesAsync();

        var suspended = await kit.PostAsync(kit.Body(officeCode: kit.Office(3)), "k1");
        Assert.Equal(HttpStatusCode.BadRequest, suspended.StatusCode);
        Assert.Contains("officeCode", (await Host.ReadJsonAsync(suspended))["errors"]!.AsObject().Select(e => e.Key));
        var mismatch = await kit.PostAsync(kit.Body(officeCode: kit.Office(1), countyCode: kit.County2), "k2");
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        var uncovered = await kit.PostAsync(kit.Body(officeCode: "in5-o4"), "k3");
        Assert.Equal(HttpStatusCode.BadRequest, uncovered.StatusCode);
        var uncoveredCounty = await kit.PostAsync(kit.Body(countyCode: "in5-c3"), "k4");
        Assert.Equal(HttpStatusCode.BadRequest, uncoveredCounty.StatusCode);
        Assert.Equal(before, await Host.CountEntitiesAsync());
    }

    [Fact]
    public async Task ChecksServiceValidityAndOwnershipOfTheContract()
    {
        var kit = await RequestsKit.SeedAsync(Host, "yazd", "in6");
        await Host.PutOkAsync("/api/contracts/in6-old", new
        {
            agencyId = kit.Agency, services = new[] { new { serviceCode = "parcel", name = "مرسوله", slaHours = 8, fee = 1 } },
            countyCodes = new[] { kit.County1 }, validFrom = "2020-01-01", validTo = "2021-12-31",
        });
        await Host.PutOkAsync("/api/agencies/in6-tax", new { name = "اداره مالیات", province = "yazd" });
        await Host.PutOkAsync("/api/contracts/in6-tax-k", new
        {
            agencyId = "in6-tax", services = new[] { new { serviceCode = "parcel", name = "x", slaHours = 8, fee = 1 } },
            countyCodes = new[] { kit.County1 }, validFrom = "2020-01-01", validTo = "2099-12-31",
        });
        var before = await Host.CountEntitiesAsync();

        async Task<string[]> FieldsOf(object body)
        {
            var response = await kit.PostAsync(body, Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return [.. (await Host.ReadJsonAsync(response))["errors"]!.AsObject().Select(e => e.Key)];
        }

        Assert.Contains("serviceCode", await FieldsOf(kit.Body(serviceCode: "bill")));
        Assert.Contains("contractId", await FieldsOf(new { contractId = "in6-old", serviceCode = "parcel", externalRef = "x", citizen = new { } }));
        Assert.Contains("contractId", await FieldsOf(new { contractId = "in6-tax-k", serviceCode = "parcel", externalRef = "x", countyCode = kit.County1, citizen = new { } }));
        Assert.Contains("contractId", await FieldsOf(new { contractId = "in6-none", serviceCode = "parcel", externalRef = "x", countyCode = kit.County1, citizen = new { } }));
        // The seeded contract covers two counties: one of countyCode/officeCode is needed.
        Assert.Contains("countyCode", await FieldsOf(new { contractId = kit.Contract, serviceCode = "parcel", externalRef = "x", citizen = new { } }));
        Assert.Equal(before, await Host.CountEntitiesAsync());
    }

    [Fact]
    public async Task ASingleCountyContractNeedsNoCountyAndACountyWithoutActiveOfficesIs409()
    {
        var kit = await RequestsKit.SeedAsync(Host, "hamadan", "in7");
        await Host.PutOkAsync("/api/contracts/in7-one", new
        {
            agencyId = kit.Agency, services = new[] { new { serviceCode = "parcel", name = "مرسوله", slaHours = 8, fee = 1 } },
            countyCodes = new[] { kit.County2 }, validFrom = "2020-01-01", validTo = "2099-12-31",
        });
        var created = await kit.CreateAsync(new { contractId = "in7-one", serviceCode = "parcel", externalRef = "one", citizen = new { } });
        Assert.Equal(kit.Office(3), created.Str("officeCode"));

        await Host.PutOkAsync("/api/counties/in7-c3", new { name = "ملایر", province = "hamadan" });
        await Host.PutOkAsync("/api/contracts/in7-empty", new
        {
            agencyId = kit.Agency, services = new[] { new { serviceCode = "parcel", name = "مرسوله", slaHours = 8, fee = 1 } },
            countyCodes = new[] { "in7-c3" }, validFrom = "2020-01-01", validTo = "2099-12-31",
        });
        var before = await Host.CountEntitiesAsync();
        var none = await kit.PostAsync(new { contractId = "in7-empty", serviceCode = "parcel", externalRef = "x", citizen = new { } }, "k-none");
        Assert.Equal(HttpStatusCode.Conflict, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await Host.CountEntitiesAsync());
    }

    [Fact]
    public async Task OnlyAnAgencyKeyMayPost()
    {
        var kit = await RequestsKit.SeedAsync(Host, "qazvin", "in8");
        Assert.Equal(HttpStatusCode.Forbidden, (await kit.PostAsync(kit.Body(), "k", key: kit.OfficeKeys[kit.Office(1)])).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await kit.PostAsync(kit.Body(), "k", key: TestHost.BootstrapKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Http.SendAsync(Host.Request(HttpMethod.Post, "/api/requests", null, kit.Body()))).StatusCode);
    }
}
