using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Problems;
using Pishkhan.Storage;
using Pishkhan.Text;

namespace Pishkhan.Complaints;

/// <summary>POST /api/complaints. Exactly one of <see cref="Complainant"/> and <c>anonymous: true</c>.</summary>
public sealed record FileComplaint(string OfficeCode, string Category, string Description, string? IncidentDate = null, string? RequestId = null,
    ComplainantInput? Complainant = null, bool? Anonymous = null);

public sealed record ComplainantInput(string? Name = null, string? Mobile = null, string? Email = null, string? NationalId = null);

/// <summary>POST /api/complaints/{trackingCode}/escalation: the secret from filing, or an admin key of the province instead.</summary>
public sealed record EscalateComplaint(string Reason, string? Secret = null);

/// <summary>POST /api/complaints/{trackingCode}/withdrawal: the secret from filing, or an admin key of the province instead.</summary>
public sealed record WithdrawComplaint(string? Secret = null, string? Reason = null);

/// <summary>POST /api/complaints/{trackingCode}/decision: decides the open stage. A remedy is required when the complaint is upheld.</summary>
public sealed record DecideComplaint(string Outcome, string Reasons, string? Remedy = null, string? Note = null);

/// <summary>POST /api/complaints/{trackingCode}/extension: a new due date (Gregorian or Jalali) and the reason the complainant is told.</summary>
public sealed record ExtendComplaint(string NewDueDate, string Reason);

public sealed partial class ComplaintsApi(ComplaintPolicy complaintPolicy, ClientRateLimiter clientRateLimiter, TimeProvider clock, OfficeStore officeStore, ComplaintStore complaintStore, HolidayStore holidayStore, ComplaintEffects complaintEffects, ILogger<ComplaintEffects> logger)
{
    private const string FilingBucket = "complaints-file";
    private const string FollowUpBucket = "complaints-follow";

    /// <summary>GET /api/complaint-categories (public): the fixed list with Persian and English labels.</summary>
    public Task<IResult> ListCategories(ApiRequest request) => Task.FromResult<IResult>(TypedResults.Ok(ComplaintCategories.All));

    /// <summary>POST /api/complaints (public): 201 {trackingCode, secret}; the same complaint again within 24 h: 200 with the first code.</summary>
    public async Task<IResult> File(ApiRequest request)
    {
        clientRateLimiter.Demand(request, FilingBucket, complaintPolicy.FilingsPerClient, complaintPolicy.FilingWindow);
        var body = await request.ReadJsonAsync<FileComplaint>(complaintPolicy.MaxBodyBytes);
        var ct = request.CancellationToken;
        var today = Tehran.Today(clock);

        var errors = new FieldErrors();
        var officeCode = errors.Code("officeCode", body.OfficeCode);
        if (!ComplaintCategories.TryGet(body.Category, out _)) errors.Add("category", $"One of {ComplaintCategories.Codes}.");
        var description = errors.Text("description", body.Description, 4000, multiline: true, min: 10);
        var incident = IncidentDate(errors, body.IncidentDate, today);
        var requestId = RequestId(errors, body.RequestId);
        var contact = Complainant(errors, body.Complainant, body.Anonymous);
        OfficeEntity? office = null;
        if (officeCode is not null)
        {
            office = await officeStore.FindAsync(officeCode, ct);
            if (office is null) errors.Add("officeCode", "No such office.");
        }
        errors.ThrowIfAny();

        var complaint = new NewComplaint(office!.OfficeCode, office.Province, office.CountyCode, body.Category, description!, incident, requestId, contact);
        var dedupeKey = ComplaintStore.DedupeKey(complaint, ClientRateLimiter.ClientKey(request.Http.HttpContext));
        var result = await complaintStore.FileAsync(complaint, dedupeKey, ct);
        var e = result.Complaint;
        await RunEffectsAsync(request, e);
        var filed = new FiledComplaint(e.TrackingCode, result.Secret, result.Duplicate, e.Status, DueDate.From(e.Stage1DueDate)!);
        return result.Duplicate ? TypedResults.Ok(filed) : TypedResults.Created($"/api/complaints/{e.TrackingCode}", filed);
    }

