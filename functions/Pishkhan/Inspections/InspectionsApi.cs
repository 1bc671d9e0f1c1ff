using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Bindings;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Problems;
using Pishkhan.Storage;
using Pishkhan.Text;

namespace Pishkhan.Inspections;

public sealed partial class InspectionsApi(TimeProvider clock, OfficeStore officeStore, PolicyStore policyStore, ChecklistStore checklistStore, InspectionAgenda inspectionAgenda, InspectionStore inspectionStore, ReinspectionService reinspectionService, Store storage, CountyStore countyStore, CoverageService coverageService)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxNoteLength = 500;
    public const int MaxNotesTotal = 10_000;
    public const int MaxSummaryLength = 1000;
    public const int MaxComplaintIds = 20;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>POST /api/inspections: validated in full, then written (status queued) and queued; 202.</summary>
    public async Task<IResult> Post(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<PostInspection>();
        var ct = request.CancellationToken;
        var caller = request.Caller;
        var now = clock.GetUtcNow();
        var idempotencyKey = IdempotencyKey(request);
        var errors = new FieldErrors();

        var officeCode = errors.Code("officeCode", body.OfficeCode);
        var office = officeCode is null ? null : await officeStore.FindAsync(officeCode, ct);
        if (officeCode is not null && office is null) errors.Add("officeCode", "No such office.");
        // An inspector inspects the offices of its own county only; an admin those of its province.
        if (office is not null) request.Demand(new ResourceScope(office.Province, office.CountyCode, Office: office.OfficeCode));
        if (!Enum.IsDefined(body.Type)) errors.Add("type", "One of routine, complaint, followUp, unannounced.");

        var province = office?.Province;
        var policy = province is null ? InspectionPolicy.Default : await policyStore.InspectionAsync(province, ct);
        if (body.VisitedAt > now + ClockSkew) errors.Add("visitedAt", "The visit may not be in the future.");
        else if (body.VisitedAt < now.AddDays(-policy.MaxBackdateDays)) errors.Add("visitedAt", $"The visit may be at most {policy.MaxBackdateDays} days ago.");

        ChecklistTemplate? template = null;
        if (body.TemplateVersion is { } v && v is < 1 or > 999999) errors.Add("templateVersion", "A version number from 1 to 999999.");
        else if (province is not null)
        {
            template = body.TemplateVersion is { } version
                ? await checklistStore.GetAsync(province, version, ct)
                : await checklistStore.CurrentAsync(province, ct);
            if (template is null) errors.Add("templateVersion", "No such checklist version in this province.");
        }
        var items = ValidateItems(errors, body.Items, template);

        var complaintIds = ValidateComplaintIds(errors, body.ComplaintIds, body.Type);
        var requestId = body.RequestId is null ? null : errors.Text("requestId", body.RequestId, 100);
        if (requestId is not null && !RequestIdPattern().IsMatch(requestId)) { errors.Add("requestId", "Not a request id."); requestId = null; }
        if (body.Type != InspectionType.Complaint && body.RequestId is not null) errors.Add("requestId", "Only for a complaint inspection.");
        if (body.Type == InspectionType.Complaint && complaintIds.Count == 0 && body.RequestId is null)
            errors.Add("complaintIds", "A complaint inspection names the complaints or the inspection request it answers.");
        if (requestId is not null && office is not null && body.Type == InspectionType.Complaint)
        {
            var found = await inspectionAgenda.Requests.GetOrNullAsync<InspectionRequestEntity>(office.CountyCode, requestId, ct);
            if (found is null || found.OfficeCode != office.OfficeCode) errors.Add("requestId", "No such inspection request for this office.");
        }

        if (body.FollowUpOf is not null)
        {
            if (body.Type != InspectionType.FollowUp) errors.Add("followUpOf", "Only for a followUp inspection.");
            else if (!InspectionIds.TryParse(body.FollowUpOf, out var followOffice, out _) || followOffice != officeCode
                     || await inspectionStore.FindAsync(body.FollowUpOf, ct) is null)
                errors.Add("followUpOf", "No such inspection of this office.");
        }

        if (body.ReinspectionOf is not null)
        {
            if (caller.Role != Role.Admin) throw Problem.Forbidden("Re-inspections are made by the province team (admin keys).");
            var original = InspectionIds.TryParse(body.ReinspectionOf, out var originalOffice, out _) && originalOffice == officeCode
                ? await inspectionStore.FindAsync(body.ReinspectionOf, ct)
                : null;
            if (original is null) errors.Add("reinspectionOf", "No such inspection of this office.");
            else if (!await reinspectionService.IsDrawnAsync(original, ct)) errors.Add("reinspectionOf", "The inspection was not drawn for re-inspection.");
            else if (await reinspectionService.ReinspectionOfAsync(original, processedOnly: false, ct) is { } done
                     && (idempotencyKey is null || done.PostedBy != caller.KeyId))
                throw Problem.Conflict("The inspection was already re-inspected.");
        }

        if (body.Type == InspectionType.Unannounced && body.OfficeOpen is null) errors.Add("officeOpen", "Say whether the office was open at an unannounced visit.");
        if (body.Type != InspectionType.Unannounced && body.OfficeOpen is not null) errors.Add("officeOpen", "Only for an unannounced visit.");
        if (body.Staff is { } staff)
        {
            if (staff.Present is < 0 or > 500) errors.Add("staff.present", "From 0 to 500.");
            if (staff.Trained < 0 || staff.Trained > staff.Present) errors.Add("staff.trained", "From 0 to the number present.");
        }
        var summary = errors.Text("summary", body.Summary, MaxSummaryLength, required: false, multiline: true);
        errors.ThrowIfAny();

        var entity = new InspectionEntity
        {
            PartitionKey = office!.OfficeCode, Province = office.Province, CountyCode = office.CountyCode, OfficeName = office.Name, OfficeEmail = office.Email,
            Type = EnumText.Camel(body.Type),
            VisitedAt = body.VisitedAt.ToUniversalTime(), TemplateVersion = template!.Version, ItemsJson = JsonSerializer.Serialize(items, Json.Options),
            FailedCodes = "," + string.Concat(items!.Where(i => i.Result == ItemResult.Fail).Select(i => i.Code + ",")),
            ComplaintIdsJson = JsonSerializer.Serialize(complaintIds, Json.Options), RequestId = requestId, FollowUpOf = body.FollowUpOf,
            ReinspectionOf = body.ReinspectionOf, OfficeOpen = body.OfficeOpen, StaffPresent = body.Staff?.Present, StaffTrained = body.Staff?.Trained,
            Summary = summary, PostedBy = caller.KeyId, PostedByRole = EnumText.Camel(caller.Role), CreatedAt = now,
        };
        var score = InspectionScoring.Score(template, items!, policy.CriticalFailureScoreCap);
        (entity.Violations, entity.MajorViolations) = (score.Violations, score.MajorViolations);
        // What makes a retry "the same request": the normalised body, not its formatting.
        entity.BodyHash = InspectionIds.Hash(JsonSerializer.Serialize(new { body.Type, entity.OfficeCode, entity.VisitedAt, entity.TemplateVersion, entity.ItemsJson,
            entity.ComplaintIdsJson, requestId, body.FollowUpOf, body.ReinspectionOf, body.OfficeOpen, body.Staff, summary }, Json.Options));

        var written = await WriteAsync(inspectionStore, entity, caller, idempotencyKey, ct);
        if (written.Status == InspectionStatus.Queued)
        {
            // Also on a retry that finds the inspection still queued: the first attempt may have stopped before
            // queueing it, and processing twice is harmless.
            await inspectionStore.ByCounty.UpsertEntityAsync(new CountyInspectionEntity
            {
                PartitionKey = written.CountyCode, RowKey = written.RowKey + "." + written.OfficeCode, OfficeCode = written.OfficeCode,
                Province = written.Province, Type = written.Type, VisitedAt = written.VisitedAt, PostedByRole = written.PostedByRole,
                ReinspectionOf = written.ReinspectionOf,
            }, TableUpdateMode.Replace, ct);
            await storage.Queue(QueueNames.Inspections).SendMessageAsync(InspectionMessage.For(written), cancellationToken: ct);
        }
        return TypedResults.Accepted($"/api/inspections/{written.Id}", new InspectionAccepted(written.Id, written.Status));
    }

    /// <summary>
    /// Inserts the inspection. With an Idempotency-Key, a marker row keyed by (caller key, Idempotency-Key) is
    /// inserted in the same transaction; a retry finds the marker and answers with the first inspection (same
    /// body) or 422 (another body).
    /// </summary>
    private static async Task<InspectionEntity> WriteAsync(InspectionStore store, InspectionEntity entity, Caller caller, string? idempotencyKey, CancellationToken ct)
    {
        if (idempotencyKey is null)
        {
            for (var attempt = 0; ; attempt++)
            {
                entity.RowKey = InspectionIds.Stamp(entity.VisitedAt, InspectionIds.RandomSuffix());
                // A 409 on a fresh random id is, all but always, the client's retry meeting this call's own
                // insert (its answer lost): the same caller and body at that id.
                var (added, stored) = await store.Table.TryAddOwnAsync(entity, s => s.PostedBy == entity.PostedBy && s.BodyHash == entity.BodyHash, ct);
                if (added) return stored!;
                if (attempt == 3) throw new InvalidOperationException("Could not allocate an inspection id.");
            }
        }
        var keyHash = InspectionIds.Hash(caller.KeyId + "\n" + idempotencyKey);
        entity.RowKey = InspectionIds.Stamp(entity.VisitedAt, keyHash[..8]);
        var marker = new InspectionKeyMarker { PartitionKey = entity.PartitionKey, RowKey = "~key~" + keyHash[..32], InspectionId = entity.Id, BodyHash = entity.BodyHash! };
        try
        {
            var responses = await store.Table.SubmitTransactionAsync([new(TableTransactionActionType.Add, marker), new(TableTransactionActionType.Add, entity)], ct);
            entity.ETag = responses.Value[1].Headers.ETag ?? default; // the queue message carries it (InspectionMessage)
            return entity;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            var existing = await store.Table.GetOrNullAsync<InspectionKeyMarker>(marker.PartitionKey, marker.RowKey, ct);
            if (existing is null || existing.BodyHash != entity.BodyHash)
                throw Problem.Status(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused.", "The key was used with another request body.");
            return await store.FindAsync(existing.InspectionId, ct) ?? throw new InvalidOperationException("An idempotency marker without its inspection.");
        }
    }

    private string? IdempotencyKey(ApiRequest request)
    {
        var values = request.Http.Headers[IdempotencyKeyHeader];
        if (values.Count == 0) return null;
        var key = values.Count == 1 ? values[0] : null;
        return key is { Length: >= 1 and <= 100 } && key.All(c => c is > ' ' and <= '~')
            ? key
            : throw Problem.Field(IdempotencyKeyHeader, "1–100 printable ASCII characters, given once.");
    }

    /// <summary>Every item of the checklist exactly once; notes are free text; at least one item applicable.</summary>
    internal static List<ItemCheck>? ValidateItems(FieldErrors errors, IReadOnlyList<ItemCheck>? items, ChecklistTemplate? template)
    {
        if (items is null || items.Count == 0) { errors.Add("items", "Report every item of the checklist."); return null; }
        if (items.Count > ChecklistRules.MaxItems) { errors.Add("items", $"At most {ChecklistRules.MaxItems} items."); return null; }
        var result = new List<ItemCheck>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var notes = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var field = $"items[{i}]";
            var item = items[i];
            if (item is null) { errors.Add(field, "An item is required."); continue; }
            var code = errors.Code($"{field}.code", item.Code);
            if (!Enum.IsDefined(item.Result)) errors.Add($"{field}.result", "One of pass, fail, na.");
            var note = errors.Text($"{field}.note", item.Note, MaxNoteLength, required: false, multiline: true);
            notes += note?.Length ?? 0;
            if (code is null) continue;
            if (!seen.Add(code)) { errors.Add($"{field}.code", "Reported twice."); continue; }
            if (template is not null && !template.ByCode.ContainsKey(code)) { errors.Add($"{field}.code", $"Not an item of checklist version {template.Version}."); continue; }
            result.Add(new ItemCheck(code, item.Result, note));
        }
        if (notes > MaxNotesTotal) errors.Add("items", $"The notes together may have at most {MaxNotesTotal} characters.");
        if (template is not null && !errors.Has("items"))
        {
            var missing = template.Items.Select(t => t.Code).Where(c => !seen.Contains(c)).ToList();
            if (missing.Count > 0) errors.Add("items", $"Missing items of checklist version {template.Version}: {string.Join(", ", missing)}.");
            else if (result.Count == items.Count && result.All(r => r.Result == ItemResult.Na)) errors.Add("items", "At least one item must be applicable (pass or fail).");
        }
        return errors.Any ? null : result;
    }

    private static List<string> ValidateComplaintIds(FieldErrors errors, IReadOnlyList<string>? ids, InspectionType type)
    {
        var result = new List<string>();
        if (ids is null) return result;
        if (type != InspectionType.Complaint && ids.Count > 0) { errors.Add("complaintIds", "Only for a complaint inspection."); return result; }
        if (ids.Count > MaxComplaintIds) { errors.Add("complaintIds", $"At most {MaxComplaintIds}."); return result; }
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i] is null ? null : PersianText.NormalizeDigits(ids[i]).Trim();
            if (id is null || !ComplaintIdPattern().IsMatch(id)) errors.Add($"complaintIds[{i}]", "A complaint id or tracking code: 2–40 characters A–Z, a–z, 0–9 and '-'.");
            else if (!result.Contains(id, StringComparer.OrdinalIgnoreCase)) result.Add(id);
        }
        return result;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{1,39}$")]
    private static partial Regex ComplaintIdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")]
    private static partial Regex RequestIdPattern();

    public async Task<IResult> Get(ApiRequest request)
    {
        var inspection = await inspectionStore.FindAsync(request.RouteValue("id"), request.CancellationToken);
        return inspection is not null && request.CanSee(new ResourceScope(inspection.Province, inspection.CountyCode, Office: inspection.OfficeCode))
            ? TypedResults.Ok(InspectionView.From(inspection))
            : throw Problem.NotFound("inspection");
    }

    /// <summary>GET /api/inspections?officeCode= (an office's, newest visit first) or ?countyCode= (a county team's).</summary>
    public async Task<IResult> List(ApiRequest request)
    {
        var ct = request.CancellationToken;
        var caller = request.Caller;
        var officeCode = request.QueryCode("officeCode") ?? (caller.Role == Role.Office ? caller.Subject : null);
        var countyCode = request.QueryCode("countyCode");
        var pageSize = request.PageSize();
        var token = request.ContinuationToken();
        if (officeCode is not null)
        {
            var office = await officeStore.FindAsync(officeCode, ct);
            if (office is null || !request.CanSee(new ResourceScope(office.Province, office.CountyCode, Office: office.OfficeCode))) throw Problem.NotFound("office");
            var (items, next) = await inspectionStore.Table.PageAsync<InspectionEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {officeCode} and RowKey lt {"~"}"), pageSize, token, ct);
            return TypedResults.Ok(new Page<InspectionSummary>(items.Select(InspectionSummary.From).ToList(), Paging.Encode(next)));
        }
        countyCode ??= caller.Role == Role.Inspector ? caller.County : null;
        if (countyCode is null) throw Problem.Field("officeCode", "Give officeCode or countyCode.");
        var county = await countyStore.FindAsync(countyCode, ct) ?? throw Problem.NotFound("county");
        request.Demand(new ResourceScope(county.Province, county.CountyCode));
        var (pointers, nextToken) = await inspectionStore.ByCounty.PageAsync<CountyInspectionEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {countyCode}"), pageSize, token, ct);
        var found = await Task.WhenAll(pointers.Select(p => inspectionStore.FindAsync(p.InspectionId, ct)));
        return TypedResults.Ok(new Page<InspectionSummary>(found.OfType<InspectionEntity>().Select(InspectionSummary.From).ToList(), Paging.Encode(nextToken)));
    }

    /// <summary>GET /api/inspection-requests?countyCode=&amp;status=open|done: targeted-inspection requests for a county team.</summary>
    public async Task<IResult> ListRequests(ApiRequest request)
    {
        var (county, status) = await CountyAndStatusAsync(request, ["open", "done"]);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {county}");
        if (status is not null) filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        var (items, next) = await inspectionAgenda.Requests.PageAsync<InspectionRequestEntity>(filter, request.PageSize(),
            request.ContinuationToken(), request.CancellationToken);
        return TypedResults.Ok(new Page<InspectionRequestView>(items.Select(InspectionRequestView.From).ToList(), Paging.Encode(next)));
    }

    /// <summary>GET /api/inspection-followups?countyCode=&amp;status=open|done: scheduled follow-up visits, earliest due first.</summary>
    public async Task<IResult> ListFollowUps(ApiRequest request)
    {
        var (county, status) = await CountyAndStatusAsync(request, [FollowUpStatus.Open, FollowUpStatus.Done]);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {county}");
        if (status is not null) filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        var (items, next) = await inspectionAgenda.FollowUps.PageAsync<FollowUpEntity>(filter, request.PageSize(),
            request.ContinuationToken(), request.CancellationToken);
        return TypedResults.Ok(new Page<FollowUpView>(items.Select(FollowUpView.From).ToList(), Paging.Encode(next)));
    }

    /// <summary>GET /api/inspection-coverage/{countyCode}: active offices and whether their routine inspection is overdue.</summary>
    public async Task<IResult> Coverage(ApiRequest request)
    {
        var county = await countyStore.FindAsync(request.Code("countyCode"), request.CancellationToken) ?? throw Problem.NotFound("county");
        if (!request.CanSee(new ResourceScope(county.Province, county.CountyCode))) throw Problem.NotFound("county");
        return TypedResults.Ok(await coverageService.ForCountyAsync(county.Province, county.CountyCode, request.CancellationToken));
    }

    private async Task<(string County, string? Status)> CountyAndStatusAsync(ApiRequest request, string[] statuses)
    {
        var caller = request.Caller;
        var status = request.Query("status");
        var countyCode = request.QueryCode("countyCode") ?? (caller.Role == Role.Inspector ? caller.County : null);
        if (status is not null && !statuses.Contains(status)) throw Problem.Field("status", $"One of {string.Join(", ", statuses)}.");
        if (countyCode is null) throw Problem.Field("countyCode", "The field is required.");
        var county = await countyStore.FindAsync(countyCode, request.CancellationToken) ?? throw Problem.NotFound("county");
        request.Demand(new ResourceScope(county.Province, county.CountyCode));
        return (county.CountyCode, status);
    }
}
