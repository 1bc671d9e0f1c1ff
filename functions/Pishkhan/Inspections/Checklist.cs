using System.Globalization;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;
using Pishkhan.Text;

namespace Pishkhan.Inspections;

[JsonConverter(typeof(CamelCaseEnumConverter<ChecklistCategory>))]
public enum ChecklistCategory
{
    TariffsAndReceipts,
    Transparency,
    StaffConduct,
    TrainingCertificates,
    OpeningHours,
    PremisesAndQueueing,
    DataPrivacy,
    LicenceDisplay,
}

/// <summary>One checklist item: what the inspector checks, how much it weighs, and whether failing it is a major violation.</summary>
public sealed record ChecklistItem(string Code, string Text, ChecklistCategory Category, int Weight, bool Critical = false);

/// <summary>A checklist version. Province is null for the built-in national default (version 1).</summary>
public sealed record ChecklistTemplate(int Version, string? Province, IReadOnlyList<ChecklistItem> Items, DateTimeOffset? CreatedAt = null)
{
    [JsonIgnore] public IReadOnlyDictionary<string, ChecklistItem> ByCode { get; } = Items.ToDictionary(i => i.Code, StringComparer.Ordinal);
}

/// <summary>PUT /api/inspection-templates/{version}: the full item list of a new version.</summary>
public sealed record PutChecklistTemplate(IReadOnlyList<ChecklistItem> Items);

public static class ChecklistRules
{
    public const int MaxItems = 60;
    public const int MaxWeight = 10;
    public const int MaxTextLength = 300;

    /// <summary>Validates and normalises a template's items (codes lower-cased, Arabic ي/ك in the text written the Persian way).</summary>
    public static List<ChecklistItem>? Validate(FieldErrors errors, IReadOnlyList<ChecklistItem>? items)
    {
        if (items is null || items.Count == 0) { errors.Add("items", "At least one item is required."); return null; }
        if (items.Count > MaxItems) { errors.Add("items", $"At most {MaxItems} items."); return null; }
        var result = new List<ChecklistItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var field = $"items[{i}]";
            if (item is null) { errors.Add(field, "An item is required."); continue; }
            var code = errors.Code($"{field}.code", item.Code);
            if (code is not null && !seen.Add(code)) errors.Add($"{field}.code", "Duplicate code.");
            var text = errors.Name($"{field}.text", item.Text, MaxTextLength);
            if (!Enum.IsDefined(item.Category)) errors.Add($"{field}.category", "Unknown category.");
            if (item.Weight is < 1 or > MaxWeight) errors.Add($"{field}.weight", $"A whole number from 1 to {MaxWeight}.");
            if (code is not null && text is not null) result.Add(item with { Code = code, Text = text });
        }
        return errors.Any ? null : result;
    }

    /// <summary>"current" or a version number (Persian digits accepted); 400 otherwise.</summary>
    public static int? ParseVersion(string raw, bool allowCurrent)
    {
        if (allowCurrent && raw == "current") return null;
        var s = PersianText.NormalizeDigits(raw);
        return s.Length is >= 1 and <= 6 && s.All(char.IsAsciiDigit) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1
            ? v
            : throw Problem.Field("version", allowCurrent ? "'current' or a version number from 1 to 999999." : "A version number from 1 to 999999.");
    }
}

/// <summary>
/// The built-in national checklist (version 1): what a Pishkhan inspection checks. A province that wants
/// its own checklist PUTs version 2 or later; until then its inspectors use this one.
/// </summary>
public static class DefaultChecklist
{
    public const int Version = 1;

