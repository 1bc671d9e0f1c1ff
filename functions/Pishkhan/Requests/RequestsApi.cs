using System.Globalization;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Agencies;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Requests;

/// <summary>Reads of service requests and the office's lifecycle events.</summary>
public sealed class RequestsApi(RequestBook requestBook, OfficeStore officeStore, AgencyStore agencyStore, Store store, TimeProvider clock, ReferenceCache referenceCache, PishkhanSettings settings, HolidayStore holidayStore)
{
    /// <summary>
    /// How far an office's clock may be from the server's. An <c>at</c> within it (before now) is the event time;
    /// an earlier one is kept in the history as <c>reportedAt</c> and the time the server recorded counts, so an
    /// office cannot backdate the times its SLA compliance is judged by.
    /// </summary>
    public static readonly TimeSpan EventTimeTolerance = TimeSpan.FromMinutes(5);

    public async Task<IResult> Get(ApiRequest request)
    {
        var row = await FindVisibleAsync(request);
        return TypedResults.Ok(RequestView.From(row, FullContact(request.Caller, row)));
    }

    /// <summary>
    /// GET /api/requests?officeCode=&amp;agencyId=&amp;status=&amp;from=&amp;to=&amp;pageSize=&amp;continuationToken=
    /// An office lists its own, an agency its own, an admin an office's or an agency's of its province
    /// (one of officeCode/agencyId required). Newest first. from/to bound createdAt: an ISO instant, or a
    /// Tehran date yyyy-MM-dd (from = that day's start, to = that day's end).
    /// </summary>
    public async Task<IResult> List(ApiRequest request)
    {
        var caller = request.Caller;
        var errors = new FieldErrors();
        var officeCode = request.QueryCode("officeCode");
        var agencyId = request.QueryCode("agencyId");
        var status = request.Query("status");
        if (status is not null && !RequestStatus.All.Contains(status)) errors.Add("status", "One of submitted, accepted, completed, rejected.");
        var from = Instant(errors, "from", request.Query("from"), endOfDay: false);
        var to = Instant(errors, "to", request.Query("to"), endOfDay: true);
        var pageSize = request.PageSize();
        var token = request.ContinuationToken();
        switch (caller.Role)
        {
            case Role.Office:
                if (officeCode is not null && officeCode != caller.Subject) throw Problem.Forbidden();
                (officeCode, agencyId) = (caller.Subject, null);
                break;
            case Role.Agency:
                if (agencyId is not null && agencyId != caller.Subject) throw Problem.Forbidden();
                (officeCode, agencyId) = (null, caller.Subject);
                break;
            default:
                if ((officeCode is null) == (agencyId is null)) errors.Add("officeCode", "Give officeCode or agencyId (one of them).");
                break;
        }
        errors.ThrowIfAny();
        var ct = request.CancellationToken;

        var filter = "";
        if (status is not null) filter += " and " + TableClient.CreateQueryFilter($"Status eq {status}");
        var timeFilter = "";
        if (from is not null) timeFilter += " and " + TableClient.CreateQueryFilter($"CreatedAt ge {from.Value}");
        if (to is not null) timeFilter += " and " + TableClient.CreateQueryFilter($"CreatedAt le {to.Value}");

        if (officeCode is not null)
        {
            if (caller.Role != Role.Office)
            {
                var office = await officeStore.FindAsync(officeCode, ct);
                if (office is null || !request.CanSee(new ResourceScope(office.Province, office.CountyCode, Office: office.OfficeCode))) throw Problem.NotFound("office");
            }
            await requestBook.Committer(officeCode).FlushAsync(ct); // this instance's intakes of the office still lingering
            var query = TableClient.CreateQueryFilter(
                $"PartitionKey eq {officeCode} and RowKey ge {RequestIds.RequestPrefix} and RowKey lt {RequestIds.RequestPrefixEnd}") + filter + timeFilter;
            var (rows, next) = await requestBook.Table.PageAsync<RequestRow>(query, pageSize, token, ct);
            return TypedResults.Ok(new Page<RequestView>(rows.Select(r => RequestView.From(r, FullContact(caller, r))).ToList(), Paging.Encode(next)));
        }

        if (caller.Role != Role.Agency)
        {
            var agency = await agencyStore.FindAsync(agencyId!, ct);
            if (agency is null || !request.CanSee(new ResourceScope(agency.Province))) throw Problem.NotFound("agency");
        }
        // The agency's index (16 shards) gives ids newest first: each shard's next rows after the last key
        // returned, merged by row key; the continuation is that last key. Each request is then read from its
        // office's partition (or, for an intake answered moments ago, written from its claim now). A status
        // filter is applied to what was read, so such a page may hold fewer than pageSize items.
        var keys = store.Table(Tables.RequestKeys);
        var after = token ?? AgencyIndexRow.Prefix;
        if (!after.StartsWith(AgencyIndexRow.Prefix, StringComparison.Ordinal)) throw Problem.Field("continuationToken", "Not a token this API issued.");
        var shards = await Task.WhenAll(ClaimRow.AllPartitions(agencyId!).Select(async pk => (await keys.PageAsync<AgencyIndexRow>(
            TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey gt {after} and RowKey lt {AgencyIndexRow.PrefixEnd}") + timeFilter,
            pageSize, null, ct)).Items));
        var merged = shards.SelectMany(s => s).OrderBy(i => i.RowKey, StringComparer.Ordinal).ToList();
        var index = merged.Take(pageSize).ToList();
        var nextIndex = index.Count > 0 && (merged.Count > pageSize || shards.Any(s => s.Count == pageSize)) ? index[^1].RowKey : null;
        var found = await Task.WhenAll(index.Select(i =>
            RequestIds.TryParse(i.RequestId, out var key) ? requestBook.FindForAgencyAsync(key, agencyId!, ct) : Task.FromResult<RequestRow?>(null)));
        var items = found.OfType<RequestRow>()
            .Where(r => status is null || r.Status == status)
            .Where(r => request.CanSee(Scope(r)))
            .Select(r => RequestView.From(r, FullContact(caller, r)))
            .ToList();
        return TypedResults.Ok(new Page<RequestView>(items, Paging.Encode(nextIndex)));
    }

