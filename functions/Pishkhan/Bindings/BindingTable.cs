using Pishkhan.Agencies;
using Pishkhan.Auth;
using Pishkhan.Calendar;
using Pishkhan.Complaints;
using Pishkhan.Contracts;
using Pishkhan.Counties;
using Pishkhan.Digests;
using Pishkhan.Health;
using Pishkhan.Inspections;
using Pishkhan.Meetings;
using Pishkhan.Members;
using Pishkhan.Notifications;
using Pishkhan.Offices;
using Pishkhan.OpenApi;
using Pishkhan.PublicSite;
using Pishkhan.RankingPolicy;
using Pishkhan.Rankings;
using Pishkhan.Sanctions;
using Pishkhan.Targets;
using Pishkhan.Ratings;
using Pishkhan.Requests;
using Pishkhan.Http;
using static Pishkhan.Auth.Role;
using static Pishkhan.OpenApi.ApiDocs;
using static Pishkhan.OpenApi.Doc;

namespace Pishkhan.Bindings;

/// <summary>Queue names (each has a "-poison" twin, created at start-up).</summary>
public static class QueueNames
{
    public const string Notifications = "notifications";
    public const string Inspections = "inspections";
    public const string Rankings = "rankings";
    public const string RequestCallbacks = "request-callbacks";

    /// <summary>Every queue the app uses, bound or only written to; each is created with its poison twin.</summary>
    public static readonly string[] All = [Notifications, Inspections, Rankings, RequestCallbacks];
}

/// <summary>
/// The binding table: one row per function of the app, keyed by its function name. A row says what the
/// attribute cannot: who may call an HTTP function, which handler runs it and what the OpenAPI document says
/// about it. The trigger itself (HTTP method and route, queue, schedule) is written only on the function's
/// attribute in Pishkhan.Functions; FunctionCatalog joins the two through functions.metadata and refuses to
/// start when they disagree.
/// <para>To add a route: a one-line adapter with [Function(nameof(X))] and [HttpTrigger(..., Route = "...")] in
/// Pishkhan.Functions, and a row here:</para>
/// <code>
/// ["PostWidget"] = Api&lt;WidgetsApi&gt;(Admin, h =&gt; h.Post, new("Create a widget") { Body = typeof(PostWidget), Responses = Created&lt;WidgetView&gt;() }),
/// </code>
/// (and a row in the authorization matrix test, which fails until it has one).
/// </summary>
public static class BindingTable
{
    private static readonly AccessRule Admin = AccessRule.For(Role.Admin);
    private static readonly AccessRule Staff = AccessRule.For(Role.Admin, Member, Inspector);

