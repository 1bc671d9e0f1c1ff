using System.Globalization;
using Pishkhan.Contracts;
using Pishkhan.Offices;
using Pishkhan.Problems;

namespace Pishkhan.Requests;

/// <summary>What a contract allows: its service, its counties, its validity dates (Tehran, inclusive).</summary>
public static class ContractRules
{
    /// <summary>
    /// Checks a request against the agency's contract; adds field errors and returns the contracted
    /// service (null when the request is not covered). <paramref name="countyCode"/> is the county the
    /// request will be served in (the office's county, or the one the agency named).
    /// </summary>
    public static ContractService? Check(FieldErrors errors, ContractEntity? contract, string agencyId, string serviceCode,
        string? countyCode, string countyField, DateOnly today)
    {
        if (contract is null || contract.AgencyId != agencyId)
        {
            errors.Add("contractId", "No such contract of your agency.");
            return null;
        }
        if (today < contract.From || today > contract.To)
            errors.Add("contractId", $"The contract is valid from {contract.ValidFrom} to {contract.ValidTo} (Tehran dates); today is {today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.");
        var service = contract.Services.FirstOrDefault(s => s.ServiceCode == serviceCode);
        if (service is null) errors.Add("serviceCode", "The contract does not include this service.");
        if (countyCode is not null && !contract.CountyCodes.Contains(countyCode))
            errors.Add(countyField, "The contract does not cover this county.");
        return errors.Any ? null : service;
    }

    /// <summary>Without officeCode or countyCode, a contract for exactly one county names it.</summary>
    public static string? DefaultCounty(ContractEntity contract) => contract.CountyCodes.Count == 1 ? contract.CountyCodes[0] : null;
}

public sealed record OfficeCandidate(string OfficeCode, string Status, int? LatestRank, int OpenWork);

/// <summary>
/// Routing rule for a request without officeCode: among the ACTIVE offices of the county, the one with
/// the least open work (submitted + accepted requests); ties go to the better (smaller) latest rank, an
/// unranked office counting as worst; remaining ties to the smaller office code (ordinal). Deterministic,
/// so the same inputs always give the same office.
/// </summary>
public static class Routing
{
    public static string? Choose(IEnumerable<OfficeCandidate> offices) =>
        offices.Where(o => o.Status == OfficeStatus.Active)
            .OrderBy(o => o.OpenWork)
            .ThenBy(o => o.LatestRank ?? int.MaxValue)
            .ThenBy(o => o.OfficeCode, StringComparer.Ordinal)
            .FirstOrDefault()?.OfficeCode;
}

public enum RequestEventType { Accepted, Completed, Rejected }

/// <summary>The lifecycle: submitted → accepted → completed | rejected, and submitted → rejected.</summary>
public static class Transitions
{
    public static bool IsAllowed(string from, RequestEventType to) => (from, to) switch
    {
        (RequestStatus.Submitted, RequestEventType.Accepted) => true,
        (RequestStatus.Accepted, RequestEventType.Completed) => true,
        (RequestStatus.Accepted, RequestEventType.Rejected) => true,
        (RequestStatus.Submitted, RequestEventType.Rejected) => true,
        _ => false,
    };

    public static string StatusAfter(RequestEventType type) => type switch
    {
        RequestEventType.Accepted => RequestStatus.Accepted,
        RequestEventType.Completed => RequestStatus.Completed,
        RequestEventType.Rejected => RequestStatus.Rejected,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
