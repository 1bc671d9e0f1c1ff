using Microsoft.Extensions.DependencyInjection;
using Pishkhan.Digests.Sections;

namespace Pishkhan.Digests;

public static class DigestServices
{
    /// <summary>The weekly digest and the sections this capability can fill today; other capabilities add their IDigestSection.</summary>
    public static IServiceCollection AddDigests(this IServiceCollection services)
    {
        services.AddSingleton<DigestStore>();
        services.AddSingleton<DigestBuilder>();
        services.AddSingleton<DigestJob>();
        services.AddSingleton<ScopedOfficeStats>();
        services.AddSingleton<IDigestSection, ComplaintStatsSection>();
        services.AddSingleton<IDigestSection, SlaBreachesSection>();
        services.AddSingleton<IDigestSection, InspectionStatsSection>();
        services.AddSingleton<IDigestSection, MeetingDecisionsSection>();
        services.AddSingleton<IDigestSection, OverdueComplaintsSection>();
        services.AddSingleton<IDigestSection, SanctionsAwaitingDecisionSection>();
        services.AddSingleton<IDigestSection, OpenInspectionWorkSection>();
        services.AddSingleton<IDigestSection, ReInspectionAgreementSection>();
        services.AddSingleton<IDigestSection, TargetsBehindPlanSection>();
        services.AddSingleton<IDigestSection, RankingMoversSection>();
        services.AddSingleton<IDigestSection, HolidayCalendarSection>();
        services.AddSingleton<IDigestSection, FailedNotificationsSection>();
        services.AddSingleton<IDigestSection, PoisonMessagesSection>();
        return services;
    }
}
