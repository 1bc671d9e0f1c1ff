using Pishkhan.Text;

namespace Pishkhan.Requests;

/// <summary>The citizen's contact (each optional). Shown in full only to the agency that sent the request.</summary>
public sealed record CitizenContact(string? NationalId = null, string? Mobile = null, string? Email = null)
{
    public CitizenContact Masked() => new(
        NationalId is null ? null : Mask.NationalId(NationalId),
        Mobile is null ? null : Mask.Mobile(Mobile),
        Email is null ? null : Mask.Email(Email));
}

/// <summary>POST /api/requests (agency key, header Idempotency-Key required).</summary>
public sealed record PostRequest(string ContractId, string ServiceCode, string ExternalRef, CitizenContact Citizen,
    string? OfficeCode = null, string? CountyCode = null);

/// <summary>201 answer of POST /api/requests; a retry with the same key and body gets the same one.</summary>
public sealed record RequestCreated(string Id, string OfficeCode, string Status, DateTimeOffset DueAt);

/// <summary>POST /api/requests/{id}/events (office key). <c>at</c> defaults to now; it may not be in the future or before the previous event.</summary>
public sealed record PostRequestEvent(RequestEventType Type, DateTimeOffset? At = null, string? Note = null);

public sealed record RatingView(int Score, string? Comment, DateTimeOffset RatedAt);

public sealed record RequestView(string Id, string AgencyId, string ContractId, string ServiceCode, string ServiceName, string ExternalRef,
    string OfficeCode, string CountyCode, string Province, string Status, bool Breached, int SlaHours, DateTimeOffset CreatedAt,
    DateTimeOffset DueAt, DateTimeOffset? ClosedAt, CitizenContact Citizen, bool CitizenMasked, IReadOnlyList<StatusChange> History,
    RatingView? Rating)
{
    /// <summary>Contact data in full only for the agency that sent the request.</summary>
    public static RequestView From(RequestRow r, bool fullContact)
    {
        var citizen = new CitizenContact(r.NationalId, r.Mobile, r.Email);
        return new RequestView(r.RequestId, r.AgencyId, r.ContractId, r.ServiceCode, r.ServiceName, r.ExternalRef, r.OfficeCode, r.CountyCode,
            r.Province, r.Status, r.Breached, r.SlaHours, r.CreatedAt, r.DueAt, r.ClosedAt, fullContact ? citizen : citizen.Masked(), !fullContact,
            r.History(), r.RatedAt is { } at ? new RatingView(r.RatingScore ?? 0, r.RatingComment, at) : null);
    }
}

/// <summary>POST /api/ratings (public): the one-time token from the completion message.</summary>
public sealed record PostRating(string Token, int Score, string? Comment = null);

public sealed record RatingRecorded(int Score, DateTimeOffset RatedAt);

/// <summary>The body POSTed to an agency's webhook; <c>eventId</c> is unique per status change (receivers dedupe on it).</summary>
public sealed record RequestCallback(string EventId, string RequestId, string ExternalRef, string OfficeCode, string Status, string What,
    DateTimeOffset At, DateTimeOffset DueAt, bool Breached);

/// <summary>The queue message of request-callbacks: which history entry to announce.</summary>
public sealed record CallbackMessage(string RequestId, int Seq);

/// <summary>POST /api/agencies/{agencyId}/webhook-secret (admin): a new signing secret, shown only in this answer.</summary>
public sealed record WebhookSecretIssued(string AgencyId, string Secret, DateTimeOffset IssuedAt, string? WebhookUrl);
