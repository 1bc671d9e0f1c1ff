using System.Net;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Offices;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Offices;

/// <summary>
/// If-Match on the PUTs that answer an ETag, and what a write that keeps losing to another writer answers.
/// Another writer comes in through <see cref="ConcurrentWriter"/>: a real concurrent write on Azurite between
/// the store's read and its ETag-guarded write.
/// </summary>
public sealed class OfficeWriteConditionTests : IAsyncLifetime
{
    private readonly ConcurrentWriter _writer = new();
    private TestHost _host = null!;
    private TestHost Host => _host;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(configure: _writer.Register);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static object Office(string name, string county) => new { name, countyCode = county, openingHours = new { regular = "08:00-14:00" } };

    private async Task<HttpResponseMessage> PutAsync(string path, object body, string? ifMatch)
    {
        var request = Host.Request(HttpMethod.Put, path, json: body);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await Host.Http.SendAsync(request);
    }

    private static string ETagOf(HttpResponseMessage response) => response.Headers.GetValues("ETag").Single();

    private async Task<string> OfficeNameAsync(string code) =>
        (await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, $"/api/offices/{code}")))["name"]!.GetValue<string>();

    private async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, (await Host.ReadJsonAsync(response))["status"]!.GetValue<int>());
    }

    /// <summary>Makes every conditional write of the office lose to another writer that touches its phone number.</summary>
    private void ContendOffice(string province, string code, int times)
    {
        var offices = Host.Table(Tables.Offices);
        _writer.Arm(Host.Store.Names.Table(Tables.Offices), province, code, () =>
            offices.UpdateEntityAsync(new TableEntity(province, code) { ["Phone"] = "0663" + Random.Shared.Next(1000000, 9999999) }, ETag.All, TableUpdateMode.Merge),
            times);
    }

    [Fact]
    public async Task ReplacingAnExistingOfficeWithoutIfMatchIs428AndWritesNothingWhileCreatingNeedsNone()
    {
        await Host.PutOkAsync("/api/counties/pc-c1", new { name = "خرم‌آباد", province = "lorestan" });
        await Host.PutOkAsync("/api/counties/pc-c2", new { name = "بروجرد", province = "lorestan" });
        Assert.Equal(HttpStatusCode.OK, (await PutAsync("/api/offices/pc-1", Office("اول", "pc-c1"), ifMatch: null)).StatusCode);

        await AssertProblemAsync(await PutAsync("/api/offices/pc-1", Office("دوم", "pc-c2"), ifMatch: null), (HttpStatusCode)428);

        Assert.Equal("اول", await OfficeNameAsync("pc-1"));
        var entry = await Host.Services.GetRequiredService<CodeDirectory>().FindAsync(DirectoryKinds.Office, "pc-1", default);
        Assert.Equal("pc-c1", entry!.County); // the directory claim was not moved to the other county either
    }

    [Fact]
    public async Task AStaleIfMatchIs412AndWritesNothingWhileTheCurrentETagOrAStarReplaces()
    {
        await Host.PutOkAsync("/api/counties/pe-c1", new { name = "الیگودرز", province = "lorestan" });
        var created = await PutAsync("/api/offices/pe-1", Office("اول", "pe-c1"), ifMatch: null);
        var first = ETagOf(created);

        var second = await PutAsync("/api/offices/pe-1", Office("دوم", "pe-c1"), first);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(first, ETagOf(second));

        await AssertProblemAsync(await PutAsync("/api/offices/pe-1", Office("سوم", "pe-c1"), first), HttpStatusCode.PreconditionFailed);
        Assert.Equal("دوم", await OfficeNameAsync("pe-1"));

        Assert.Equal(HttpStatusCode.OK, (await PutAsync("/api/offices/pe-1", Office("چهارم", "pe-c1"), "*")).StatusCode);
        Assert.Equal("چهارم", await OfficeNameAsync("pe-1"));

        // If-Match on an office that does not exist: 412, no office.
        await AssertProblemAsync(await PutAsync("/api/offices/pe-2", Office("نو", "pe-c1"), "*"), HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Get, "/api/offices/pe-2")).StatusCode);
    }

    [Fact]
    public async Task ACountyPutHonoursIfMatchWithoutRequiringIt()
    {
        var created = await PutAsync("/api/counties/pk-c1", new { name = "کوهدشت", province = "lorestan" }, ifMatch: null);
        var first = ETagOf(created);
        var second = await PutAsync("/api/counties/pk-c1", new { name = "کوهدشت نو", province = "lorestan" }, ifMatch: null);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        await AssertProblemAsync(await PutAsync("/api/counties/pk-c1", new { name = "دیگر", province = "lorestan" }, first), HttpStatusCode.PreconditionFailed);
        var read = await Host.ReadJsonAsync(await Host.SendAsync(HttpMethod.Get, "/api/counties/pk-c1"));
        Assert.Equal("کوهدشت نو", read["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await PutAsync("/api/counties/pk-c1", new { name = "کوهدشت", province = "lorestan" }, ETagOf(second))).StatusCode);
    }

    [Fact]
    public async Task AnOfficeThatLosesEveryAttemptToAnotherWriterAnswersA409ProblemNotA500()
    {
        await Host.PutOkAsync("/api/counties/pt-c1", new { name = "دورود", province = "lorestan" });
        await Host.PutOkAsync("/api/offices/pt-1", Office("اول", "pt-c1"));
        ContendOffice("lorestan", "pt-1", times: 1000);

        var response = await PutAsync("/api/offices/pt-1", Office("دوم", "pt-c1"), "*");

        await AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("changed concurrently; retry", (await Host.ReadJsonAsync(response))["detail"]!.GetValue<string>());
        Assert.True(_writer.Interleaved >= 20);
        Assert.Equal("اول", await OfficeNameAsync("pt-1"));
    }

    [Fact]
    public async Task AnImportReportsEachRowsOwnProblemAConcurrentChangeAsSuchAndAForeignCodeAsForeign()
    {
        await Host.PutOkAsync("/api/counties/pi-c1", new { name = "ازنا", province = "lorestan" });
        await Host.PutOkAsync("/api/counties/pi-far", new { name = "مرودشت", province = "fars" });
        await Host.PutOkAsync("/api/offices/pi-taken", Office("دفتر فارس", "pi-far"));
        await Host.PutOkAsync("/api/offices/pi-busy", Office("قدیم", "pi-c1"));
        // The foreign code makes the batch fail, so each row is saved alone; pi-busy then loses every attempt.
        ContendOffice("lorestan", "pi-busy", times: 1000);
        var csv = "officeCode,name,countyCode,regularHours\r\npi-taken,دفتر دزدیده,pi-c1,07:30-14:30\r\npi-busy,جدید,pi-c1,07:30-14:30\r\npi-new,نو,pi-c1,07:30-14:30\r\n";

        var response = await Host.SendRawAsync(HttpMethod.Post, "/api/offices:import", csv, "text/csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await Host.ReadJsonAsync(response);
        Assert.Equal(["pi-new"], result["appliedOfficeCodes"]!.AsArray().Select(c => c!.GetValue<string>()));
        var errors = result["errors"]!.AsArray().ToDictionary(e => e!["officeCode"]!.GetValue<string>(), e => e!);
        string Message(string code) => errors[code]["errors"]!["officeCode"]!.AsArray().Single()!.GetValue<string>();
        Assert.Equal(409, errors["pi-taken"]["status"]!.GetValue<int>());
        Assert.Contains("already used elsewhere", Message("pi-taken"));
        Assert.Equal(409, errors["pi-busy"]["status"]!.GetValue<int>());
        Assert.Contains("changed concurrently; retry", Message("pi-busy"));
        Assert.DoesNotContain("elsewhere", Message("pi-busy"));
        Assert.Equal("قدیم", await OfficeNameAsync("pi-busy"));
    }
}