    /// <summary>POST /api/requests/{id}/events (office key, own requests).</summary>
    public async Task<IResult> PostEvent(ApiRequest request)
    {
        var body = await request.ReadJsonAsync<PostRequestEvent>();
        var errors = new FieldErrors();
        var note = errors.Text("note", body.Note, 500, required: false, multiline: true);
        errors.ThrowIfAny();

        var row = await FindAsync(request);
        request.Demand(Scope(row));
        var now = clock.GetUtcNow();
        var reported = body.At?.ToUniversalTime();
        if (reported > now + EventTimeTolerance) errors.Add("at", "The event time is in the future.");
        else if (reported < row.CreatedAt) errors.Add("at", "The event time is before the request was submitted.");
        errors.ThrowIfAny();
        var at = reported is { } r && r >= now - EventTimeTolerance ? (r > now ? now : r) : now;

        var ct = request.CancellationToken;
        var agency = await referenceCache.AgencyAsync(row.AgencyId, ct);
        var office = await referenceCache.OfficeAsync(row.OfficeCode, ct);
        var change = new RequestBook.EventChange(body.Type, at, reported is { } sent && sent != at ? sent : null, note, request.Caller, now, await holidayStore.GetCalendarAsync(row.Province, ct),
            Callback: Webhooks.IsConfigured(agency), RatingToken: body.Type == RequestEventType.Completed ? RatingTokens.New(row.RequestId) : null,
            RatingLink: settings.PublicBaseUrl + "/rate", OfficeName: office?.Name);
        var updated = await requestBook.ApplyEventAsync(row, change, ct);
        return TypedResults.Ok(RequestView.From(updated, FullContact(request.Caller, updated)));
    }

    internal static ResourceScope Scope(RequestRow r) => new(r.Province, r.CountyCode, r.AgencyId, r.OfficeCode);

    private static bool FullContact(Caller caller, RequestRow r) => caller.Role == Role.Agency && caller.Subject == r.AgencyId;

    private async Task<RequestRow> FindAsync(ApiRequest request)
    {
        if (!RequestIds.TryParse(request.RouteValue("requestId"), out var key)) throw Problem.NotFound("request");
        var row = request.Caller is { Role: Role.Agency, Subject: { } agencyId }
            ? await requestBook.FindForAgencyAsync(key, agencyId, request.CancellationToken)
            : await requestBook.FindAsync(key, request.CancellationToken);
        return row ?? throw Problem.NotFound("request");
    }

    private async Task<RequestRow> FindVisibleAsync(ApiRequest request)
    {
        var row = await FindAsync(request);
        return request.CanSee(Scope(row)) ? row : throw Problem.NotFound("request");
    }

    private static DateTimeOffset? Instant(FieldErrors errors, string field, string? value, bool endOfDay)
    {
        if (value is null) return null;
        var s = Text.PersianText.NormalizeDigits(value);
        if (s.Length == 10 && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return endOfDay ? Tehran.StartOfDayUtc(date.AddDays(1)).AddTicks(-1) : Tehran.StartOfDayUtc(date);
        if (s.Length > 10 && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var instant)
            && (s.EndsWith('Z') || s[^6] is '+' or '-'))
            return instant.ToUniversalTime();
        errors.Add(field, "A date yyyy-MM-dd (Tehran) or an ISO 8601 time with offset.");
        return null;
    }
}
