using System.Globalization;
using System.Runtime.Serialization;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Pishkhan.Counties;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Offices;

public static class OfficeStatus
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Revoked = "revoked";
    public static readonly string[] All = [Active, Suspended, Revoked];
}

/// <summary>
/// Offices table: PK = province, RK = officeCode. The province partition serves the admin's list and the
/// ranking; a county filter is a column filter inside it. OpenComplaints and ActiveSanctions are summary
/// columns the complaints and sanctions capabilities keep current; the latest rank is read from the
/// published ranking (two point reads) so a recomputation never has to touch every office.
/// </summary>
public sealed class OfficeEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string Province => PartitionKey;
    [IgnoreDataMember] public string OfficeCode => RowKey;
    public string Name { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public string? Address { get; set; }
    public string? ManagerName { get; set; }
    public string? LicenseNo { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string RegularHours { get; set; } = "";
    public string? ThursdayHours { get; set; }
    public string? AfterHours { get; set; }
    public string Status { get; set; } = OfficeStatus.Active;
    public int OpenComplaints { get; set; }
    public int ActiveSanctions { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember] public bool HasAfterHours => !string.IsNullOrEmpty(AfterHours);
}

public sealed record OpeningHours(string Regular, string? Thursday = null, string? AfterHours = null);

public sealed record PutOffice(string Name, string CountyCode, OpeningHours OpeningHours, string? Address = null, string? ManagerName = null,
    string? LicenseNo = null, string? Phone = null, string? Email = null, string? Status = null);

public sealed record OfficeView(string OfficeCode, string Name, string Province, string CountyCode, string? Address, string? ManagerName,
    string? LicenseNo, string? Phone, string? Email, OpeningHours OpeningHours, bool HasAfterHours, string Status,
    int? LatestRank, string? LatestRankPeriod, int OpenComplaints, int ActiveSanctions, DateTimeOffset UpdatedAt)
{
    public static OfficeView From(OfficeEntity e, int? latestRank = null, string? latestRankPeriod = null) => new(e.OfficeCode, e.Name, e.Province,
        e.CountyCode, e.Address, e.ManagerName, e.LicenseNo, e.Phone, e.Email, new OpeningHours(e.RegularHours, e.ThursdayHours, e.AfterHours),
        e.HasAfterHours, e.Status, latestRank, latestRankPeriod, e.OpenComplaints, e.ActiveSanctions, e.UpdatedAt);
}

public static partial class OfficeRules
{
    /// <summary>
    /// Validates an office's fields (shared by PUT and CSV import). The county must exist in
    /// <paramref name="province"/>; summary columns are not set here.
    /// </summary>
    public static Task<OfficeEntity?> ValidateAsync(FieldErrors errors, string officeCode, string province, PutOffice body,
        CountyStore counties, CancellationToken cancellationToken) =>
        ValidateAsync(errors, officeCode, province, body, counties.FindAsync, cancellationToken);

    /// <summary>The same, with the county looked up by <paramref name="findCounty"/> (the CSV import caches counties).</summary>
    public static async Task<OfficeEntity?> ValidateAsync(FieldErrors errors, string officeCode, string province, PutOffice body,
        Func<string, CancellationToken, Task<CountyEntity?>> findCounty, CancellationToken cancellationToken)
    {
        var name = errors.Name("name", body.Name);
        var countyCode = errors.Code("countyCode", body.CountyCode);
        var address = errors.Text("address", body.Address, 300, required: false);
        var manager = errors.Name("managerName", body.ManagerName, 100, required: false);
        var license = errors.Text("licenseNo", body.LicenseNo is null ? null : Text.PersianText.NormalizeDigits(body.LicenseNo), 40, required: false);
        var phone = errors.Phone("phone", body.Phone);
        var email = errors.Email("email", body.Email);
        var regular = Hours(errors, "openingHours.regular", body.OpeningHours?.Regular, required: true);
        var thursday = Hours(errors, "openingHours.thursday", body.OpeningHours?.Thursday, required: false);
        var afterHours = Hours(errors, "openingHours.afterHours", body.OpeningHours?.AfterHours, required: false);
        // Without a status the office keeps the one it has (a sanction may have suspended it); new offices are active.
        var status = body.Status ?? "";
        if (body.Status is not null && !OfficeStatus.All.Contains(status)) errors.Add("status", "One of active, suspended, revoked.");

        if (countyCode is not null)
        {
            var county = await findCounty(countyCode, cancellationToken);
            if (county is null || county.Province != province) errors.Add("countyCode", "No such county in this province.");
        }
        if (errors.Any) return null;
        return new OfficeEntity
        {
            PartitionKey = province, RowKey = officeCode, Name = name!, CountyCode = countyCode!, Address = address, ManagerName = manager,
            LicenseNo = license, Phone = phone, Email = email, RegularHours = regular!, ThursdayHours = thursday, AfterHours = afterHours,
            Status = status,
        };
    }

    /// <summary>"HH:mm-HH:mm", Tehran time; Persian digits accepted.</summary>
    private static string? Hours(FieldErrors errors, string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(field, "The field is required (e.g. 07:30-14:30).");
            return null;
        }
        var s = Text.PersianText.NormalizeDigits(value).Trim();
        var m = HoursPattern().Match(s);
        if (m.Success && TimeOnly.TryParseExact(m.Groups[1].Value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            && TimeOnly.TryParseExact(m.Groups[2].Value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to) && from < to)
            return s;
        errors.Add(field, "Use HH:mm-HH:mm with the start before the end.");
        return null;
    }

    [GeneratedRegex(@"^((?:[01]\d|2[0-3]):[0-5]\d)-((?:[01]\d|2[0-3]):[0-5]\d)$")]
    private static partial Regex HoursPattern();
}
