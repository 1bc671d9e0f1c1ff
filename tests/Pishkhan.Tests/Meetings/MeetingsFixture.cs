using Microsoft.Extensions.Time.Testing;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Meetings;

/// <summary>
/// A host whose clock reads 1405-09-10 10:00 Tehran (2026-12-01 06:30 UTC). Kerman has counties mt-c1 and
/// mt-c2, members mt-chair, mt-sec and mt-lead (county lead of mt-c1), office mt-o1; Fars has mt-fc1 and mt-far.
/// </summary>
public sealed class MeetingsFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 6, 30, 0, TimeSpan.Zero));
    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await TestHost.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(Clock));
        await SeedAsync(Host);
    }

    public static async Task SeedAsync(TestHost host)
    {
        await host.PutOkAsync("/api/counties/mt-c1", new { name = "کرمان", province = "kerman" });
        await host.PutOkAsync("/api/counties/mt-c2", new { name = "رفسنجان", province = "kerman" });
        await host.PutOkAsync("/api/counties/mt-fc1", new { name = "شیراز", province = "fars" });
        await host.PutOkAsync("/api/members/mt-chair", new { name = "رئیس کارگروه", email = "chair@example.ir", role = "chair", province = "kerman" });
        await host.PutOkAsync("/api/members/mt-sec", new { name = "دبیر", email = "sec@example.ir", role = "secretary", province = "kerman" });
        await host.PutOkAsync("/api/members/mt-lead", new { name = "مسئول شهرستان", email = "lead@example.ir", role = "countyLead", province = "kerman", countyCode = "mt-c1" });
        await host.PutOkAsync("/api/members/mt-far", new { name = "عضو فارس", email = "far@example.ir", role = "member", province = "fars" });
        await host.PutOkAsync("/api/offices/mt-o1", new { name = "دفتر", countyCode = "mt-c1", openingHours = new { regular = "08:00-14:00" } });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
