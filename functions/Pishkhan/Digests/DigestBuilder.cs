using Microsoft.Extensions.Logging;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Storage;

namespace Pishkhan.Digests;

/// <summary>Runs every registered <see cref="IDigestSection"/> for a scope and assembles the document.</summary>
public sealed class DigestBuilder(IEnumerable<IDigestSection> sections, CountyStore counties, ILogger<DigestBuilder> logger)
{
    public IReadOnlyList<IDigestSection> Sections { get; } = sections.OrderBy(s => s.Order).ToList();

    /// <summary>The Saturday (Tehran) that starts the week of <paramref name="instant"/>.</summary>
    public static DateOnly WeekStartOf(DateTimeOffset instant)
    {
        var today = Tehran.DateOf(instant);
        return today.AddDays(-(((int)today.DayOfWeek + 1) % 7));
    }

    /// <summary>
    /// The month a digest reports on: the month of the day before it is built. Sent on Saturday morning, it
    /// covers the month of the week that just ended — on 1 Dey that is all of Azar, not one hour of Dey.
    /// </summary>
    public static JalaliPeriod PeriodOf(DateTimeOffset asOf) => JalaliPeriod.Of(Tehran.DateOf(asOf).AddDays(-1));

    public async Task<DigestDocument> BuildAsync(DigestScope scope, CancellationToken cancellationToken = default)
    {
        var period = PeriodOf(scope.AsOf);
        var blocks = await Task.WhenAll(Sections.Select(s => BuildSectionAsync(s, scope, period, cancellationToken)));
        var parts = Sections.Zip(blocks).Where(x => x.Second is not null).Select(x => new DigestPart(x.First.Title, x.Second!)).ToList();
        var agenda = parts.SelectMany(p => p.Block.Agenda).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct().ToList();
        var countyName = scope.CountyCode is null
            ? null
            : (await counties.Table.GetOrNullAsync<CountyEntity>(scope.Province, scope.CountyCode, cancellationToken))?.Name ?? scope.CountyCode;
        return new DigestDocument(scope.Province, Provinces.Names.GetValueOrDefault(scope.Province, scope.Province), scope.CountyCode, countyName,
            JalaliDate.FormatAscii(scope.WeekStart), period.ToString(), scope.AsOf, parts, agenda);
    }

    private async Task<DigestBlock?> BuildSectionAsync(IDigestSection section, DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        try
        {
            return await section.BuildAsync(scope, period, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // One broken section must not stop the digest: the others still go out, and this one says so.
            logger.LogError(e, "Digest section {Section} failed for {Province}/{Scope}", section.GetType().Name, scope.Province, scope.Key);
            return DigestBlock.Text("این بخش به‌علت خطا ساخته نشد؛ خطا ثبت شده است.");
        }
    }
}
