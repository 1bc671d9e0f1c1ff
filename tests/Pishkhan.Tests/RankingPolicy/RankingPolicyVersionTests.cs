using Azure.Data.Tables;
using Pishkhan.RankingPolicy;
using Pishkhan.Storage;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.RankingPolicy;

/// <summary>Versions of a province's ranking policy as stored, through PUT /api/ranking-policy on Azurite.</summary>
public sealed class RankingPolicyVersionTests
{
    [Fact]
    public async Task APutWhoseInsertAnswerIsLostStoresOneVersionNotTwo()
    {
        // The insert is stored, its answer lost; the storage client's retry meets the version it wrote (409).
        var lost = new LostAnswer();
        await using var host = await TestHost.StartAsync(queues: [], timers: [], configure: lost.Register);
        lost.ArmInsert(Tables.RankingPolicies);

        var saved = await host.PutOkAsync("/api/ranking-policy", new
        {
            province = "ilam", minimumVolume = 50, normalisation = "minMax",
            indicators = new[] { new { indicator = "slaCompliance", weight = 0.5, shrinkageStrength = 20.0 }, new { indicator = "satisfaction", weight = 0.5, shrinkageStrength = 10.0 } },
            tiers = new[] { new { tier = "alef", minimumScore = 70.0 }, new { tier = "dal", minimumScore = 0.0 } },
        });

        Assert.Equal(1, lost.Lost);
        Assert.Equal(2, saved["version"]!.GetValue<int>());
        var versions = await host.Table(Tables.RankingPolicies).ListAsync<RankingPolicyEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"ilam"}"));
        Assert.Equal([2], versions.Select(v => v.Version));
    }
}
