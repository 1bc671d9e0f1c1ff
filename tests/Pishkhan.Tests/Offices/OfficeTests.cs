using System.Net;
using System.Text;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Offices;

public sealed class OfficeTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task PersianDigitsInCodesAreNormalised()
    {
        await Host.PutOkAsync("/api/counties/pd-c1", new { name = "دورود", province = "lorestan" });
        var office = await Host.PutOkAsync("/api/offices/pd-" + Uri.EscapeDataString("۱۲۳"), new { name = "دفتر", countyCode = "pd-c1", openingHours = new { regular = "۰۸:۰۰-۱۴:۰۰" } });
        Assert.Equal("pd-123", office["officeCode"]!.GetValue<string>());
        Assert.Equal("08:00-14:00", office["openingHours"]!["regular"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await Host.SendAsync(HttpMethod.Get, "/api/offices/pd-123")).StatusCode);
    }

    [Fact]
    public async Task ArabicYehAndKafInNamesAreStoredAsPersian()
    {
        await Host.PutOkAsync("/api/counties/ak-c1", new { name = "\u0643\u0631\u0645\u0627\u0646\u0634\u0627\u0647 \u064A", province = "kermanshah" });
        var county = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/counties/ak-c1", key: null));
        Assert.Equal("\u06A9\u0631\u0645\u0627\u0646\u0634\u0627\u0647 \u06CC", county["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnOfficeCodeCannotBeTakenByAnotherProvince()
    {
        await Host.PutOkAsync("/api/counties/cc-c1", new { name = "اردبیل", province = "ardabil" });
        await Host.PutOkAsync("/api/counties/cc-c2", new { name = "زاهدان", province = "sistan-baluchestan" });
        await Host.PutOkAsync("/api/offices/cc-shared", new { name = "اول", countyCode = "cc-c1", openingHours = new { regular = "08:00-14:00" } });
        var second = await Host.SendAsync(HttpMethod.Put, "/api/offices/cc-shared", new { name = "دوم", countyCode = "cc-c2", openingHours = new { regular = "08:00-14:00" } });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var office = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices/cc-shared"));
        Assert.Equal("ardabil", office["province"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListIsPagedWithAContinuationToken()
    {
        await Host.PutOkAsync("/api/counties/pg-c1", new { name = "مراغه", province = "east-azerbaijan" });
        for (var i = 0; i < 7; i++)
            await Host.PutOkAsync($"/api/offices/pg-{i:00}", new { name = $"دفتر {i}", countyCode = "pg-c1", openingHours = new { regular = "08:00-14:00" } });
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = "/api/offices?province=east-azerbaijan&countyCode=pg-c1&pageSize=3" + (token is null ? "" : "&continuationToken=" + token);
            var page = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, url));
            seen.AddRange(page["items"]!.AsArray().Select(o => o!["officeCode"]!.GetValue<string>()));
            token = page["continuationToken"]?.GetValue<string>();
            pages++;
        } while (token is not null && pages < 10);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"pg-{i:00}"), seen);
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task ListFiltersByStatus()
    {
        await Host.PutOkAsync("/api/counties/st-c1", new { name = "بناب", province = "west-azerbaijan" });
        await Host.PutOkAsync("/api/offices/st-a", new { name = "الف", countyCode = "st-c1", openingHours = new { regular = "08:00-14:00" } });
        await Host.PutOkAsync("/api/offices/st-b", new { name = "ب", countyCode = "st-c1", openingHours = new { regular = "08:00-14:00" }, status = "suspended" });
        var page = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices?province=west-azerbaijan&status=suspended"));
        Assert.Equal(["st-b"], page["items"]!.AsArray().Select(o => o!["officeCode"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ImportAppliesValidRowsAndReportsInvalidOnes()
    {
        await Host.PutOkAsync("/api/counties/im-c1", new { name = "تبریز", province = "east-azerbaijan" });
        await Host.PutOkAsync("/api/counties/im-far", new { name = "شیراز", province = "fars" });
        var admin = await Host.IssueKeyAsync("admin", "east-azerbaijan");
        var csv = new StringBuilder()
            .AppendLine("officeCode,name,countyCode,regularHours,afterHours,email")
            .AppendLine("im-1,\"دفتر یک، مرکزی\",im-c1,07:30-14:30,16:00-20:00,one@example.ir")
            .AppendLine("im-2,دفتر دو,im-c1,07:30-14:30,,")
            .AppendLine("im-3,دفتر سه,im-c1,bad-hours,,")
            .AppendLine("im-4,دفتر چهار,im-far,07:30-14:30,,")
            .AppendLine("im-1,تکراری,im-c1,07:30-14:30,,")
            .AppendLine("im-5,دفتر پنج,im-c1,07:30-14:30,,not-an-email")
            .ToString();
        var response = await Host.SendRawAsync(HttpMethod.Post, "/api/offices:import", csv, "text/csv", admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await Host.ReadJsonAsync(response);
        Assert.Equal(2, result["applied"]!.GetValue<int>());
        Assert.Equal(4, result["failed"]!.GetValue<int>());
        Assert.Equal([4, 5, 6, 7], result["errors"]!.AsArray().Select(e => e!["line"]!.GetValue<int>()));
        var office = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices/im-1"));
        Assert.Equal("دفتر یک، مرکزی", office["name"]!.GetValue<string>());
        Assert.True(office["hasAfterHours"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/offices/im-4")).StatusCode);
    }

    [Fact]
    public async Task ImportReportsMalformedQuotingAsARowErrorAndAppliesTheRest()
    {
        await Host.PutOkAsync("/api/counties/iq-c1", new { name = "مراغه", province = "east-azerbaijan" });
        var csv = "officeCode,name,countyCode,regularHours\r\n" +
                  "iq-1,\"ab\"c,iq-c1,07:30-14:30\r\n" +         // text after the closing quote
                  "iq-2,دفتر دو,iq-c1,07:30-14:30\r\n" +
                  "iq-3,ab\"c,iq-c1,07:30-14:30\r\n" +            // a quote inside an unquoted field
                  "iq-4,\"دفتر \"\"چهار\"\", مرکزی\",iq-c1,07:30-14:30\r\n";
        var response = await Host.SendRawAsync(HttpMethod.Post, "/api/offices:import", csv, "text/csv");
        var result = await Host.ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["iq-2", "iq-4"], result["appliedOfficeCodes"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal([2, 4], result["errors"]!.AsArray().Select(e => e!["line"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/offices/iq-1")).StatusCode);
        Assert.Equal("دفتر \"چهار\", مرکزی", (await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices/iq-4")))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABatchedImportRefusesOnlyTheRowWhoseCodeAnotherProvinceHoldsAndKeepsSummaryColumns()
    {
        await Host.PutOkAsync("/api/counties/ib-c1", new { name = "مرند", province = "east-azerbaijan" });
        await Host.PutOkAsync("/api/counties/ib-far", new { name = "مرودشت", province = "fars" });
        await Host.PutOkAsync("/api/offices/ib-taken", new { name = "دفتر فارس", countyCode = "ib-far", openingHours = new { regular = "08:00-14:00" } });
        await Host.PutOkAsync("/api/offices/ib-0007", new { name = "قدیم", countyCode = "ib-c1", openingHours = new { regular = "08:00-14:00" }, status = "suspended" });
        var store = Host.Services.GetRequiredService<Pishkhan.Offices.OfficeStore>();
        var existing = (await store.FindAsync("ib-0007", default))!;
        existing.OpenComplaints = 2;
        await store.Table.UpdateEntityAsync(existing, existing.ETag);

        var csv = new StringBuilder("officeCode,name,countyCode,regularHours\r\n");
        for (var i = 0; i < 250; i++)
        {
            if (i == 120) csv.Append("ib-taken,دفتر دزدیده,ib-c1,07:30-14:30\r\n");
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"ib-{i:0000},دفتر {i},ib-c1,07:30-14:30\r\n");
        }
        var admin = await Host.IssueKeyAsync("admin", "east-azerbaijan");
        var result = await Host.ReadJsonAsync(await Host.SendRawAsync(HttpMethod.Post, "/api/offices:import", csv.ToString(), "text/csv", admin));

        Assert.Equal((250, 1), (result["applied"]!.GetValue<int>(), result["failed"]!.GetValue<int>()));
        var error = result["errors"]!.AsArray().Single()!;
        Assert.Equal((122, "ib-taken"), (error["line"]!.GetValue<int>(), error["officeCode"]!.GetValue<string>()));
        Assert.Equal("دفتر فارس", (await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/offices/ib-taken")))["name"]!.GetValue<string>());
        var updated = (await store.FindAsync("ib-0007", default))!;
        Assert.Equal(("دفتر 7", 2, "suspended"), (updated.Name, updated.OpenComplaints, updated.Status));
        Assert.Equal("active", (await store.FindAsync("ib-0249", default))!.Status);
    }

    [Fact]
    public async Task UpdatingAnOfficeKeepsItsSummaryColumns()
    {
        await Host.PutOkAsync("/api/counties/su-c1", new { name = "الیگودرز", province = "lorestan" });
        await Host.PutOkAsync("/api/offices/su-1", new { name = "قدیم", countyCode = "su-c1", openingHours = new { regular = "08:00-14:00" } });
        var store = Host.Services.GetRequiredService<Pishkhan.Offices.OfficeStore>();
        var entity = (await store.FindAsync("su-1", default))!;
        entity.OpenComplaints = 3;
        await store.Table.UpdateEntityAsync(entity, entity.ETag);
        var updated = await Host.PutOkAsync("/api/offices/su-1", new { name = "جدید", countyCode = "su-c1", openingHours = new { regular = "08:00-14:00" } }, ifMatch: "*");
        Assert.Equal("جدید", updated["name"]!.GetValue<string>());
        Assert.Equal(3, updated["openComplaints"]!.GetValue<int>());
    }
}