    public static ChecklistTemplate Template { get; } = new(Version, null,
    [
        new("tariff-list-displayed", "فهرست تعرفه‌های مصوب خدمات در محلی قابل رؤیت برای مراجعان نصب شده است.", ChecklistCategory.TariffsAndReceipts, 3),
        new("receipt-every-fee", "برای هر وجه دریافتی رسید رسمی (چاپی یا الکترونیکی) به مراجع داده می‌شود.", ChecklistCategory.TariffsAndReceipts, 4, Critical: true),
        new("no-extra-charges", "وجهی بیش از تعرفه مصوب یا با عنوان غیرمجاز از مراجعان دریافت نمی‌شود.", ChecklistCategory.TariffsAndReceipts, 5, Critical: true),
        new("card-payment-accepted", "کارت‌خوان فعال است و پرداخت الکترونیکی پذیرفته می‌شود.", ChecklistCategory.TariffsAndReceipts, 2),
        new("services-recorded", "همه خدمات ارائه‌شده و وجوه دریافتی در سامانه ثبت می‌شود.", ChecklistCategory.TariffsAndReceipts, 3),
        new("complaint-channel-posted", "شماره تلفن رسیدگی به شکایات و نشانی سامانه پیگیری در دید مراجعان نصب شده است.", ChecklistCategory.Transparency, 2),
        new("service-list-posted", "فهرست خدمات قابل ارائه در دفتر و مدارک لازم هر خدمت اطلاع‌رسانی شده است.", ChecklistCategory.Transparency, 2),
        new("tracking-code-given", "به مراجع کد رهگیری و زمان تقریبی انجام درخواست اعلام می‌شود.", ChecklistCategory.Transparency, 2),
        new("staff-id-badges", "همه کارکنان کارت شناسایی عکس‌دار با نام و سمت را در معرض دید دارند.", ChecklistCategory.StaffConduct, 3),
        new("staff-authorised", "همه کارکنان حاضر در دفتر در فهرست کارکنان مجاز دفتر ثبت شده‌اند.", ChecklistCategory.StaffConduct, 4, Critical: true),
        new("courteous-conduct", "رفتار کارکنان با مراجعان محترمانه و بدون تبعیض است.", ChecklistCategory.StaffConduct, 3),
        new("no-intermediaries", "فعالیت واسطه یا دلال در دفتر و پیرامون آن مشاهده نشد.", ChecklistCategory.StaffConduct, 4, Critical: true),
        new("training-certificates-valid", "گواهی آموزشی معتبر و منقضی‌نشده همه کارکنان در دفتر موجود است.", ChecklistCategory.TrainingCertificates, 3),
        new("manager-present", "مدیر مسئول یا جانشین معرفی‌شده او در ساعات کاری در دفتر حاضر است.", ChecklistCategory.TrainingCertificates, 2),
        new("opening-hours-posted", "ساعات کار عادی و خارج از وقت اداری دفتر در ورودی نصب شده است.", ChecklistCategory.OpeningHours, 2),
        new("opening-hours-kept", "دفتر در ساعات اعلام‌شده باز است و خدمت ارائه می‌دهد.", ChecklistCategory.OpeningHours, 4),
        new("after-hours-as-declared", "خدمات خارج از وقت اداری مطابق آنچه دفتر اعلام کرده ارائه می‌شود.", ChecklistCategory.OpeningHours, 3),
        new("queue-system-working", "سامانه نوبت‌دهی فعال است و نوبت مراجعان رعایت می‌شود.", ChecklistCategory.PremisesAndQueueing, 3),
        new("waiting-area", "فضای انتظار مناسب با صندلی کافی برای مراجعان فراهم است.", ChecklistCategory.PremisesAndQueueing, 1),
        new("accessibility", "دسترسی افراد دارای معلولیت و سالمندان به محل خدمت فراهم است.", ChecklistCategory.PremisesAndQueueing, 2),
        new("signage-and-cleanliness", "تابلوی رسمی دفتر نصب شده و محیط دفتر پاکیزه و ایمن است.", ChecklistCategory.PremisesAndQueueing, 1),
        new("documents-kept-private", "مدارک و اطلاعات هویتی مراجعان در دید دیگران قرار نمی‌گیرد و بدون ضرورت نگهداری نمی‌شود.", ChecklistCategory.DataPrivacy, 4, Critical: true),
        new("personal-passwords", "رایانه‌ها با گذرواژه شخصی محافظت می‌شوند و گذرواژه سامانه‌ها در اختیار دیگران نیست.", ChecklistCategory.DataPrivacy, 3),
        new("secure-disposal", "اسناد حاوی اطلاعات شخصی پیش از دورریختن امحا می‌شوند.", ChecklistCategory.DataPrivacy, 2),
        new("licence-displayed", "پروانه فعالیت دفتر در محلی قابل رؤیت نصب شده است.", ChecklistCategory.LicenceDisplay, 3),
        new("licence-valid", "پروانه فعالیت دفتر معتبر است و خدمتی خارج از حدود مجوز ارائه نمی‌شود.", ChecklistCategory.LicenceDisplay, 5, Critical: true),
    ]);
}

/// <summary>
/// InspectionTemplates table: PK = province, RK = inverted version (999999 − version, six digits) so the
/// newest version is the first row of the partition. Columns: Version, ItemsJson, CreatedAt, CreatedBy (key id).
/// Versions are immutable: inspections name the version they were scored against.
/// </summary>
public sealed class ChecklistTemplateEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Province => PartitionKey;
    public int Version { get; set; }
    public string ItemsJson { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";

    public static string RowKeyFor(int version) => (999999 - version).ToString("D6", CultureInfo.InvariantCulture);

    public ChecklistTemplate ToTemplate() =>
        new(Version, Province, JsonSerializer.Deserialize<List<ChecklistItem>>(ItemsJson, Json.Options)!, CreatedAt);
}

