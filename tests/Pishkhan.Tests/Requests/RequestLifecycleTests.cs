using System.Net;
using Pishkhan.Calendar;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Requests;

public sealed class RequestLifecycleTests(RequestsHostFixture fixture) : IClassFixture<RequestsHostFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task SubmittedRequestIsAcceptedCompletedAndCounted()
    {
        var kit = await RequestsKit.SeedAsync(Host, "lorestan", "lc");
        var created = await kit.CreateAsync();
        var id = created.Str("id");
        Assert.Equal("submitted", created.Str("status"));
        var officeKey = kit.OfficeKeyFor(id);

        await kit.EventOkAsync(id, "accepted", officeKey);
        var done = await kit.EventOkAsync(id, "completed", officeKey);
        Assert.Equal("completed", done.Str("status"));
        Assert.Equal(["submitted", "accepted", "completed"], done["history"]!.AsArray().Select(h => h!.Str("what")));

        var office = RequestsKit.OfficeOf(id);
        var stats = await kit.StatsAsync(office, JalaliPeriod.Containing(DateTimeOffset.UtcNow).ToString());
        Assert.NotNull(stats);
        Assert.Equal(1, stats.RequestsReceived);
        Assert.Equal(1, stats.RequestsCompleted);
        Assert.Equal(1, stats.CompletedWithinSla);
        Assert.Equal(HttpStatusCode.Conflict, (await kit.EventAsync(id, "accepted", officeKey)).StatusCode);
    }
}
