using Pishkhan.Agencies;
using Pishkhan.Auth;
using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Complaints;
using Pishkhan.Contracts;
using Pishkhan.Counties;
using Pishkhan.Digests;
using Pishkhan.Health;
using Pishkhan.Http;
using Pishkhan.Inspections;
using Pishkhan.Meetings;
using Pishkhan.Members;
using Pishkhan.Notifications;
using Pishkhan.Offices;
using Pishkhan.RankingPolicy;
using Pishkhan.Rankings;
using Pishkhan.Ratings;
using Pishkhan.Requests;
using Pishkhan.Sanctions;
using Pishkhan.Targets;
using static Pishkhan.OpenApi.Doc;

namespace Pishkhan.OpenApi;

/// <summary>Shared parts of the OpenAPI entries that BindingTable rows carry: route and query parameters.</summary>
public static class ApiDocs
{
    /// <summary>Descriptions of route parameters by name; a parameter not listed gets a generic one.</summary>
    public static readonly IReadOnlyDictionary<string, string> PathParameters = new Dictionary<string, string>
    {
        ["countyCode"] = "County code: 2–40 characters a–z, 0–9 and '-' (Persian digits are accepted and normalised).",
        ["officeCode"] = "Office code: 2–40 characters a–z, 0–9 and '-'.",
        ["agencyId"] = "Agency id: 2–40 characters a–z, 0–9 and '-'.",
        ["contractId"] = "Contract id: 2–40 characters a–z, 0–9 and '-'.",
        ["memberId"] = "Member id: 2–40 characters a–z, 0–9 and '-'.",
        ["keyId"] = "Key id: 16 hexadecimal characters (the part after pk_ in the key).",
        ["date"] = "A Jalali date (1405-01-13) or a Gregorian one (2026-04-02); Persian digits are accepted.",
        ["period"] = "A Solar Hijri month, YYYY-MM (1405-09 is Azar 1405).",
        ["scope"] = "A province code (lorestan) or a county code.",
        ["indicator"] = "A planned indicator: " + TargetIndicators.NameList + ".",
        ["meetingId"] = "Meeting id, as returned when the meeting was recorded.",
        ["decisionId"] = "Decision id, as listed in the meeting.",
        ["trackingCode"] = "The complaint's tracking code (K7MQ-2XHP-R9TC): any case, dashes optional, Persian digits accepted.",
        ["id"] = "An inspection id, {officeCode}.{20-character stamp} (kh-0012.2516067947993c9e1a7f), as answered by POST /api/inspections; "
            + "a sanction proposed after an inspection has the inspection's id.",
        ["requestId"] = "A service request id, {officeCode}_{16 characters} (kh-0012_0fz8q3m1kd4t7xwa), as answered by POST /api/requests.",
        ["version"] = "A checklist version number, 1–999999 (Persian digits accepted); GET also takes \"current\".",
    };

    internal static readonly QueryParameter UnsubscribeToken =
        new("t", "The signed token of the digest's link: {province}.{memberId}.{signature} (HMAC-SHA256, base64url).", Required: true);

}
