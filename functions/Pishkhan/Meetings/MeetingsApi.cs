using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Members;
using Pishkhan.Offices;
using Pishkhan.Problems;
using Pishkhan.Storage;
using Pishkhan.Targets;
using Pishkhan.Text;

namespace Pishkhan.Meetings;

public sealed record NewDecision(string Text, string OwnerMemberId, string DueDate, DecisionLinks? Links = null);

/// <summary>POST /api/meetings body. date and dueDate: Jalali (1405-09-10) or Gregorian (2026-12-01).</summary>
public sealed record PostMeeting(string Date, string Scope, IReadOnlyList<string> Participants, IReadOnlyList<NewDecision>? Decisions = null,
    string? Title = null);

public sealed record PostDecisionStatus(DecisionStatus Status, string? Note = null);

public sealed partial class MeetingsApi(CountyStore countyStore, Store storage, MeetingStore meetingStore, TimeProvider clock, OfficeStore officeStore)
{
    public const int MaxParticipants = 50;
    public const int MaxDecisions = 50;   // + meeting + marker stays within a 100-operation batch
    public const int MaxLinks = 20;       // per kind, per decision

    /// <summary>POST /api/meetings (admin of the scope's province); optional Idempotency-Key.</summary>
    public async Task<IResult> Post(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<PostMeeting>();
        var idempotencyKey = IdempotencyKey(request);
        var ct = request.CancellationToken;
        var errors = new FieldErrors();
        var date = Date(errors, "date", body.Date);
        var scopeCode = errors.Code("scope", body.Scope);
        var title = errors.Text("title", body.Title, 200, required: false);
        var participants = Participants(errors, body.Participants);
        var decisions = body.Decisions ?? [];
        if (decisions.Count > MaxDecisions) errors.Add("decisions", $"At most {MaxDecisions} decisions per meeting.");

        // The scope names the province; everything else is checked inside it, after the caller is known to own it.
        var scope = scopeCode is null ? null : await PlanScope.ResolveAsync(scopeCode, countyStore, ct);
        if (scopeCode is not null && scope is null) errors.Add("scope", "No such province or county.");
        if (scope is not null) request.Demand(scope.Resource);
        var province = scope?.Province;

        var members = province is null ? null : (await storage.Table(Tables.Members)
            .ListAsync<MemberEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {province}"), ct)).Select(m => m.MemberId).ToHashSet();
        for (var i = 0; i < participants.Count; i++)
            if (members is not null && !members.Contains(participants[i])) errors.Add($"participants[{i}]", "No such member in this province.");

        var links = new LinkChecker(countyStore, officeStore, province, ct);
        var rows = new List<(NewDecision Decision, string Text, string Owner, DateOnly Due, DecisionLinks Links)>();
        for (var i = 0; i < Math.Min(decisions.Count, MaxDecisions); i++)
        {
            var d = decisions[i];
            var field = $"decisions[{i}]";
            if (d is null) { errors.Add(field, "A decision object is required."); continue; }
            var text = errors.Text($"{field}.text", d.Text, 2000, multiline: true);
            var owner = errors.Code($"{field}.ownerMemberId", d.OwnerMemberId);
            if (owner is not null && members is not null && !members.Contains(owner)) errors.Add($"{field}.ownerMemberId", "No such member in this province.");
            var due = Date(errors, $"{field}.dueDate", d.DueDate);
            if (due is not null && date is not null && due < date) errors.Add($"{field}.dueDate", "The due date may not be before the meeting.");
            var checkedLinks = await links.CheckAsync(errors, $"{field}.links", d.Links);
            if (text is not null && owner is not null && due is not null) rows.Add((d, text, owner, due.Value, checkedLinks));
        }
        errors.ThrowIfAny();

        var now = clock.GetUtcNow();
        var meeting = new MeetingEntity
        {
            PartitionKey = province!, RowKey = NewMeetingId(date!.Value), Scope = scope!.Code, County = scope.County, Date = MeetingDates.Format(date.Value),
            Title = title, ParticipantsJson = JsonSerializer.Serialize(participants), CreatedAt = now, CreatedBy = request.Caller.KeyId,
        };
        var decisionRows = rows.Select((r, i) => new DecisionEntity
        {
            PartitionKey = province!, RowKey = DecisionEntity.Key(meeting.MeetingId, $"d{i + 1:D2}"), MeetingId = meeting.MeetingId,
            DecisionId = $"d{i + 1:D2}", Scope = meeting.Scope, County = meeting.County, MeetingDate = meeting.Date, Text = r.Text,
            OwnerMemberId = r.Owner, DueDate = MeetingDates.Format(r.Due), LinksJson = JsonSerializer.Serialize(r.Links, Json.Stored),
        }).ToList();

        var actions = new List<TableTransactionAction>();
        MeetingIdempotencyEntity? marker = null;
        if (idempotencyKey is not null)
        {
            marker = new MeetingIdempotencyEntity
            {
                PartitionKey = province!, RowKey = "~idem|" + Hash(idempotencyKey), MeetingId = meeting.MeetingId,
                RequestHash = Hash(JsonSerializer.Serialize(body, Json.Options)),
            };
            actions.Add(new(TableTransactionActionType.Add, marker));
        }
        actions.Add(new(TableTransactionActionType.Add, meeting));
        actions.AddRange(decisionRows.Select(d => new TableTransactionAction(TableTransactionActionType.Add, d)));
        try
        {
            await meetingStore.Table.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 0 && e.Status == 409)
        {
            if (marker is null)
            {
                // No key, and the new random id is taken by the same caller's same meeting: the storage client's
                // retry met this call's own transaction (stored, its answer lost to the network timeout).
                var held = await meetingStore.FindAsync(province, meeting.MeetingId, ct);
                if (held is null || (held.CreatedBy, held.Title, held.Date, held.ParticipantsJson) != (meeting.CreatedBy, meeting.Title, meeting.Date, meeting.ParticipantsJson))
                    throw;
                return TypedResults.Created($"/api/meetings/{held.MeetingId}", meetingStore.View(held, decisionRows));
            }
            // A retry: the same key and body get the first response; the same key with another body is an error.
            var first = await meetingStore.Table.GetOrNullAsync<MeetingIdempotencyEntity>(marker.PartitionKey, marker.RowKey, ct);
            if (first is null || first.RequestHash != marker.RequestHash)
                throw Problem.Status(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused.", "This Idempotency-Key was used with another body.");
            var existing = await meetingStore.FindAsync(province, first.MeetingId, ct) ?? throw Problem.NotFound("meeting");
            return TypedResults.Created($"/api/meetings/{existing.MeetingId}",
                meetingStore.View(existing, await meetingStore.DecisionsAsync(province!, existing.MeetingId, existing.MeetingId, ct)));
        }
        return TypedResults.Created($"/api/meetings/{meeting.MeetingId}", meetingStore.View(meeting, decisionRows));
    }

    /// <summary>GET /api/meetings?scope=&amp;pageSize=&amp;continuationToken= — a province lists all its meetings, a county its own; newest first.</summary>
    public async Task<IResult> List(ApiRequest request)
    {
        var caller = request.Caller;
        var code = request.QueryCode("scope") ?? (caller.Role == Role.Inspector ? caller.County : caller.Province)
            ?? throw Problem.Field("scope", "Name a province or county.");
        var pageSize = request.PageSize();
        var token = request.ContinuationToken();
        var ct = request.CancellationToken;
        var scope = await PlanScope.ResolveAsync(code, countyStore, ct) ?? throw Problem.Field("scope", "No such province or county.");
        request.Demand(scope.Resource);

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scope.Province} and Kind eq {MeetingKinds.Meeting}");
        if (scope.County is not null) filter += " and " + TableClient.CreateQueryFilter($"County eq {scope.County}");
        var (items, next) = await meetingStore.Table.PageAsync<MeetingEntity>(filter, pageSize, token, ct);
        var decisions = items.Count == 0 ? [] : await meetingStore.DecisionsAsync(scope.Province, items[0].MeetingId, items[^1].MeetingId, ct);
        return TypedResults.Ok(new Page<MeetingView>(items.Select(m => meetingStore.View(m, decisions)).ToList(), Paging.Encode(next)));
    }

    /// <summary>GET /api/meetings/{meetingId}: admin and members of the province, inspectors of the meeting's county.</summary>
    public async Task<IResult> Get(ApiRequest request)
    {
        var id = request.Code("meetingId");
        var ct = request.CancellationToken;
        var meeting = await meetingStore.FindAsync(request.Caller.Province, id, ct);
        if (meeting is null || !request.CanSee(new ResourceScope(meeting.Province, meeting.County))) throw Problem.NotFound("meeting");
        return TypedResults.Ok(meetingStore.View(meeting, await meetingStore.DecisionsAsync(meeting.Province, id, id, ct)));
    }

    /// <summary>
    /// POST /api/meetings/{meetingId}/decisions/{decisionId}/status {status, note?} (admin). open → done or
    /// dropped, and back to open (reopen); done ↔ dropped directly is 409 (reopen first).
    /// </summary>
    public async Task<IResult> PostStatus(ApiRequest request)
    {
        var id = request.Code("meetingId");
        var decisionId = request.Code("decisionId");
        var body = await request.ReadJsonAsync<PostDecisionStatus>();
        var errors = new FieldErrors();
        var note = errors.Text("note", body.Note, 1000, required: false, multiline: true);
        if (!Enum.IsDefined(body.Status)) errors.Add("status", "One of open, done, dropped.");
        errors.ThrowIfAny();

        var ct = request.CancellationToken;
        var meeting = await meetingStore.FindAsync(request.Caller.Province, id, ct);
        if (meeting is null || !request.CanSee(new ResourceScope(meeting.Province, meeting.County))) throw Problem.NotFound("meeting");

        var now = clock.GetUtcNow();
        var status = MeetingStore.StatusName(body.Status);
        var updated = await meetingStore.Table.UpdateWithRetryAsync<DecisionEntity>(meeting.Province, DecisionEntity.Key(id, decisionId), current =>
        {
            if (current is null || current.Kind != MeetingKinds.Decision) return null;
            var from = MeetingStore.ParseStatus(current.Status);
            if (from != DecisionStatus.Open && body.Status != DecisionStatus.Open && from != body.Status)
                throw Problem.Conflict($"The decision is {current.Status}; reopen it (status open) before marking it {status}.");
            if (from == body.Status && (note is null || note == current.StatusNote)) return null; // nothing changes
            current.Status = status;
            current.StatusNote = note ?? (from == body.Status ? current.StatusNote : null);
            current.StatusChangedAt = now;
            current.StatusChangedBy = request.Caller.KeyId;
            return current;
        }, ct);
        return updated is null ? throw Problem.NotFound("decision") : TypedResults.Ok(meetingStore.View(updated));
    }

    private static DateOnly? Date(FieldErrors errors, string field, string? value)
    {
        if (MeetingDates.TryParse(value, out var date)) return date;
        errors.Add(field, "A Jalali date (1405-09-10) or a Gregorian one (2026-12-01).");
        return null;
    }

    private static List<string> Participants(FieldErrors errors, IReadOnlyList<string>? values)
    {
        var list = new List<string>();
        if (values is null || values.Count == 0) { errors.Add("participants", "Name at least one member."); return list; }
        if (values.Count > MaxParticipants) { errors.Add("participants", $"At most {MaxParticipants} participants."); return list; }
        for (var i = 0; i < values.Count; i++)
            if (errors.Code($"participants[{i}]", values[i]) is { } code && !list.Contains(code)) list.Add(code);
        return list;
    }

    private string? IdempotencyKey(ApiRequest request)
    {
        var values = request.Http.Headers["Idempotency-Key"];
        if (values.Count == 0) return null;
        var key = values.Count == 1 ? values[0] : null;
        if (key is null || key.Length is < 1 or > 100 || key.Any(c => c is < '!' or > '~'))
            throw Problem.Field("Idempotency-Key", "1–100 visible ASCII characters, given once.");
        return key;
    }

    private static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..32];