    /// <summary>GET /api/complaints/{trackingCode} (public): status, deadlines and timeline only.</summary>
    public async Task<IResult> Get(ApiRequest request)
    {
        clientRateLimiter.Demand(request, FollowUpBucket, complaintPolicy.FollowUpsPerClient, complaintPolicy.FollowUpWindow);
        var e = await FindAsync(request);
        return TypedResults.Ok(PublicComplaintView.From(e, Tehran.Today(clock)));
    }

    /// <summary>POST /api/complaints/{trackingCode}/escalation (public, with the secret): to stage 2 at the province.</summary>
    public async Task<IResult> Escalate(ApiRequest request)
    {
        clientRateLimiter.Demand(request, FollowUpBucket, complaintPolicy.FollowUpsPerClient, complaintPolicy.FollowUpWindow);
        var code = Code(request);
        var body = await request.ReadJsonAsync<EscalateComplaint>(complaintPolicy.MaxBodyBytes);
        var errors = new FieldErrors();
        var reason = errors.Text("reason", body.Reason, 2000, multiline: true, min: 3);
        CheckSecretFormat(errors, body.Secret);
        errors.ThrowIfAny();

        var e = await FindAsync(request, code);
        var by = ComplainantOrAdmin(request, e, body.Secret);
        var calendar = await holidayStore.GetCalendarAsync(e.Province, request.CancellationToken);
        var updated = await complaintStore.UpdateAsync(e,
            x => ComplaintRules.Escalate(x, reason!, by, clock.GetUtcNow(), complaintPolicy, calendar), request.CancellationToken);
        await RunEffectsAsync(request, updated);
        return TypedResults.Ok(PublicComplaintView.From(updated, Tehran.Today(clock)));
    }

    /// <summary>POST /api/complaints/{trackingCode}/withdrawal (public, with the secret): withdraws the open stage.</summary>
    public async Task<IResult> Withdraw(ApiRequest request)
    {
        clientRateLimiter.Demand(request, FollowUpBucket, complaintPolicy.FollowUpsPerClient, complaintPolicy.FollowUpWindow);
        var code = Code(request);
        var body = await request.ReadJsonAsync<WithdrawComplaint>(complaintPolicy.MaxBodyBytes);
        var errors = new FieldErrors();
        var reason = errors.Text("reason", body.Reason, 2000, required: false, multiline: true);
        CheckSecretFormat(errors, body.Secret);
        errors.ThrowIfAny();

        var e = await FindAsync(request, code);
        var by = ComplainantOrAdmin(request, e, body.Secret);
        var updated = await complaintStore.UpdateAsync(e,
            x => ComplaintRules.Withdraw(x, reason, by, clock.GetUtcNow()), request.CancellationToken);
        await RunEffectsAsync(request, updated);
        return TypedResults.Ok(PublicComplaintView.From(updated, Tehran.Today(clock)));
    }

