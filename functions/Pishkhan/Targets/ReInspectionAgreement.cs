using Pishkhan.Calendar;

namespace Pishkhan.Targets;

/// <summary>
/// The extension point for the re-inspection agreement indicator: the share (0..1) of a scope's
/// re-inspections in a period whose score is within 10 points of the inspection they repeat; null when
/// there were none. The inspections capability owns that data and registers its implementation
/// (<c>services.AddSingleton&lt;IReInspectionAgreementSource, …&gt;()</c>, which replaces the default
/// whichever registration runs first, because the default is added with TryAdd).
/// </summary>
public interface IReInspectionAgreementSource
{
    /// <param name="countyCode">null for the whole province.</param>
    Task<double?> GetAsync(string province, string? countyCode, JalaliPeriod period, CancellationToken cancellationToken);
}

/// <summary>The default until inspections provide one: no data, so the indicator shows "noData" (grey).</summary>
public sealed class NoReInspectionAgreementSource : IReInspectionAgreementSource
{
    public Task<double?> GetAsync(string province, string? countyCode, JalaliPeriod period, CancellationToken cancellationToken) =>
        Task.FromResult<double?>(null);
}