    public static readonly IReadOnlyDictionary<string, HttpFunction> Http = new Dictionary<string, HttpFunction>
    {
        // Operations
        ["GetHealth"] = Api<HealthApi>(AccessRule.Public, h => h.Get, new("Is the service up and its storage reachable?")
        {
            Description = "200 when Table Storage answers within 3 s; otherwise 503 with Retry-After. For load balancers and uptime checks.",
            Responses = Ok<HealthApi.HealthView>(),
            ResponseExample = """{ "status": "ok", "storage": "reachable", "checkedAt": "2026-11-28T06:30:00+00:00" }""",
        }),
        ["GetOpenApi"] = Api<OpenApiDocument>(AccessRule.Public, h => h.Get, new("This OpenAPI 3.1 document")
        {
            Description = "Generated from the binding table, so it lists exactly the routes both hosts serve.",
            Responses = new Dictionary<int, Type?> { [200] = typeof(System.Text.Json.Nodes.JsonObject) },
        }),

        // Auth
        ["PostKey"] = Api<KeysApi>(Admin, h => h.Post, new("Issue an API key")
        {
            Description = "Scope is a province code (admin, member), a county code (inspector), an agency id (agency) or an office code (office). "
                + "An admin issues keys only inside its province. The key is shown once; only its SHA-256 hash is stored.",
            Body = typeof(KeysApi.IssueKey),
            BodyExample = """{ "role": "inspector", "scope": "khorramabad", "label": "تیم بازرسی شهرستان خرم‌آباد" }""",
            Responses = Created<KeysApi.IssuedKey>(),
            ResponseExample = """
                { "keyId": "3f9a0c1d2b4e5f67", "key": "pk_3f9a0c1d2b4e5f67_Vb2…", "role": "inspector", "scope": "khorramabad",
                  "province": "lorestan", "county": "khorramabad", "label": "تیم بازرسی شهرستان خرم‌آباد" }
                """,
        }),
        ["GetMe"] = Api<KeysApi>(AccessRule.For(Role.Admin, Member, Inspector, Agency, Office), h => h.Me, new("Who the presented key is")
        {
            Description = "The caller's own principal: role, province and county (with their Persian names), subject and label. "
                + "The working-group console reads it after sign-in. Never the key nor its hash; 401 for a missing, unknown or revoked key.",
            Responses = Ok<KeysApi.MeView>(),
            ResponseExample = """
                { "keyId": "3f9a0c1d2b4e5f67", "role": "inspector", "province": "lorestan", "provinceName": "لرستان",
                  "county": "khorramabad", "countyName": "خرم‌آباد", "subject": null, "label": "تیم بازرسی شهرستان خرم‌آباد" }
                """,
        }),
        ["GetKey"] = Api<KeysApi>(Admin, h => h.Get, new("Read a key's metadata (never the key itself)") { Responses = Ok<KeysApi.KeyView>() }),
        ["DeleteKey"] = Api<KeysApi>(Admin, h => h.Delete, new("Revoke a key")
        {
            Description = "Takes effect at once on the instance that revoked it and within 10 s everywhere (validated keys are cached briefly).",
            Responses = NoContent(),
        }),

        // Counties
        ["PutCounty"] = Api<CountiesApi>(Admin, h => h.Put, new("Create or replace a county")
        {
            Body = typeof(PutCounty),
            BodyExample = """{ "name": "خرم‌آباد", "province": "lorestan" }""",
            Responses = Ok<CountyView>(),
            ResponseExample = """{ "countyCode": "khorramabad", "name": "خرم‌آباد", "province": "lorestan" }""",
            Headers = [IfMatch],
            Errors = new Dictionary<int, string>(PreconditionErrors) { [409] = "The code already belongs to a county of another province, or the county changed concurrently." },
        }),
        ["GetCounty"] = Api<CountiesApi>(AccessRule.Public, h => h.Get, new("Read a county (public reference data)") { Responses = Ok<CountyView>() }),
        ["ListCounties"] = Api<CountiesApi>(AccessRule.Public, h => h.List, new("List a province's counties (public reference data)")
        {
            Responses = Ok<Page<CountyView>>(),
            Query = [Province],
        }),

        // Offices
        ["PutOffice"] = Api<OfficesApi>(Admin, h => h.Put, new("Create or replace an office")
        {
            Description = "Keeps the summary columns other capabilities maintain (latest rank, open complaints, active sanctions). Answers the new ETag; "
                + "replacing an existing office requires If-Match with it (428 without, 412 when the office changed since).",
            Body = typeof(PutOffice),
            BodyExample = """
                { "name": "دفتر پیشخوان دولت شماره ۱۲ خرم‌آباد", "countyCode": "khorramabad",
                  "openingHours": { "regular": "07:30-14:30", "thursday": "08:00-12:00", "afterHours": "16:00-20:00" },
                  "address": "خرم‌آباد، خیابان انقلاب، پلاک ۲۴", "managerName": "مریم رضایی", "licenseNo": "LR-1402-0012",
                  "phone": "06633221100", "email": "office12@example.ir", "status": "active" }
                """,
            Responses = Ok<OfficeView>(),
            Headers = [IfMatchToReplace],
            Errors = new Dictionary<int, string>(PreconditionErrors)
            {
                [409] = "The code already belongs to an office of another province, or the office changed concurrently.",
                [428] = "The office exists and the request has no If-Match: read it and send its ETag (or *).",
            },
        }),
        ["GetOffice"] = Api<OfficesApi>(AccessRule.For(Role.Admin, Member, Inspector, Office), h => h.Get, new("Read an office with its latest rank, open complaints and active sanctions")
        {
            Description = "An office key sees only its own office; an inspector only its county's.",
            Responses = Ok<OfficeView>(),
        }),
        ["ListOffices"] = Api<OfficesApi>(Staff, h => h.List, new("List a province's offices")
        {
            Description = "Inspectors see their county only.",
            Responses = Ok<Page<OfficeView>>(),
            Query = [Province, new("countyCode", "Only this county's offices."), new("status", "active, suspended or revoked."), .. PageParameters],
        }),
        ["ImportOffices"] = Api<OfficeImport>(Admin, h => h.Post, new("Bulk upsert offices from CSV")
        {
            Description = "UTF-8 CSV with a header row; columns " + string.Join(",", OfficeImport.Columns)
                + " (required: officeCode, name, countyCode, regularHours). Valid rows are applied; the others are reported with their line and field errors.",
            Body = typeof(string),
            BodyMediaType = "text/csv",
            BodyExample = "officeCode,name,countyCode,regularHours,afterHours,email\n"
                + "kh-0012,دفتر پیشخوان شماره ۱۲,khorramabad,07:30-14:30,16:00-20:00,office12@example.ir\n",
            Responses = Ok<OfficeImport.ImportResult>(),
        }),

        // Agencies
        ["PutAgency"] = Api<AgenciesApi>(Admin, h => h.Put, new("Create or update a service agency")
        {
            Body = typeof(PutAgency),
            BodyExample = """{ "name": "اداره کل پست استان لرستان", "province": "lorestan", "contactEmail": "post@example.ir" }""",
            Responses = Ok<AgencyView>(),
            ResponseExample = """{ "agencyId": "lorestan-post", "name": "اداره کل پست استان لرستان", "province": "lorestan", "contactEmail": "post@example.ir" }""",
        }),
        ["GetAgency"] = Api<AgenciesApi>(AccessRule.For(Role.Admin, Member, Agency), h => h.Get, new("Read an agency") { Responses = Ok<AgencyView>() }),
        ["ListAgencies"] = Api<AgenciesApi>(AccessRule.For(Role.Admin, Member), h => h.List, new("List a province's agencies")
        {
            Responses = Ok<Page<AgencyView>>(),
            Query = [Province, .. PageParameters],
        }),

        // Contracts
        ["PutContract"] = Api<ContractsApi>(Admin, h => h.Put, new("Create or replace an outsourcing contract")
        {
            Description = "The services an agency outsources (SLA in working hours, fee in rials) to offices of the named counties of its province.",
            Body = typeof(PutContract),
            BodyExample = """
                { "agencyId": "lorestan-post",
                  "services": [ { "serviceCode": "parcel", "name": "پذیرش مرسوله پستی", "slaHours": 16, "fee": 150000 } ],
                  "countyCodes": [ "khorramabad", "borujerd" ], "validFrom": "2026-03-21", "validTo": "2027-03-20" }
                """,
            Responses = Ok<ContractView>(),
        }),
        ["GetContract"] = Api<ContractsApi>(AccessRule.For(Role.Admin, Member, Agency), h => h.Get, new("Read a contract") { Responses = Ok<ContractView>() }),

        // Members
        ["PutMember"] = Api<MembersApi>(Admin, h => h.Put, new("Create or replace a working-group member")
        {
            Body = typeof(PutMember),
            BodyExample = """{ "name": "علی محمدی", "email": "a.mohammadi@example.ir", "role": "countyLead", "province": "lorestan", "countyCode": "khorramabad", "digest": true }""",
            Responses = Ok<MemberView>(),
        }),
        ["ListMembers"] = Api<MembersApi>(Admin, h => h.List, new("List a province's working-group members")
        {
            Responses = Ok<Page<MemberView>>(),
            Query = [Province, .. PageParameters],
        }),

        // Calendar
        ["ListHolidays"] = Api<HolidaysApi>(AccessRule.Public, h => h.List, new("List the official holidays in force (public)")
        {
            Description = "Working-day deadlines (SLA hours, complaint stages) skip these days and Fridays.",
            Responses = Ok<List<HolidaysApi.HolidayView>>(),
            Query = [new("year", "A Jalali year such as 1405; all years when absent.", Type: "integer")],
        }),
        ["PutHoliday"] = Api<HolidaysApi>(Admin, h => h.Put, new("Declare or rename an official holiday")
        {
            Body = typeof(HolidaysApi.PutHoliday),
            BodyExample = """{ "name": "عید سعید فطر" }""",
            Responses = Ok<HolidaysApi.HolidayView>(),
            ResponseExample = """{ "date": "2026-03-20", "jalaliDate": "1404-12-29", "name": "عید سعید فطر", "weekday": "جمعه" }""",
        }),
        ["DeleteHoliday"] = Api<HolidaysApi>(Admin, h => h.Delete, new("Remove a holiday (the day becomes a working day again)") { Responses = NoContent() }),

        // Ranking policy and rankings
        ["PutRankingPolicy"] = Api<RankingPolicyApi>(Admin, h => h.Put, new("Publish a new version of a province's ranking policy")
        {
            Description = "Weights (summing to 1), shrinkage strengths, minimum volume, normalisation and tier cut-offs. "
                + "The server assigns the version; rankings keep the version they were computed with.",
            Body = typeof(RankingPolicyApi.PutRankingPolicy),
            BodyExample = """
                { "province": "lorestan",
                  "indicators": [
                    { "indicator": "slaCompliance", "weight": 0.30, "shrinkageStrength": 20 },
                    { "indicator": "satisfaction", "weight": 0.25, "shrinkageStrength": 10 },
                    { "indicator": "upheldComplaintsPer1000", "weight": 0.15, "shrinkageStrength": 500 },
                    { "indicator": "inspectionScore", "weight": 0.15, "shrinkageStrength": 1 },
                    { "indicator": "training", "weight": 0.075, "shrinkageStrength": 2 },
                    { "indicator": "afterHours", "weight": 0.075, "shrinkageStrength": 2 } ],
                  "minimumVolume": 30,
                  "tiers": [ { "tier": "alef", "minimumScore": 75 }, { "tier": "be", "minimumScore": 60 },
                             { "tier": "jim", "minimumScore": 40 }, { "tier": "dal", "minimumScore": 0 } ],
                  "normalisation": "minMax", "resamples": 200, "intervalCoverage": 0.9 }
                """,
            Responses = Ok<RankingPolicy.RankingPolicy>(),
            Errors = new Dictionary<int, string> { [409] = "The policy changed concurrently; retry." },
        }),
        ["GetRankingPolicy"] = Api<RankingPolicyApi>(AccessRule.Public, h => h.Get, new("Read the ranking policy in force (public)")
        {
            Responses = Ok<RankingPolicy.RankingPolicy>(),
            Query = [new("province", "Province code, e.g. lorestan.", Required: true)],
        }),
        ["GetRanking"] = Api<RankingsApi>(AccessRule.Public, h => h.Get, new("Read a published monthly ranking (public)")
        {
            Description = "Rows of a province or one county: score with its interval, ranks with their intervals, tier, movement and indicators. 404 before publication.",
            Responses = Ok<RankingsApi.PublishedRanking>(),
            Query = [new("scope", "A province code (lorestan) or a county code.", Required: true)],
        }),
        // The public site (PublicSite/README.md)
        ["ListPublicOffices"] = Api<PublicSiteApi>(AccessRule.Public, h => h.Offices, new("A county's offices as the public sees them, with the latest rank and tier (public)")
        {
            Description = "Name, address, opening and after-hours times, the latest published county and province rank, tier and score, and the link to "
                + "that month's report. Never the manager, licence, email, complaints or sanctions; the phone only when it is a landline. Revoked offices are left out.",
            Responses = Ok<PublicCountyOffices>(),
            Query = [new("countyCode", "The county (codes from GET /api/counties?province=).", Required: true)],
            ResponseExample = """
                { "countyCode": "dorud", "countyName": "دورود", "province": "lorestan", "provinceName": "لرستان",
                  "ranking": { "province": "lorestan", "provinceName": "لرستان", "period": "1405-08", "periodName": "آبان ۱۴۰۵",
                    "publishedAt": "2026-11-22T03:30:00+00:00", "reportUrl": "https://pishkhan.z6.web.core.windows.net/rankings/1405-08/lorestan/index.html#county-dorud" },
                  "items": [ { "officeCode": "dorud-01", "name": "دفتر پیشخوان دولت شماره ۱ دورود", "countyCode": "dorud", "address": "دورود، خیابان امام",
                    "phone": "06642221100", "openingHours": { "regular": "07:30-14:30", "thursday": "08:00-12:00", "afterHours": "16:00-20:00" },
                    "hasAfterHours": true, "status": "active", "statusFa": "فعال", "provinceRank": 4, "countyRank": 1, "score": 81.3,
                    "tier": "alef", "tierFa": "الف", "ranked": true } ] }
                """,
        }),
        ["ListPublishedReports"] = Api<PublicSiteApi>(AccessRule.Public, h => h.Reports, new("The latest published ranking report of every province (public)")
        {
            Responses = Ok<PublishedReports>(),
        }),

        // Complaints
        ["FileComplaint"] = Api<ComplaintsApi>(AccessRule.Public, h => h.File, new("File a complaint about an office (public)")
        {
            Description = "Give either a complainant (name, mobile, email, national ID — each optional) or \"anonymous\": true. "
                + "Answers the tracking code and, once, a secret that lets the complainant escalate or withdraw. "
                + "The same complaint again within 24 hours answers 200 with the first tracking code. An acknowledgement is mailed when an email is given.",
            Body = typeof(FileComplaint),
            BodyExample = """
                { "officeCode": "kh-0012", "category": "overcharging",
                  "description": "برای صدور کارت سوخت دو برابر تعرفه مصوب از من وجه دریافت شد و رسید هم داده نشد.",
                  "incidentDate": "1405-09-02",
                  "complainant": { "name": "زهرا احمدی", "mobile": "09121234567", "email": "z.ahmadi@example.ir" } }
                """,
            Responses = new Dictionary<int, Type?> { [200] = typeof(FiledComplaint), [201] = typeof(FiledComplaint) },
            Errors = new Dictionary<int, string> { [429] = "Too many complaints from this client; retry after Retry-After seconds." },
        }),
        ["GetComplaintStatus"] = Api<ComplaintsApi>(AccessRule.Public, h => h.Get, new("Follow a complaint by its tracking code (public)")
        {
            Description = "Status, deadlines (Jalali dates) and timeline only: never the complainant or the description.",
            Responses = Ok<PublicComplaintView>(),
            Errors = new Dictionary<int, string> { [429] = "Too many follow-ups from this client; retry after Retry-After seconds." },
        }),
        ["EscalateComplaint"] = Api<ComplaintsApi>(AccessRule.Public, h => h.Escalate, new("Escalate a complaint decided at stage 1 to the province (public)")
        {
            Description = "With the secret given at filing, or with an admin key of the province instead.",
            Body = typeof(EscalateComplaint),
            BodyExample = """{ "reason": "دفتر وجه اضافه را بازنگردانده است.", "secret": "P4KX-7MNR-2QWT-H9CZ" }""",
            Responses = Ok<PublicComplaintView>(),
            Errors = new Dictionary<int, string> { [409] = "Not decided at stage 1, or the escalation window has closed." },
        }),
        ["WithdrawComplaint"] = Api<ComplaintsApi>(AccessRule.Public, h => h.Withdraw, new("Withdraw an open complaint (public)")
        {
            Description = "With the secret given at filing, or with an admin key of the province instead.",
            Body = typeof(WithdrawComplaint),
            BodyExample = """{ "secret": "P4KX-7MNR-2QWT-H9CZ", "reason": "مبلغ اضافه بازگردانده شد." }""",
            Responses = Ok<PublicComplaintView>(),
            Errors = new Dictionary<int, string> { [409] = "The complaint is no longer open." },
        }),
        ["ListComplaintCategories"] = Api<ComplaintsApi>(AccessRule.Public, h => h.ListCategories, new("The complaint categories with Persian and English labels (public)")
        {
            Responses = Ok<List<ComplaintCategory>>(),
        }),
        ["ListComplaints"] = Api<ComplaintsApi>(AccessRule.For(Role.Admin, Inspector, Office), h => h.List, new("List complaints in the caller's scope")
        {
            Description = "Admins: their province; inspectors: their county; an office: the complaints about itself, without complainant data (items are then OfficeComplaintView).",
            Responses = Ok<Page<ComplaintSummary>>(),
            Query =
            [
                Province, new("countyCode", "Only this county's."), new("officeCode", "Only this office's."),
                new("status", "open, or one complaint status."), new("overdue", "true or false."), new("category", "A category code."), .. PageParameters,
            ],
        }),
        ["GetComplaintCase"] = Api<ComplaintsApi>(AccessRule.For(Role.Admin, Inspector), h => h.GetCase, new("Read the whole case, with the complainant")
        {
            Description = "Every read of the complainant's data is written to the complaint's access log first.",
            Responses = Ok<ComplaintCaseView>(),
        }),
        ["DecideComplaint"] = Api<ComplaintsApi>(AccessRule.For(Role.Admin, Inspector), h => h.Decide, new("Decide the open stage of a complaint")
        {
            Description = "Stage 1: an admin or the county's inspector; stage 2: an admin other than the stage-1 decider. "
                + "Outcomes: " + string.Join(", ", ComplaintOutcome.All) + "; a remedy is required when (partly) upheld. Upheld complaints count against the office.",
            Body = typeof(DecideComplaint),
            BodyExample = """{ "outcome": "upheld", "reasons": "رسید پرداخت و تعرفه مصوب بررسی شد؛ دریافت وجه اضافه محرز است.", "remedy": "بازگرداندن مبلغ اضافه به شاکی ظرف سه روز کاری" }""",
            Responses = Ok<ComplaintStaffView>(),
            Errors = new Dictionary<int, string> { [409] = "No open stage to decide, or the same admin decided stage 1." },
        }),
        ["ExtendComplaint"] = Api<ComplaintsApi>(AccessRule.For(Role.Admin, Inspector), h => h.Extend, new("Extend the open stage's deadline")
        {
            Body = typeof(ExtendComplaint),
            BodyExample = """{ "newDueDate": "1405-10-05", "reason": "استعلام از اداره پست استان در جریان است." }""",
            Responses = Ok<ComplaintStaffView>(),
            Errors = new Dictionary<int, string> { [409] = "The stage is not open, or it was already extended the maximum number of times." },
        }),
        ["GetComplaintAccessLog"] = Api<ComplaintsApi>(Admin, h => h.AccessLog, new("Who read the complainant's data, when and why")
        {
            Responses = Ok<Page<AccessLogEntry>>(),
            Query = PageParameters,
        }),

        // Targets (management by goals)
        ["PutTarget"] = Api<TargetsApi>(Admin, h => h.Put, new("Plan an indicator for a province or county and month")
        {
            Description = "The planned value in the indicator's unit: shares are fractions 0..1 (0.9 = 90 %), satisfaction 1..5, days, counts.",
            Body = typeof(PutTarget),
            BodyExample = """{ "planned": 0.92, "note": "هدف مصوب جلسه آذر کارگروه استان" }""",
            Responses = Ok<TargetView>(),
        }),
        ["GetTargets"] = Api<TargetsApi>(Staff, h => h.Get, new("Planned against actual, per indicator, for a scope and month")
        {
            Description = "Each planned indicator with its actual value from the stats, the verdict (on plan, behind) and a trend; an open month is judged pro rata.",
            Responses = Ok<TargetReport>(),
        }),

        // Meetings
        ["PostMeeting"] = Api<MeetingsApi>(Admin, h => h.Post, new("Record a working-group meeting and its decisions")
        {
            Description = "Dates are Jalali (1405-09-10) or Gregorian (2026-12-01). Each decision has an owner (a member id) and a due date.",
            Body = typeof(PostMeeting),
            BodyExample = """
                { "date": "1405-09-10", "scope": "lorestan", "title": "جلسه ماهانه کارگروه دفاتر پیشخوان استان لرستان",
                  "participants": [ "m-chair", "m-secretary", "m-khorramabad" ],
                  "decisions": [
                    { "text": "بازرسی مجدد دفاتر دارای شکایت تأییدشده در شهرستان خرم‌آباد تا پایان ماه", "ownerMemberId": "m-khorramabad",
                      "dueDate": "1405-09-30", "links": { "offices": [ "kh-0012" ] } } ] }
                """,
            Responses = Created<MeetingView>(),
            Headers = [IdempotencyKey],
            Errors = new Dictionary<int, string> { [422] = "The Idempotency-Key was used with another body." },
        }),
        ["ListMeetings"] = Api<MeetingsApi>(Staff, h => h.List, new("List a province's or county's meetings, newest first")
        {
            Responses = Ok<Page<MeetingView>>(),
            Query = [new("scope", "A province or county code; defaults to the caller's."), .. PageParameters],
        }),
        ["GetMeeting"] = Api<MeetingsApi>(Staff, h => h.Get, new("Read a meeting with its decisions") { Responses = Ok<MeetingView>() }),
        ["PostDecisionStatus"] = Api<MeetingsApi>(Admin, h => h.PostStatus, new("Mark a decision done or dropped, or reopen it")
        {
            Body = typeof(PostDecisionStatus),
            BodyExample = """{ "status": "done", "note": "گزارش بازرسی مجدد در جلسه دی ارائه شد." }""",
            Responses = Ok<DecisionView>(),
            Errors = new Dictionary<int, string> { [409] = "The decision is closed; reopen it first." },
        }),

        // Digests and mail
        ["SendDigests"] = Api<DigestJob>(Admin, h => h.Send, new("Send this week's digest of a province now")
        {
            Description = "The weekly timer (Saturday 07:00 Tehran) does the same for every province. Every member with digests on gets "
                + "the digest of their scope (county leads their county's), in SendGrid calls of up to 1,000 recipients. One digest per "
                + "member per week: a second call in the same week sends nothing already sent (alreadySent). The body may be empty "
                + "(a provincial admin's own province). 503 when Pishkhan__UnsubscribeSigningKey is not set: every digest carries a signed unsubscribe link.",
            Body = typeof(SendDigestsRequest),
            BodyExample = """{ "province": "lorestan" }""",
            Responses = Ok<DigestSendResult>(),
            ResponseExample = """{ "province": "lorestan", "week": "1405-09-14", "recipients": 12, "sent": 11, "alreadySent": 0, "failed": 0, "waiting": 1 }""",
        }),
        ["GetUnsubscribe"] = Api<UnsubscribeApi>(AccessRule.Public, h => h.Get, new("Unsubscribe from the weekly digest (the link in its footer)")
        {
            Description = "Honoured at once: the member's digest setting is turned off, and a short Persian page says so. "
                + "An admin turns it back on with PUT /api/members/{memberId}.",
            Query = [UnsubscribeToken],
            Responses = new Dictionary<int, Type?> { [200] = typeof(string) },
            ResponseMediaType = "text/html",
        }),
        ["PostUnsubscribe"] = Api<UnsubscribeApi>(AccessRule.Public, h => h.Post, new("One-click unsubscribe by a mail client (RFC 8058 List-Unsubscribe-Post)")
        {
            Description = "What mail clients post to the List-Unsubscribe URL of a digest (body List-Unsubscribe=One-Click, not read). "
                + "alreadyUnsubscribed also for a member since removed; nothing is written then.",
            NoBody = true,
            Query = [UnsubscribeToken],
            Responses = Ok<UnsubscribeResult>(),
            ResponseExample = """{ "status": "unsubscribed" }""",
        }),

        ["RecomputeRanking"] = Api<RankingsApi>(Admin, h => h.Recompute, new("Queue a recomputation of a closed period")
        {
            NoBody = true,
            Responses = Accepted<RankingsApi.Queued>(),
            ResponseExample = """{ "status": "queued", "province": "lorestan", "period": "1405-08" }""",
            Query = [new("province", "Province code; only the bootstrap key (all provinces) must give it.")],
            Errors = new Dictionary<int, string> { [409] = "The period is not closed yet." },
        }),

        // Inspections
        ["GetInspectionTemplate"] = Api<ChecklistApi>(AccessRule.For(Role.Admin, Member, Inspector, Office), h => h.Get, new("Read a checklist version, or the one in force")
        {
            Description = "\"current\" is the province's newest version, or the built-in national checklist (version 1, 26 items) when the province has none of its own.",
            Responses = Ok<ChecklistTemplate>(),
            Query = [Province],
        }),
        ["PutInspectionTemplate"] = Api<ChecklistApi>(Admin, h => h.Put, new("Publish a new checklist version for the province")
        {
            Description = "Versions are immutable and must increase: the same items again answer 200, other items 409. "
                + "Inspections name the version they were made against and are scored with it.",
            Body = typeof(PutChecklistTemplate),
            BodyExample = """
                { "items": [
                    { "code": "receipt-every-fee", "text": "برای هر وجه دریافتی رسید رسمی (چاپی یا الکترونیکی) به مراجع داده می‌شود.", "category": "tariffsAndReceipts", "weight": 4, "critical": true },
                    { "code": "no-extra-charges", "text": "وجهی بیش از تعرفه مصوب یا با عنوان غیرمجاز از مراجعان دریافت نمی‌شود.", "category": "tariffsAndReceipts", "weight": 5, "critical": true },
                    { "code": "staff-id-badges", "text": "همه کارکنان کارت شناسایی عکس‌دار با نام و سمت را در معرض دید دارند.", "category": "staffConduct", "weight": 3 },
                    { "code": "queue-system-working", "text": "سامانه نوبت‌دهی فعال است و نوبت مراجعان رعایت می‌شود.", "category": "premisesAndQueueing", "weight": 3 },
                    { "code": "rural-service-days", "text": "خدمات سیار روستایی در روزهای اعلام‌شده ارائه می‌شود.", "category": "openingHours", "weight": 2 },
                    { "code": "licence-valid", "text": "پروانه فعالیت دفتر معتبر است و خدمتی خارج از حدود مجوز ارائه نمی‌شود.", "category": "licenceDisplay", "weight": 5, "critical": true } ] }
                """,
            Responses = new Dictionary<int, Type?> { [200] = typeof(ChecklistTemplate), [201] = typeof(ChecklistTemplate) },
            Query = [Province],
            Errors = new Dictionary<int, string> { [409] = "The version exists with other items, or is not above the current version." },
        }),
        ["PostInspection"] = Api<InspectionsApi>(AccessRule.For(Role.Admin, Inspector), h => h.Post, new("Report an inspection visit")
        {
            Description = "Validated in full, stored as queued and processed in the background: score, violations, corrective actions, "
                + "follow-up visit, statistics, a sanction proposal and a notification to the office. Every item of the checklist version "
                + "is reported once (pass, fail or na). complaintIds or requestId only for complaint visits, followUpOf only for followUp, "
                + "officeOpen for unannounced visits only, reinspectionOf only with an admin key for an inspection drawn for re-inspection. "
                + "visitedAt may not be in the future nor older than the policy's maxBackdateDays.",
            Body = typeof(PostInspection),
            BodyExample = """
                { "officeCode": "kh-0012", "type": "routine", "visitedAt": "2026-11-24T11:10:00+03:30", "templateVersion": 1,
                  "items": [
                    { "code": "tariff-list-displayed", "result": "pass" },
                    { "code": "receipt-every-fee", "result": "fail", "note": "برای دو مراجع در زمان بازرسی بابت خدمات ثبت‌نام رسید پرداخت صادر نشد." },
                    { "code": "no-extra-charges", "result": "pass" },
                    { "code": "card-payment-accepted", "result": "pass" },
                    { "code": "services-recorded", "result": "pass" },
                    { "code": "complaint-channel-posted", "result": "pass" },
                    { "code": "service-list-posted", "result": "pass" },
                    { "code": "tracking-code-given", "result": "pass" },
                    { "code": "staff-id-badges", "result": "pass" },
                    { "code": "staff-authorised", "result": "pass" },
                    { "code": "courteous-conduct", "result": "pass" },
                    { "code": "no-intermediaries", "result": "pass" },
                    { "code": "training-certificates-valid", "result": "pass", "note": "گواهی یکی از کارکنان تا پایان دی‌ماه اعتبار دارد." },
                    { "code": "manager-present", "result": "pass" },
                    { "code": "opening-hours-posted", "result": "pass" },
                    { "code": "opening-hours-kept", "result": "pass" },
                    { "code": "after-hours-as-declared", "result": "na", "note": "دفتر خدمات خارج از وقت اداری اعلام نکرده است." },
                    { "code": "queue-system-working", "result": "fail", "note": "دستگاه نوبت‌دهی خراب است و نوبت‌ها دستی و بدون ترتیب داده می‌شود." },
                    { "code": "waiting-area", "result": "pass" },
                    { "code": "accessibility", "result": "pass" },
                    { "code": "signage-and-cleanliness", "result": "pass" },
                    { "code": "documents-kept-private", "result": "pass" },
                    { "code": "personal-passwords", "result": "pass" },
                    { "code": "secure-disposal", "result": "pass" },
                    { "code": "licence-displayed", "result": "pass" },
                    { "code": "licence-valid", "result": "pass" } ],
                  "staff": { "present": 4, "trained": 3 },
                  "summary": "بازرسی دوره‌ای آذرماه؛ صدور رسید و نوبت‌دهی نیاز به اصلاح فوری دارد." }
                """,
            Responses = Accepted<InspectionAccepted>(),
            ResponseExample = """{ "id": "kh-0012.2516067947993c9e1a7f", "status": "queued" }""",
            Headers = [IdempotencyKey],
            Errors = new Dictionary<int, string>
            {
                [409] = "The drawn inspection named in reinspectionOf was already re-inspected.",
                [422] = "The Idempotency-Key was used with another body.",
            },
        }),
        ["GetInspection"] = Api<InspectionsApi>(AccessRule.For(Role.Admin, Member, Inspector, Office), h => h.Get, new("Read an inspection, with its outcome once processed")
        {
            Description = "status is queued until the background processing has scored it; outcome then holds the score, violations, "
                + "corrective actions with their due dates, the follow-up visit and the proposed sanction.",
            Responses = Ok<InspectionView>(),
            ResponseExample = """
                { "id": "kh-0012.2516067947993c9e1a7f", "officeCode": "kh-0012", "province": "lorestan", "countyCode": "khorramabad",
                  "type": "routine", "visitedAt": "2026-11-24T07:40:00+00:00", "visitedOnJalali": "1405-09-03", "templateVersion": 1, "status": "processed",
                  "items": [
                    { "code": "tariff-list-displayed", "result": "pass" },
                    { "code": "receipt-every-fee", "result": "fail", "note": "برای دو مراجع در زمان بازرسی بابت خدمات ثبت‌نام رسید پرداخت صادر نشد." },
                    { "code": "no-extra-charges", "result": "pass" }, { "code": "card-payment-accepted", "result": "pass" },
                    { "code": "services-recorded", "result": "pass" }, { "code": "complaint-channel-posted", "result": "pass" },
                    { "code": "service-list-posted", "result": "pass" }, { "code": "tracking-code-given", "result": "pass" },
                    { "code": "staff-id-badges", "result": "pass" }, { "code": "staff-authorised", "result": "pass" },
                    { "code": "courteous-conduct", "result": "pass" }, { "code": "no-intermediaries", "result": "pass" },
                    { "code": "training-certificates-valid", "result": "pass", "note": "گواهی یکی از کارکنان تا پایان دی‌ماه اعتبار دارد." },
                    { "code": "manager-present", "result": "pass" }, { "code": "opening-hours-posted", "result": "pass" },
                    { "code": "opening-hours-kept", "result": "pass" },
                    { "code": "after-hours-as-declared", "result": "na", "note": "دفتر خدمات خارج از وقت اداری اعلام نکرده است." },
                    { "code": "queue-system-working", "result": "fail", "note": "دستگاه نوبت‌دهی خراب است و نوبت‌ها دستی و بدون ترتیب داده می‌شود." },
                    { "code": "waiting-area", "result": "pass" }, { "code": "accessibility", "result": "pass" },
                    { "code": "signage-and-cleanliness", "result": "pass" }, { "code": "documents-kept-private", "result": "pass" },
                    { "code": "personal-passwords", "result": "pass" }, { "code": "secure-disposal", "result": "pass" },
                    { "code": "licence-displayed", "result": "pass" }, { "code": "licence-valid", "result": "pass" } ],
                  "complaintIds": [], "staff": { "present": 4, "trained": 3 },
                  "summary": "بازرسی دوره‌ای آذرماه؛ صدور رسید و نوبت‌دهی نیاز به اصلاح فوری دارد.",
                  "postedByRole": "inspector", "createdAt": "2026-11-24T08:05:12+00:00", "processedAt": "2026-11-24T08:05:14+00:00",
                  "outcome": {
                    "score": 50, "rawScore": 90.3, "capped": true, "majorViolation": true,
                    "violations": [
                      { "code": "receipt-every-fee", "text": "برای هر وجه دریافتی رسید رسمی (چاپی یا الکترونیکی) به مراجع داده می‌شود.", "category": "tariffsAndReceipts", "critical": true, "occurrence": 1 },
                      { "code": "queue-system-working", "text": "سامانه نوبت‌دهی فعال است و نوبت مراجعان رعایت می‌شود.", "category": "premisesAndQueueing", "critical": false, "occurrence": 1 } ],
                    "correctiveActions": [
                      { "code": "receipt-every-fee", "text": "برای هر وجه دریافتی رسید رسمی (چاپی یا الکترونیکی) به مراجع داده می‌شود.", "dueDate": "2026-11-29", "dueDateJalali": "1405-09-08" },
                      { "code": "queue-system-working", "text": "سامانه نوبت‌دهی فعال است و نوبت مراجعان رعایت می‌شود.", "dueDate": "2026-12-12", "dueDateJalali": "1405-09-21" } ],
                    "priorViolationPoints": 0, "followUpDue": "2026-12-13",
                    "sanctionId": "kh-0012.2516067947993c9e1a7f", "sanctionStep": "writtenWarning" } }
                """,
        }),
        ["ListInspections"] = Api<InspectionsApi>(AccessRule.For(Role.Admin, Member, Inspector, Office), h => h.List, new("List an office's or a county's inspections, newest visit first")
        {
            Description = "Give officeCode or countyCode; an office key needs neither, an inspector defaults to its county.",
            Responses = Ok<Page<InspectionSummary>>(),
            Query = [new("officeCode", "An office's inspections."), new("countyCode", "A county team's inspections."), .. PageParameters],
        }),
        ["ListInspectionRequests"] = Api<InspectionsApi>(AccessRule.For(Role.Admin, Inspector), h => h.ListRequests, new("List a county's targeted-inspection requests")
        {
            Description = "Raised by the complaints escalation rule; a complaint inspection that names the request or one of its complaints closes it.",
            Responses = Ok<Page<InspectionRequestView>>(),
            Query = [new("countyCode", "The county; an inspector defaults to its own."), new("status", "open or done."), .. PageParameters],
        }),
        ["ListInspectionFollowUps"] = Api<InspectionsApi>(AccessRule.For(Role.Admin, Inspector), h => h.ListFollowUps, new("List a county's scheduled follow-up visits, earliest due first")
        {
            Description = "A follow-up is due the working day after an inspection's last corrective action; a followUp inspection closes it.",
            Responses = Ok<Page<FollowUpView>>(),
            Query = [new("countyCode", "The county; an inspector defaults to its own."), new("status", "open or done."), .. PageParameters],
        }),
        ["GetInspectionCoverage"] = Api<InspectionsApi>(Staff, h => h.Coverage, new("Which active offices of a county are overdue a routine inspection")
        {
            Description = "An office is due routineIntervalMonths after its last processed routine inspection; one never inspected routinely is overdue. Overdue offices first.",
            Responses = Ok<CoverageView>(),
        }),
        ["PostReinspectionDraw"] = Api<ReinspectionsApi>(Admin, h => h.Draw, new("Draw a closed month's inspections for province re-inspection now")
        {
            Description = "The daily timer does it otherwise. Each county team's inspections are ranked by HMAC-SHA256 of period|county|id under the "
                + "secret setting Pishkhan__ReinspectionDrawSecret (never published, so a county team cannot foresee the draw) and the first "
                + "reinspectionShare of them are drawn; the first draw is kept, so drawing again answers the same report.",
            NoBody = true,
            Responses = Ok<ReinspectionReport>(),
            Query = [Province],
            Errors = new Dictionary<int, string> { [409] = "The month has not ended yet.", [503] = "The draw secret is not configured." },
        }),
        ["GetReinspections"] = Api<ReinspectionsApi>(AccessRule.For(Role.Admin, Member), h => h.Report, new("A month's re-inspection draw and each county team's agreement with the province team")
        {
            Responses = Ok<ReinspectionReport>(),
            Query = [Province, new("countyCode", "Only this county team's figures.")],
        }),
        ["ListInspectionPoison"] = Api<ReinspectionsApi>(Admin, h => h.Poison, new("Inspection messages that failed processing (poison queue)")
        {
            Description = "Up to 32 messages, peeked and left in place. A message holds only an inspection id; one naming another province's office is left out.",
            Responses = Ok<Page<PoisonMessage>>(),
        }),
        ["GetInspectionPolicy"] = Api<PolicyApi>(AccessRule.Public, h => h.GetInspection, new("Read a province's inspection policy (public)")
        {
            Description = "Score cap for a failed critical item, working days to correct, recurrence window, routine interval and re-inspection share. Defaults when the province has set none.",
            Responses = Ok<InspectionPolicy>(),
            Query = [new("province", "Province code, e.g. lorestan; a caller whose key is bound to a province may omit it.")],
        }),
        ["PutInspectionPolicy"] = Api<PolicyApi>(Admin, h => h.PutInspection, new("Replace the province's inspection policy")
        {
            Description = "Every member has a default; the policy applies to inspections processed from then on.",
            Body = typeof(InspectionPolicy),
            BodyExample = """
                { "criticalFailureScoreCap": 50, "criticalFixWorkingDays": 5, "fixWorkingDays": 15, "recurrenceMonths": 12,
                  "routineIntervalMonths": 6, "reinspectionShare": 0.1, "maxBackdateDays": 60 }
                """,
            Responses = Ok<InspectionPolicy>(),
            Query = [Province],
        }),

        // Sanctions
        ["ListSanctions"] = Api<SanctionsApi>(AccessRule.For(Role.Admin, Member, Inspector, Office), h => h.List, new("List an office's sanctions, newest first, or the caller's province's")
        {
            Description = "With officeCode: that office's sanctions, newest first (an office key sees its own without officeCode; an inspector only "
                + "its county's offices). Without officeCode (staff): the caller's province, or an inspector's county, oldest proposal first within "
                + "a page, paged; status=awaiting lists what an admin decides (proposed or objected).",
            Responses = Ok<Page<SanctionView>>(),
            Query =
            [
                new("officeCode", "The office."), Province, new("countyCode", "Without officeCode: only this county's."),
                new("status", "Without officeCode: awaiting (proposed or objected), proposed or objected."), .. PageParameters,
            ],
        }),
        ["GetSanction"] = Api<SanctionsApi>(AccessRule.For(Role.Admin, Member, Inspector, Office), h => h.Get, new("Read a sanction and where it stands in due process")
        {
            Description = "proposed → confirmed (objection window) → effective → ended, or overturned; confirmed → objected → effective or overturned. "
                + "A confirmed sanction past its window reads as effective.",
            Responses = Ok<SanctionView>(),
            ResponseExample = """
                { "id": "kh-0012.2516067947993c9e1a7f", "officeCode": "kh-0012", "province": "lorestan", "countyCode": "khorramabad",
                  "inspectionId": "kh-0012.2516067947993c9e1a7f", "step": "writtenWarning", "stepFa": "اخطار کتبی", "severity": "major", "priorPoints": 0,
                  "status": "confirmed",
                  "reason": "تخلفات بازرسی: برای هر وجه دریافتی رسید رسمی (چاپی یا الکترونیکی) به مراجع داده می‌شود. (بحرانی)؛ سامانه نوبت‌دهی فعال است و نوبت مراجعان رعایت می‌شود.",
                  "proposedAt": "2026-11-24T08:05:14+00:00", "decidedAt": "2026-11-30T05:45:00+00:00",
                  "decisionReason": "عدم صدور رسید در گزارش بازرسی مستند است و دفتر سابقه تخلف ندارد؛ اخطار کتبی تأیید شد.",
                  "effectiveAt": "2026-12-12T20:30:00+00:00", "objectionDeadlineJalali": "1405-09-21", "endsAt": "2027-12-12T20:30:00+00:00" }
                """,
        }),
        ["DecideSanction"] = Api<SanctionsApi>(Admin, h => h.Decide, new("Confirm or overturn a proposed sanction, or decide on the office's objection")
        {
            Description = "Confirming a proposal opens the office's objection window (objectionWindowWorkingDays working days); confirming "
                + "after an objection puts the sanction into effect at once. The office and the province's members are notified.",
            Body = typeof(SanctionDecision),
            BodyExample = """{ "decision": "confirm", "reason": "عدم صدور رسید در گزارش بازرسی مستند است و دفتر سابقه تخلف ندارد؛ اخطار کتبی تأیید شد." }""",
            Responses = Ok<SanctionView>(),
            Errors = new Dictionary<int, string> { [409] = "The sanction is neither proposed nor objected, or it changed concurrently." },
        }),
        ["ObjectSanction"] = Api<SanctionsApi>(AccessRule.For(Office), h => h.Object, new("Object to a confirmed sanction (the office itself)")
        {
            Description = "Only while the objection window is open (before effectiveAt); the sanction then waits for an admin's final decision.",
            Body = typeof(SanctionObjection),
            BodyExample = """{ "reason": "رسید الکترونیکی همه تراکنش‌های آن روز از سامانه صادر شده و فهرست آن پیوست نامه دفتر است؛ درخواست بازبینی داریم." }""",
            Responses = Ok<SanctionView>(),
            Errors = new Dictionary<int, string> { [409] = "The objection window is not open, an objection was already filed, or the sanction changed concurrently." },
        }),
        ["GetSanctionPolicy"] = Api<PolicyApi>(AccessRule.Public, h => h.GetSanction, new("Read a province's sanction ladder (public)")
        {
            Description = "Base steps for minor and major violations, escalation thresholds over earlier violation points, objection window, fine and suspension. Defaults when the province has set none.",
            Responses = Ok<SanctionPolicy>(),
            Query = [new("province", "Province code, e.g. lorestan; a caller whose key is bound to a province may omit it.")],
        }),
        ["PutSanctionPolicy"] = Api<PolicyApi>(Admin, h => h.PutSanction, new("Replace the province's sanction ladder")
        {
            Description = "Every member has a default; the ladder applies to proposals made from then on.",
            Body = typeof(SanctionPolicy),
            BodyExample = """
                { "lookbackMonths": 12, "minorViolationPoints": 1, "majorViolationPoints": 2, "escalationThresholds": [ 1, 3, 5, 7 ],
                  "minorBaseStep": "notice", "majorBaseStep": "writtenWarning", "minorCeilingStep": "fine",
                  "objectionWindowWorkingDays": 10, "suspensionDays": 30, "fineRials": 50000000, "recordMonths": 12 }
                """,
            Responses = Ok<SanctionPolicy>(),
            Query = [Province],
        }),
        // Service requests and ratings
        ["PostRequest"] = Api<IntakeApi>(AccessRule.For(Agency), h => h.Post, new("Post a service request to an office (agency)")
        {
            Description = "Checked against the agency's contract: the service, the county (the office's, countyCode, or the contract's only county) and "
                + "the validity dates (Tehran). Without officeCode the request goes to the county's active office with the least open work, ties to the "
                + "better latest rank (unranked last), then the office code. dueAt is the service's SLA in working hours (Saturday–Wednesday, Thursday as "
                + "configured, Friday and holidays off, Tehran). Idempotency-Key is required; a retry with the same key and body gets the first answer "
                + "(201, same id). The citizen's contact is shown in full only to the sending agency.",
            Body = typeof(PostRequest),
            BodyExample = """{ "contractId": "lr-post-1405", "serviceCode": "parcel", "countyCode": "khorramabad", "externalRef": "P-1405-000123", "citizen": { "nationalId": "0013542419", "mobile": "09121234567" } }""",
            Responses = Created<RequestCreated>(),
            ResponseExample = """{ "id": "kh-0012_0fz8q3m1kd4t7xwa", "officeCode": "kh-0012", "status": "submitted", "dueAt": "2026-11-26T07:30:00+00:00" }""",
            Headers = [new HeaderParameter("Idempotency-Key", "Required: 1–200 visible ASCII characters, unique per request (a UUID). A retry with the same key and body returns the first response; the same key with another body is 422.", Required: true)],
            Errors = new Dictionary<int, string>
            {
                [409] = "No active office in the county can take requests.",
                [422] = "The Idempotency-Key was used with a different body.",
            },
        }),
        ["GetRequest"] = Api<RequestsApi>(AccessRule.For(Role.Admin, Agency, Office), h => h.Get, new("Read a service request with its status history")
        {
            Description = "The sending agency, the office handling it, or an admin of its province. Contact data is masked except for the sending agency.",
            Responses = Ok<RequestView>(),
        }),
        ["ListRequests"] = Api<RequestsApi>(AccessRule.For(Role.Admin, Agency, Office), h => h.List, new("List service requests, newest first")
        {
            Description = "An office lists its own, an agency its own (across the counties of its province), an admin an office's or an agency's in its "
                + "province (officeCode or agencyId required). A status filter on an agency's list may leave a page shorter than pageSize.",
            Responses = Ok<Page<RequestView>>(),
            Query =
            [
                new("officeCode", "An office (admins)."), new("agencyId", "An agency (admins)."), new("status", "submitted, accepted, completed or rejected."),
                new("from", "Created at or after: a Tehran date yyyy-MM-dd or an ISO 8601 time with offset."),
                new("to", "Created at or before: a Tehran date yyyy-MM-dd (the whole day) or an ISO 8601 time with offset."), .. PageParameters,
            ],
        }),
        ["PostRequestEvent"] = Api<RequestsApi>(AccessRule.For(Office), h => h.PostEvent, new("Record an office's step on a request")
        {
            Description = "submitted → accepted → completed | rejected, and submitted → rejected; anything else is 409. at defaults to now and may not be "
                + "in the future or before the previous step. Completion issues a one-time rating token, sent to the citizen (notification requestCompleted). "
                + "Each step is announced to the agency's webhook, if it has one.",
            Body = typeof(PostRequestEvent),
            BodyExample = """{ "type": "completed", "note": "مرسوله تحویل گیرنده شد." }""",
            Responses = Ok<RequestView>(),
            Errors = new Dictionary<int, string> { [409] = "The request's status does not allow this step." },
        }),
        ["PostRating"] = Api<RatingsApi>(AccessRule.Public, h => h.Post, new("Rate a completed service with its one-time token (citizen)")
        {
            Description = "score 1–5, an optional comment of at most 1,000 characters (stored as given). A token works once.",
            Body = typeof(PostRating),
            BodyExample = """{ "token": "kh-0012_0fz8q3m1kd4t7xwa.q2Vd0dD1c8u7o9wR0XnV9O3d6m1yQ2yqz3uCqj3kN1E", "score": 5, "comment": "برخورد کارکنان بسیار محترمانه بود." }""",
            Responses = Created<RatingRecorded>(),
            Errors = new Dictionary<int, string> { [404] = "Unknown token.", [409] = "The token was already used." },
        }),
        ["RotateWebhookSecret"] = Api<Webhooks>(Admin, h => h.RotateSecret, new("Issue (or rotate) an agency's webhook signing secret")
        {
            Description = "The secret is shown only in this answer. Callbacks carry X-Pishkhan-Timestamp and X-Pishkhan-Signature: "
                + "sha256=hex(HMAC-SHA256(secret, \"{timestamp}.{body}\")). Set the URL with PUT /api/agencies/{agencyId} (webhookUrl).",
            NoBody = true,
            Responses = Ok<WebhookSecretIssued>(),
        }),
    };