    /// <summary>
    /// GET /api/complaints?province=&amp;countyCode=&amp;officeCode=&amp;status=&amp;overdue=&amp;category=&amp;pageSize=&amp;continuationToken=
    /// Admin: its province; inspector: its county; office: complaints about itself, as <see cref="OfficeComplaintView"/>.
    /// </summary>
    public async Task<IResult> List(ApiRequest request)
    {
        var caller = request.Caller;
        var ct = request.CancellationToken;
        var today = Tehran.Today(clock);
        var errors = new FieldErrors();
        var status = request.Query("status");
        if (status is not null && status != "open" && !ComplaintStatus.All.Contains(status))
            errors.Add("status", $"One of open, {string.Join(", ", ComplaintStatus.All)}.");
        var overdue = request.Query("overdue");
        if (overdue is not null and not ("true" or "false")) errors.Add("overdue", "true or false.");
        var category = request.Query("category");
        if (category is not null && !ComplaintCategories.TryGet(category, out _)) errors.Add("category", $"One of {ComplaintCategories.Codes}.");
        string? province, county = null, officeCode = null;
        switch (caller.Role)
        {
            case Role.Office:
                (province, county, officeCode) = (caller.Province, caller.County, caller.Subject);
                break;
            case Role.Inspector:
                (province, county) = (caller.Province, caller.County);
                officeCode = request.QueryCode("officeCode");
                break;
            default:
                province = caller.Province ?? errors.Province("province", request.Query("province"));
                county = request.QueryCode("countyCode");
                officeCode = request.QueryCode("officeCode");
                break;
        }
        var pageSize = request.PageSize();
        var token = request.ContinuationToken();
        errors.ThrowIfAny();

        if (officeCode is not null && caller.Role != Role.Office)
        {
            var office = await officeStore.FindAsync(officeCode, ct) ?? throw Problem.Field("officeCode", "No such office.");
            request.Demand(new ResourceScope(office.Province, office.CountyCode, Office: office.OfficeCode));
        }
        request.Demand(new ResourceScope(province!, county, Office: officeCode));

        // The Complaints table is keyed by office: one office's list is its partition; a province's or county's list
        // reads the province's offices' partitions in turn (PageAcrossPartitionsAsync), never the whole table.
        var conditions = new List<string>();
        if (officeCode is null && county is not null) conditions.Add(TableClient.CreateQueryFilter($"CountyCode eq {county}"));
        if (status == "open") conditions.Add("IsOpen eq true");
        else if (status is not null) conditions.Add(TableClient.CreateQueryFilter($"Status eq {status}"));
        var todayText = ComplaintRules.Format(today);
        if (overdue == "true") conditions.Add(TableClient.CreateQueryFilter($"IsOpen eq true and DueDate lt {todayText}"));
        if (overdue == "false") conditions.Add(TableClient.CreateQueryFilter($"(IsOpen eq false or DueDate ge {todayText})"));
        if (category is not null) conditions.Add(TableClient.CreateQueryFilter($"Category eq {category}"));
        var filter = conditions.Count == 0 ? null : string.Join(" and ", conditions);

        // Every office of the province, not only the county's: a complaint keeps the county it was filed in.
        var partitions = officeCode is not null ? [officeCode]
            : (await officeStore.ListAsync(province!, null, ct)).Select(o => o.OfficeCode).Order(StringComparer.Ordinal).ToList();
        var (items, next) = await complaintStore.Complaints.PageAcrossPartitionsAsync<ComplaintEntity>(partitions, filter, pageSize, token, ct);
        return caller.Role == Role.Office
            ? TypedResults.Ok(new Page<OfficeComplaintView>(items.Select(e => OfficeComplaintView.From(e, today)).ToList(), Paging.Encode(next)))
            : TypedResults.Ok(new Page<ComplaintSummary>(items.Select(e => ComplaintSummary.From(e, today)).ToList(), Paging.Encode(next)));
    }

    /// <summary>GET /api/complaints/{trackingCode}/case (admin, inspector): the whole case with the complainant; the read is logged first.</summary>
    public async Task<IResult> GetCase(ApiRequest request)
    {
        var e = await FindVisibleAsync(request);
        var caller = request.Caller;
        var contact = await complaintStore.ReadContactAsync(e.TrackingCode, caller.KeyId, caller.Role.ToString().ToLowerInvariant(),
            AccessPurpose.CaseView, request.CancellationToken);
        var today = Tehran.Today(clock);
        return TypedResults.Ok(new ComplaintCaseView(ComplaintStaffView.From(e, today), e.Description, e.EscalationReason, e.WithdrawalReason,
            contact is null ? null : new ComplainantView(contact.Name, contact.Mobile, contact.Email, contact.NationalId)));
    }

