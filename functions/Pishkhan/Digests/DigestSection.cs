using System.Text.Json.Serialization;
using Pishkhan.Calendar;

namespace Pishkhan.Digests;

/// <summary>
/// Whose digest is being built: a province (chair, secretary, members) or one county (county leads),
/// for the week starting <see cref="WeekStart"/> (a Saturday, Tehran), as of <see cref="AsOf"/>.
/// </summary>
public sealed record DigestScope(string Province, string? CountyCode, DateOnly WeekStart, DateTimeOffset AsOf)
{
    [JsonIgnore] public bool IsProvince => CountyCode is null;

    /// <summary>Row-key-safe name of the scope: "province" or "county-{code}".</summary>
    [JsonIgnore] public string Key => CountyCode is null ? "province" : "county-" + CountyCode;

    /// <summary>Whether something of (province, county) belongs in this digest.</summary>
    public bool Covers(string province, string? countyCode) => Province == province && (CountyCode is null || CountyCode == countyCode);
}

/// <summary>
/// The extension point of the weekly digest: each capability registers its sections in DI
/// (<c>services.AddSingleton&lt;IDigestSection, MySection&gt;()</c>) and the digest shows every one
/// that returns a block, ordered by <see cref="Order"/>. A section that throws is shown as unavailable
/// and the rest of the digest still goes out. Items of <see cref="DigestBlock.Agenda"/> from all
/// sections become the agenda for the next meeting, at the top of the digest.
/// </summary>
public interface IDigestSection
{
    string Title { get; }

    /// <summary>Position in the digest (low first); the built-ins use 100–910 (Digests/README.md lists them).</summary>
    int Order => 500;

    /// <summary>The block for this scope and month (the month of the week that just ended); null when there is nothing to say.</summary>
    Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken);
}

/// <summary>
/// A section's content: a one-line summary and a compact table (a few short columns, read on a phone).
/// Cells are plain text (user text unescaped: the template escapes it). Numbers should already be in
/// Persian digits (Notifications.Templates.Fa). <see cref="MoreRows"/> counts rows left out.
/// </summary>
public sealed record DigestBlock(string? Summary, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public const int DefaultMaxRows = 10;

    public int MoreRows { get; init; }

    /// <summary>Decisions waiting for the working group that this section knows of (one line each).</summary>
    public IReadOnlyList<string> Agenda { get; init; } = [];

    public static DigestBlock Text(string summary) => new(summary, [], []);

    /// <summary>A table of at most <paramref name="maxRows"/> rows, the rest counted in <see cref="MoreRows"/>.</summary>
    public static DigestBlock Table(string? summary, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows, int maxRows = DefaultMaxRows)
    {
        var all = rows.ToList();
        return new DigestBlock(summary, columns, all.Take(maxRows).ToList()) { MoreRows = Math.Max(0, all.Count - maxRows) };
    }
}

public sealed record DigestPart(string Title, DigestBlock Block);

/// <summary>A built digest of one scope and week: what every member of that scope receives.</summary>
public sealed record DigestDocument(
    string Province, string ProvinceName, string? CountyCode, string? CountyName, string Week, string Period, DateTimeOffset AsOf,
    IReadOnlyList<DigestPart> Parts, IReadOnlyList<string> Agenda);
