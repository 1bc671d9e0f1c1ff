using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Storage;
using Pishkhan.Targets;

namespace Pishkhan.Meetings;

[JsonConverter(typeof(Http.CamelCaseEnumConverter<DecisionStatus>))]
public enum DecisionStatus { Open, Done, Dropped }

/// <summary>What a decision concerns: targets as "scope/period/indicator", office codes, complaint tracking codes.</summary>
public sealed record DecisionLinks(IReadOnlyList<string>? Targets = null, IReadOnlyList<string>? Offices = null, IReadOnlyList<string>? Complaints = null);

/// <summary>
/// Meetings table, one partition per province (PK = province) holding three kinds of row (column Kind):
/// <list type="bullet">
/// <item>meeting: RK = meetingId, "m{inverted day number:D7}-{random}", so a partition scan lists the newest meeting first;</item>
/// <item>decision: RK = "{meetingId}|{decisionId}" (d01…d50), right after its meeting, so a meeting and its decisions are one range;</item>
/// <item>idempotency marker: RK = "~idem|{hash of the Idempotency-Key}" with the meeting id and the request's hash.</item>
/// </list>
/// A meeting, its decisions and its marker are written in one entity-group transaction: all or nothing.
/// </summary>
public sealed class MeetingEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Province => PartitionKey;
    [IgnoreDataMember] public string MeetingId => RowKey;
    public string Kind { get; set; } = MeetingKinds.Meeting;
    public string Scope { get; set; } = "";
    public string? County { get; set; }
    /// <summary>Gregorian yyyy-MM-dd (a Tehran calendar day).</summary>
    public string Date { get; set; } = "";
    public string? Title { get; set; }
    public string ParticipantsJson { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

public sealed class DecisionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Province => PartitionKey;
    public string Kind { get; set; } = MeetingKinds.Decision;
    public string MeetingId { get; set; } = "";
    public string DecisionId { get; set; } = "";
    public string Scope { get; set; } = "";
    public string? County { get; set; }
    public string MeetingDate { get; set; } = "";
    public string Text { get; set; } = "";
    public string OwnerMemberId { get; set; } = "";
    /// <summary>Gregorian yyyy-MM-dd; the decision is overdue from the next Tehran day while open.</summary>
    public string DueDate { get; set; } = "";
    public string LinksJson { get; set; } = "{}";
    public string Status { get; set; } = "open";
    public string? StatusNote { get; set; }
    public DateTimeOffset? StatusChangedAt { get; set; }
    public string? StatusChangedBy { get; set; }

    public static string Key(string meetingId, string decisionId) => $"{meetingId}|{decisionId}";
}

public sealed class MeetingIdempotencyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Kind { get; set; } = MeetingKinds.Idempotency;
    public string MeetingId { get; set; } = "";
    public string RequestHash { get; set; } = "";
}

public static class MeetingKinds
{
    public const string Meeting = "meeting";
    public const string Decision = "decision";
    public const string Idempotency = "idempotency";
}

public sealed record DecisionView(string Id, string MeetingId, string Scope, string Text, string OwnerMemberId, string DueDate, string DueDateJalali,
    DecisionLinks Links, DecisionStatus Status, string? StatusNote, DateTimeOffset? StatusChangedAt, bool Overdue);

public sealed record MeetingView(string Id, string Province, string Scope, string? County, string Date, string DateJalali, string? Title,
    IReadOnlyList<string> Participants, IReadOnlyList<DecisionView> Decisions, DateTimeOffset CreatedAt);

/// <summary>An open decision, as the digest's agenda lists them; overdue once its due date has passed (Tehran).</summary>
public sealed record OpenDecision(string Province, string Scope, string MeetingId, string MeetingDate, string DecisionId, string Text,
    string OwnerMemberId, string DueDate, string DueDateJalali, bool Overdue, int DaysOverdue, DecisionLinks Links)
{
    /// <summary>The decision's text on one line, at most <paramref name="max"/> characters (as the digest and the ranking report show it).</summary>
    public string Title(int max)
    {
        var line = Text.ReplaceLineEndings(" ").Trim();
        return line.Length <= max ? line : line[..max].TrimEnd() + "…";
    }
}

public sealed class MeetingStore(Store store, TimeProvider clock)
{
    public TableClient Table { get; } = store.Table(Tables.Meetings);