    /// <summary>POST /api/complaints/{trackingCode}/decision (admin, inspector of the county at stage 1; a different admin at stage 2).</summary>
    public async Task<IResult> Decide(ApiRequest request)
    {
        var code = Code(request);
        var body = await request.ReadJsonAsync<DecideComplaint>();
        var errors = new FieldErrors();
        if (!ComplaintOutcome.All.Contains(body.Outcome)) errors.Add("outcome", $"One of {string.Join(", ", ComplaintOutcome.All)}.");
        var reasons = errors.Text("reasons", body.Reasons, 4000, multiline: true, min: 10);
        var remedy = errors.Text("remedy", body.Remedy, 2000, required: ComplaintOutcome.IsUpheld(body.Outcome), multiline: true);
        var note = errors.Text("note", body.Note, 4000, required: false, multiline: true);
        errors.ThrowIfAny();

        var e = await FindVisibleAsync(request, code);
        request.Demand(Scope(e));
        var by = Handler.From(request.Caller);
        var calendar = await holidayStore.GetCalendarAsync(e.Province, request.CancellationToken);
        var updated = await complaintStore.UpdateAsync(e,
            x => ComplaintRules.Decide(x, body.Outcome, reasons!, remedy, note, by, clock.GetUtcNow(), complaintPolicy, calendar),
            request.CancellationToken);
        await RunEffectsAsync(request, updated);
        return TypedResults.Ok(ComplaintStaffView.From(updated, Tehran.Today(clock)));
    }

    /// <summary>POST /api/complaints/{trackingCode}/extension (admin, inspector of the county at stage 1; admin at stage 2).</summary>
    public async Task<IResult> Extend(ApiRequest request)
    {
        var code = Code(request);
        var body = await request.ReadJsonAsync<ExtendComplaint>();
        var errors = new FieldErrors();
        if (!DateInput.TryParse(body.NewDueDate, out var newDue)) errors.Add("newDueDate", "A date: 2026-12-20 or 1405-09-29.");
        var reason = errors.Text("reason", body.Reason, 2000, multiline: true, min: 10);
        errors.ThrowIfAny();

        var e = await FindVisibleAsync(request, code);
        request.Demand(Scope(e));
        var by = Handler.From(request.Caller);
        var calendar = await holidayStore.GetCalendarAsync(e.Province, request.CancellationToken);
        var updated = await complaintStore.UpdateAsync(e,
            x => ComplaintRules.Extend(x, newDue, reason!, by, clock.GetUtcNow(), complaintPolicy, calendar), request.CancellationToken);
        await RunEffectsAsync(request, updated);
        return TypedResults.Ok(ComplaintStaffView.From(updated, Tehran.Today(clock)));
    }

    /// <summary>GET /api/complaints/{trackingCode}/access-log (admin): who read the complainant's data, newest first.</summary>
    public async Task<IResult> AccessLog(ApiRequest request)
    {
        var e = await FindVisibleAsync(request);
        var pageSize = request.PageSize();
        var token = request.ContinuationToken();
        var (items, next) = await complaintStore.AccessLog.PageAsync<ComplaintAccessEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {e.TrackingCode}"), pageSize, token, request.CancellationToken);
        return TypedResults.Ok(new Page<AccessLogEntry>(items.Select(a => new AccessLogEntry(a.KeyId, a.Role, a.Purpose, a.At)).ToList(), Paging.Encode(next)));
    }

    private static ResourceScope Scope(ComplaintEntity e) => new(e.Province, e.CountyCode, Office: e.OfficeCode);

    /// <summary>A malformed code or a wrong check character is 404 at once: no storage read for a typo or a guess.</summary>
    private string Code(ApiRequest request) =>
        TrackingCode.TryParse(request.RouteValue("trackingCode"), out var code) ? code : throw Problem.NotFound("complaint");

    private async Task<ComplaintEntity> FindAsync(ApiRequest request, string? code = null) =>
        await complaintStore.FindAsync(code ?? Code(request), request.CancellationToken) ?? throw Problem.NotFound("complaint");

