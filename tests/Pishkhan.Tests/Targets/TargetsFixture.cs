using Microsoft.Extensions.Time.Testing;
using Pishkhan.Stats;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Targets;

/// <summary>
/// A host whose clock reads 1405-09-10 10:00 Tehran (2026-12-01 06:30 UTC): Aban 1405 (1405-08) is closed,
/// Azar (1405-09) is open with 8 of its 26 working days over. Lorestan has two counties:
/// tg-c1 (offices tg-o1 active + after hours, tg-o2 active) and tg-c2 (tg-o3 active + after hours,
/// tg-o4 suspended + after hours), and counters seeded straight into OfficeStats.
/// </summary>
public sealed class TargetsFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 6, 30, 0, TimeSpan.Zero);
    public FakeTimeProvider Clock { get; } = new(Now);
    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await TestHost.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(Clock));
        await Host.PutOkAsync("/api/counties/tg-c1", new { name = "خرم‌آباد", province = "lorestan" });
        await Host.PutOkAsync("/api/counties/tg-c2", new { name = "بروجرد", province = "lorestan" });
        await Office("tg-o1", "tg-c1", afterHours: true);
        await Office("tg-o2", "tg-c1", afterHours: false);
        await Office("tg-o3", "tg-c2", afterHours: true);
        await Office("tg-o4", "tg-c2", afterHours: true, status: "suspended");

        // 1405-08 (closed), worked out by hand in the tests:
        //   province: received 35, SLA 18/20 = 0.9, satisfaction 45/10 = 4.5, complaint days {1,3,3,10,20,30} → median bucket 4,
        //             routine coverage 2 of 3 active = 0.6667
        //   tg-c1:    received 15, SLA 8/10 = 0.8,  satisfaction 20/5 = 4.0,  days {1,3,3,10} → 4, coverage 1 of 2 = 0.5
        //   tg-c2:    received 20, SLA 10/10 = 1,   satisfaction 25/5 = 5.0,  days {20,30} → 24, coverage 1 of 1 = 1
        await Stats("1405-08", "tg-o1", "tg-c1", received: 10, completed: 8, withinSla: 6, ratings: 4, ratingSum: 18, routine: 1, 1, 3, 3);
        await Stats("1405-08", "tg-o2", "tg-c1", received: 5, completed: 2, withinSla: 2, ratings: 1, ratingSum: 2, routine: 0, 10);
        await Stats("1405-08", "tg-o3", "tg-c2", received: 20, completed: 10, withinSla: 10, ratings: 5, ratingSum: 25, routine: 2, 20, 30);
        // Other periods, for the trend and the open period.
        await Stats("1405-07", "tg-o1", "tg-c1", received: 7, completed: 7, withinSla: 7, ratings: 0, ratingSum: 0, routine: 0);
        await Stats("1405-09", "tg-o1", "tg-c1", received: 4, completed: 0, withinSla: 0, ratings: 0, ratingSum: 0, routine: 0);
        // Another province's counters must not count.
        await Host.Services.GetRequiredService<OfficeStatsStore>().ApplyOnceAsync("1405-08", "tg-far", "fars", "tg-fc", "seed", s => s.RequestsReceived += 1000);
    }

    private Task Office(string code, string county, bool afterHours, string status = "active") =>
        Host.PutOkAsync($"/api/offices/{code}", new
        {
            name = "دفتر " + code, countyCode = county, status,
            openingHours = new { regular = "07:30-14:30", afterHours = afterHours ? "16:00-20:00" : null },
        });

    private Task Stats(string period, string office, string county, long received, long completed, long withinSla, long ratings, long ratingSum,
        long routine, params double[] complaintDays) =>
        Host.Services.GetRequiredService<OfficeStatsStore>().ApplyOnceAsync(period, office, "lorestan", county, "seed", s =>
        {
            s.RequestsReceived += received;
            s.RequestsCompleted += completed;
            s.CompletedWithinSla += withinSla;
            s.RatingCount += ratings;
            s.RatingSum += ratingSum;
            s.RoutineInspections += routine;
            s.InspectionCount += routine;
            foreach (var d in complaintDays)
            {
                s.ComplaintsDecided++;
                s.ComplaintDecisionDaysHistogram = Histogram.Add(s.ComplaintDecisionDaysHistogram, d);
            }
        });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