public sealed class ChecklistStore(Store store) : IDisposable
{
    // Versions never change once written, so a found version is cached without expiry; only found versions
    // are kept, and at most CacheSize of them (MemoryCache with SizeLimit: the rest are read again).
    public const int CacheSize = 1_000;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheSize });
    public TableClient Table { get; } = store.Table(Tables.InspectionTemplates);

    /// <summary>The province's newest version, or the national default when it has none.</summary>
    public async Task<ChecklistTemplate> CurrentAsync(string province, CancellationToken cancellationToken)
    {
        var (items, _) = await Table.PageAsync<ChecklistTemplateEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {province}"), 1, null, cancellationToken);
        return items.Count == 0 ? DefaultChecklist.Template : items[0].ToTemplate();
    }

    public async Task<ChecklistTemplate?> GetAsync(string province, int version, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue((province, version), out ChecklistTemplate? cached)) return cached;
        var entity = await Table.GetOrNullAsync<ChecklistTemplateEntity>(province, ChecklistTemplateEntity.RowKeyFor(version), cancellationToken);
        var template = entity?.ToTemplate() ?? (version == DefaultChecklist.Version ? DefaultChecklist.Template : null);
        if (template is not null) _cache.Set((province, version), template, new MemoryCacheEntryOptions { Size = 1 });
        return template;
    }

    /// <summary>Adds a version; true when added, false when that version exists with the same items (a retry).</summary>
    public async Task<bool> AddAsync(string province, int version, IReadOnlyList<ChecklistItem> items, string createdBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(province, cancellationToken);
        var json = JsonSerializer.Serialize(items, Json.Options);
        var existing = version == DefaultChecklist.Version ? DefaultChecklist.Template : await GetAsync(province, version, cancellationToken);
        if (existing is not null)
            return JsonSerializer.Serialize(existing.Items, Json.Options) == json
                ? false
                : throw Problem.Conflict($"Version {version} exists with other items; versions are immutable, PUT version {current.Version + 1}.");
        if (version <= current.Version) throw Problem.Conflict($"The current version is {current.Version}; a new version must be greater.");
        var entity = new ChecklistTemplateEntity
        {
            PartitionKey = province, RowKey = ChecklistTemplateEntity.RowKeyFor(version), Version = version, ItemsJson = json,
            CreatedAt = now, CreatedBy = createdBy,
        };
        if (await Table.TryAddAsync(entity, cancellationToken)) return true;
        // A concurrent PUT of the same version: equal items is a retry, anything else a conflict.
        return await AddAsync(province, version, items, createdBy, now, cancellationToken);
    }

    public void Dispose() => _cache.Dispose();
}

public sealed class ChecklistApi(ChecklistStore checklistStore, TimeProvider clock)
{
    /// <summary>GET /api/inspection-templates/{version}: "current" or a number; ?province= for callers of every province.</summary>
    public async Task<IResult> Get(ApiRequest request)
    {
        var version = ChecklistRules.ParseVersion(request.RouteValue("version"), allowCurrent: true);
        var province = InspectionScope.Province(request);
        var store = checklistStore;
        var template = version is null
            ? await store.CurrentAsync(province, request.CancellationToken)
            : await store.GetAsync(province, version.Value, request.CancellationToken);
        return template is null ? throw Problem.NotFound("checklist version") : TypedResults.Ok(template);
    }

    public async Task<IResult> Put(ApiRequest request)
    {
        var version = ChecklistRules.ParseVersion(request.RouteValue("version"), allowCurrent: false)!.Value;
        var body = await request.ReadJsonAsync<PutChecklistTemplate>();
        var province = InspectionScope.Province(request);
        var errors = new FieldErrors();
        var items = ChecklistRules.Validate(errors, body.Items);
        errors.ThrowIfAny();
        request.Demand(new ResourceScope(province));
        var store = checklistStore;
        var added = await store.AddAsync(province, version, items!, request.Caller.KeyId, clock.GetUtcNow(), request.CancellationToken);
        var template = (await store.GetAsync(province, version, request.CancellationToken))!;
        return added ? TypedResults.Created($"/api/inspection-templates/{version}", template) : TypedResults.Ok(template);
    }
}

public static class InspectionScope
{
    /// <summary>The caller's province, or ?province= for the bootstrap admin (every province).</summary>
    public static string Province(ApiRequest request)
    {
        if (request.Caller.Province is { } p) return p;
        var errors = new FieldErrors();
        var province = errors.Province("province", request.Query("province"));
        errors.ThrowIfAny();
        return province!;
    }
}