    private async Task<ComplaintEntity> FindVisibleAsync(ApiRequest request, string? code = null)
    {
        var e = await FindAsync(request, code);
        return request.CanSee(Scope(e)) ? e : throw Problem.NotFound("complaint");
    }

    /// <summary>The complainant proves it is them with the secret from filing; an admin of the province may act for them (e.g. on the phone).</summary>
    private string ComplainantOrAdmin(ApiRequest request, ComplaintEntity e, string? secret)
    {
        if (request.CallerOrNull is { Role: Role.Admin } admin && request.CanSee(Scope(e))) return Handler.From(admin).Id;
        if (secret is null) throw Problem.Forbidden("Send the secret you received when you filed the complaint.");
        if (!TrackingCode.SecretMatches(secret, e.SecretHash)) throw Problem.Forbidden("The secret does not match this complaint.");
        return Handler.Complainant;
    }

    private static void CheckSecretFormat(FieldErrors errors, string? secret)
    {
        if (secret is not null && !TrackingCode.TryParseSecret(secret, out _))
            errors.Add("secret", $"The secret is {TrackingCode.SecretLength} characters from {TrackingCode.Alphabet}.");
    }

    private static DateOnly? IncidentDate(FieldErrors errors, string? value, DateOnly today)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (!DateInput.TryParse(value, out var date)) { errors.Add("incidentDate", "A date: 2026-11-20 or 1405-08-29."); return null; }
        if (date > today) { errors.Add("incidentDate", "The incident date is in the future."); return null; }
        if (date < today.AddYears(-2)) { errors.Add("incidentDate", "The incident is more than two years old."); return null; }
        return date;
    }

    private static string? RequestId(FieldErrors errors, string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var s = PersianText.NormalizeDigits(value);
        if (RequestIdPattern().IsMatch(s)) return s;
        errors.Add("requestId", "1–64 characters: letters a–z, digits, '-' and '_'.");
        return null;
    }

    private static ComplaintContact? Complainant(FieldErrors errors, ComplainantInput? input, bool? anonymous)
    {
        if (anonymous == true)
        {
            if (input is not null) errors.Add("anonymous", "Send either complainant or anonymous: true, not both.");
            return null;
        }
        if (input is null)
        {
            errors.Add("complainant", "Give your contact details, or send anonymous: true.");
            return null;
        }
        var name = errors.Name("complainant.name", input.Name, 100, required: false);
        string? mobile = null, nationalId = null;
        if (!string.IsNullOrEmpty(input.Mobile) && !MobileNumber.TryNormalize(input.Mobile, out mobile!))
            errors.Add("complainant.mobile", "A mobile number like 09121234567.");
        var email = errors.Email("complainant.email", string.IsNullOrEmpty(input.Email) ? null : input.Email);
        if (!string.IsNullOrEmpty(input.NationalId) && !NationalId.TryNormalize(input.NationalId, out nationalId!))
            errors.Add("complainant.nationalId", "Not a valid national ID (10 digits with a check digit).");
        if (string.IsNullOrEmpty(input.Name) && string.IsNullOrEmpty(input.Mobile) && string.IsNullOrEmpty(input.Email) && string.IsNullOrEmpty(input.NationalId))
            errors.Add("complainant", "Give at least one of name, mobile, email and nationalId, or send anonymous: true instead.");
        return new ComplaintContact(name, string.IsNullOrEmpty(mobile) ? null : mobile, email, string.IsNullOrEmpty(nationalId) ? null : nationalId);
    }

    /// <summary>
    /// Effects run in the request so the caller's next read sees them, but the transition is already stored:
    /// a failure here is logged and left to the deadline timer, never turned into an error for a change that happened.
    /// </summary>
    private async Task RunEffectsAsync(ApiRequest request, ComplaintEntity e)
    {
        try
        {
            await complaintEffects.RunAsync(e, request.CancellationToken);
        }
        catch (Exception ex) when (!request.CancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Complaint effects left pending for the deadline timer: {Reason}", ex.GetType().Name);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex RequestIdPattern();
}