    public static readonly IReadOnlyDictionary<string, HandlerMethod<QueueHandler>> Queues = new Dictionary<string, HandlerMethod<QueueHandler>>
    {
        ["RankProvince"] = Job<RankingJob, QueueHandler>(h => h.HandleAsync),
        ["ProcessInspection"] = Job<InspectionProcessor, QueueHandler>(h => h.ProcessAsync),
        ["SendNotification"] = Job<NotificationSender, QueueHandler>(h => h.Handle),
        ["SendRequestCallback"] = Job<Webhooks, QueueHandler>(h => h.Send),
    };

    /// <summary>Schedules are on the adapters' attributes (six-field NCRONTAB, UTC; Tehran is UTC+03:30 all year).</summary>
    public static readonly IReadOnlyDictionary<string, HandlerMethod<TimerHandler>> Timers = new Dictionary<string, HandlerMethod<TimerHandler>>
    {
        ["RankingDaily"] = Job<RankingTimer, TimerHandler>(h => h.RunAsync),
        ["ComplaintDeadlines"] = Job<ComplaintDeadlineSweep, TimerHandler>(h => h.RunAsync),
        ["SweepSanctions"] = Job<SanctionsApi, TimerHandler>(h => h.Sweep),
        ["DrawReinspections"] = Job<ReinspectionsApi, TimerHandler>(h => h.DrawClosedMonth),
        ["WeeklyDigest"] = Job<DigestJob, TimerHandler>(h => h.RunAllAsync),
        ["SlaSweep"] = Job<Requests.SlaSweep, TimerHandler>(h => h.Run),
    };

    /// <summary>Every class a handler lives in: the container builds each once (ServiceRegistration).</summary>
    public static IEnumerable<Type> HandlerTypes =>
        Http.Values.Select(f => f.Handler.Type).Concat(Queues.Values.Select(q => q.Type)).Concat(Timers.Values.Select(t => t.Type)).Distinct();

    private static HttpFunction Api<T>(AccessRule access, Func<T, HttpHandler> handler, RouteDoc doc) where T : class =>
        new(access, new HandlerMethod<HttpHandler>(typeof(T), instance => handler((T)instance)), doc);

    private static HandlerMethod<TDelegate> Job<T, TDelegate>(Func<T, TDelegate> handler) where T : class where TDelegate : Delegate =>
        new(typeof(T), instance => handler((T)instance));
}