    private static string NewMeetingId(DateOnly date) =>
        $"m{DateOnly.MaxValue.DayNumber - date.DayNumber:D7}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")]
    private static partial Regex ComplaintId();

    /// <summary>Checks a decision's links against the meeting's province; caches lookups across decisions.</summary>
    private sealed class LinkChecker(CountyStore countyStore, OfficeStore officeStore, string? province, CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, PlanScope?> _scopes = new(StringComparer.Ordinal);
        private HashSet<string>? _offices;

        public async Task<DecisionLinks> CheckAsync(FieldErrors errors, string field, DecisionLinks? links)
        {
            if (links is null) return new DecisionLinks();
            var targets = await ListAsync(errors, $"{field}.targets", links.Targets, TargetAsync);
            var offices = await ListAsync(errors, $"{field}.offices", links.Offices, OfficeAsync);
            var complaints = await ListAsync(errors, $"{field}.complaints", links.Complaints, c =>
                Task.FromResult<(string?, string?)>(ComplaintId().IsMatch(PersianText.NormalizeDigits(c))
                    ? (PersianText.NormalizeDigits(c), null)
                    : (null, "A complaint tracking code (letters, digits and '-').")));
            return new DecisionLinks(targets, offices, complaints);
        }

        private static async Task<List<string>?> ListAsync(FieldErrors errors, string field, IReadOnlyList<string>? values,
            Func<string, Task<(string? Value, string? Error)>> check)
        {
            if (values is null || values.Count == 0) return null;
            if (values.Count > MaxLinks) { errors.Add(field, $"At most {MaxLinks} links."); return null; }
            var list = new List<string>();
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is not { Length: > 0 and <= 100 } raw) { errors.Add($"{field}[{i}]", "A non-empty value of at most 100 characters."); continue; }
                var (value, error) = await check(raw);
                if (error is not null) errors.Add($"{field}[{i}]", error);
                else if (!list.Contains(value!)) list.Add(value!);
            }
            return list;
        }

        /// <summary>"scope/period/indicator", e.g. "khorramabad/1405-09/slaCompliance"; the scope must be in the meeting's province.</summary>
        private async Task<(string?, string?)> TargetAsync(string raw)
        {
            const string shape = "Use scope/period/indicator, e.g. lorestan/1405-09/slaCompliance.";
            var parts = raw.Split('/');
            if (parts.Length != 3 || !Codes.TryNormalize(parts[0], out var code) || !JalaliPeriod.TryParse(parts[1], out var period)
                || !TargetIndicators.TryParse(parts[2], out var indicator))
                return (null, shape);
            if (!_scopes.TryGetValue(code, out var scope))
                _scopes[code] = scope = await PlanScope.ResolveAsync(code, countyStore, cancellationToken);
            if (province is not null && scope?.Province != province) return (null, "No such province or county in this province.");
            return ($"{code}/{period}/{TargetIndicators.NameOf(indicator)}", null);
        }

        private async Task<(string?, string?)> OfficeAsync(string raw)
        {
            if (!Codes.TryNormalize(raw, out var code)) return (null, "Use 2–40 characters: a–z, 0–9 and '-'.");
            if (province is null) return (code, null);
            _offices ??= (await officeStore.ListAsync(province, null, cancellationToken)).Select(o => o.OfficeCode).ToHashSet();
            return _offices.Contains(code) ? (code, null) : (null, "No such office in this province.");
        }
    }
}