    /// <summary>Every open decision of the province, earliest due first (one partition query).</summary>
    public async Task<IReadOnlyList<OpenDecision>> OpenDecisionsAsync(string province, CancellationToken cancellationToken)
    {
        var rows = await Table.ListAsync<DecisionEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {province} and Kind eq {MeetingKinds.Decision} and Status eq {"open"}"), cancellationToken);
        var today = Tehran.Today(clock);
        return rows
            .OrderBy(d => d.DueDate, StringComparer.Ordinal).ThenBy(d => d.RowKey, StringComparer.Ordinal)
            .Select(d =>
            {
                var due = MeetingDates.Parse(d.DueDate);
                var late = Math.Max(0, today.DayNumber - due.DayNumber);
                return new OpenDecision(d.Province, d.Scope, d.MeetingId, d.MeetingDate, d.DecisionId, d.Text, d.OwnerMemberId, d.DueDate,
                    JalaliDate.FormatAscii(due), late > 0, late, ReadLinks(d.LinksJson));
            })
            .ToList();
    }

    /// <summary>
    /// A meeting by id. Every key but the bootstrap one names its province, so this is a point read; the
    /// bootstrap admin (all provinces, meant to be retired early) costs a scan by row key.
    /// </summary>
    public async Task<MeetingEntity?> FindAsync(string? province, string meetingId, CancellationToken cancellationToken)
    {
        if (province is not null) return await Table.GetOrNullAsync<MeetingEntity>(province, meetingId, cancellationToken);
        var found = await Table.ListAsync<MeetingEntity>(TableClient.CreateQueryFilter($"RowKey eq {meetingId}"), cancellationToken);
        return found.FirstOrDefault(m => m.Kind == MeetingKinds.Meeting);
    }

    /// <summary>The decisions of meetings whose ids lie in [<paramref name="firstId"/>, <paramref name="lastId"/>] (one range query).</summary>
    public Task<List<DecisionEntity>> DecisionsAsync(string province, string firstId, string lastId, CancellationToken cancellationToken) =>
        Table.ListAsync<DecisionEntity>(TableClient.CreateQueryFilter(
            $"PartitionKey eq {province} and RowKey gt {firstId + "|"} and RowKey lt {lastId + "|~"} and Kind eq {MeetingKinds.Decision}"), cancellationToken);

    public MeetingView View(MeetingEntity meeting, IEnumerable<DecisionEntity> decisions)
    {
        var date = MeetingDates.Parse(meeting.Date);
        var today = Tehran.Today(clock);
        return new MeetingView(meeting.MeetingId, meeting.Province, meeting.Scope, meeting.County, meeting.Date, JalaliDate.FormatAscii(date),
            meeting.Title, JsonSerializer.Deserialize<List<string>>(meeting.ParticipantsJson) ?? [],
            decisions.Where(d => d.MeetingId == meeting.MeetingId).OrderBy(d => d.DecisionId, StringComparer.Ordinal).Select(d => View(d, today)).ToList(),
            meeting.CreatedAt);
    }

    public DecisionView View(DecisionEntity d) => View(d, Tehran.Today(clock));

    private static DecisionView View(DecisionEntity d, DateOnly today)
    {
        var due = MeetingDates.Parse(d.DueDate);
        var status = ParseStatus(d.Status);
        return new DecisionView(d.DecisionId, d.MeetingId, d.Scope, d.Text, d.OwnerMemberId, d.DueDate, JalaliDate.FormatAscii(due),
            ReadLinks(d.LinksJson), status, d.StatusNote, d.StatusChangedAt, status == DecisionStatus.Open && due < today);
    }

    public static DecisionStatus ParseStatus(string s) => s switch
    {
        "done" => DecisionStatus.Done,
        "dropped" => DecisionStatus.Dropped,
        _ => DecisionStatus.Open,
    };

    public static string StatusName(DecisionStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    internal static DecisionLinks ReadLinks(string json) => JsonSerializer.Deserialize<DecisionLinks>(json, Json.Stored) ?? new DecisionLinks();
}

/// <summary>Meeting and due dates: Jalali (1405-09-10) or Gregorian (2026-12-01), stored Gregorian.</summary>
public static class MeetingDates
{
    public static bool TryParse(string? value, out DateOnly date)
    {
        date = default;
        if (value is null) return false;
        var raw = Text.PersianText.NormalizeDigits(value);
        if (JalaliDate.TryParse(raw, out date)) return true;
        return DateOnly.TryParseExact(raw, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out date)
            && date.Year is >= 2000 and <= 2100;
    }

    public static DateOnly Parse(string stored) => DateOnly.ParseExact(stored, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
