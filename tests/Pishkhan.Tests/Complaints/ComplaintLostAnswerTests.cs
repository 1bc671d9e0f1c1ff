using System.Net;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;
using static Pishkhan.Tests.Complaints.ComplaintsHost;

namespace Pishkhan.Tests.Complaints;

/// <summary>
/// A write that was stored but whose answer was lost (the storage client's network timeout) is retried by the
/// client, which then meets its own write: a 409 on an insert, a 412 on a replace. The caller must get what it
/// did (a filing with its secret, not "duplicate" without one; a decision, not "already decided"), done once.
/// </summary>
public sealed class ComplaintLostAnswerTests
{
    [Theory]
    [InlineData(Tables.ComplaintDedupe)]
    [InlineData(Tables.ComplaintCodes)]
    [InlineData(Tables.Complaints)]
    public async Task AFilingWhoseInsertAnswerIsLostIsStillFiledOnceWithItsSecret(string table)
    {
        var lost = new LostAnswer();
        await using var h = await (await StartAsync(configure: lost.Register)).SeedAsync();
        lost.ArmInsert(table);

        var (code, secret, body) = await h.FileAsync("lr-o1");

        Assert.Equal(1, lost.Lost);
        Assert.False(body["duplicate"]!.GetValue<bool>());
        var list = await h.OkAsync(HttpMethod.Get, "/api/complaints?officeCode=lr-o1", null, h.AdminA);
        Assert.Equal([code], list["items"]!.AsArray().Select(i => i!["trackingCode"]!.GetValue<string>()));
        // The secret is the one stored with the complaint: the complainant can act with it.
        var withdrawn = await h.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/withdrawal", new { secret, reason = "مشکل حل شد" }, key: null);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
    }

    [Fact]
    public async Task ADecisionWhoseAnswerIsLostAnswersAsDecidedAndIsRecordedOnce()
    {
        var lost = new LostAnswer();
        await using var h = await (await StartAsync(configure: lost.Register)).SeedAsync();
        var (code, _, _) = await h.FileAsync("lr-o1");
        lost.ArmReplace(Tables.Complaints);

        var decided = await h.DecideAsync(code, "dismissed", h.InspectorC1, remedy: null);

        Assert.Equal(1, lost.Lost);
        Assert.Equal("dismissed", decided["outcome"]!.GetValue<string>());
        var status = await h.StatusAsync(code);
        Assert.Single(status["timeline"]!.AsArray(), e => e!["event"]!.GetValue<string>() == "decided");
    }

    [Fact]
    public async Task IdenticalWithdrawalsAtTheSameInstantHaveOneWinnerAndTheRestAre409()
    {
        // The clock stands still, so racing withdrawals with the same secret and reason build the very same row:
        // only a mark of each write's own tells the one stored from its rivals after their 412s.
        await using var h = await (await StartAsync()).SeedAsync();
        for (var round = 0; round < 5; round++)
        {
            var (code, secret, _) = await h.FileAsync("lr-o1");
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
                h.Host.SendAsync(HttpMethod.Post, $"/api/complaints/{code}/withdrawal", new { secret, reason = "مشکل حل شد" }, key: null)));

            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
            var status = await h.StatusAsync(code);
            Assert.Single(status["timeline"]!.AsArray(), e => e!["event"]!.GetValue<string>() == "withdrawn");
        }
    }
}
