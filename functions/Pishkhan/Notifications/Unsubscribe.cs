using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pishkhan.Http;
using Pishkhan.Members;
using Pishkhan.Notifications.Templates;
using Pishkhan.Problems;
using Pishkhan.Storage;
using Pishkhan.Text;

namespace Pishkhan.Notifications;

/// <summary>
/// One-click unsubscribe links for digests: /api/unsubscribe?t={province}.{memberId}.{signature}, the
/// signature an HMAC-SHA256 (first 128 bits, base64url) of province and member under
/// Pishkhan:UnsubscribeSigningKey. The token holds only codes and the signature, so the same URL is safe
/// in HTML, in plain text and in the List-Unsubscribe header. Changing the key voids every link sent.
/// </summary>
public sealed class UnsubscribeLinks(PishkhanSettings settings)
{
    private readonly byte[]? _key = settings.UnsubscribeSigningKey is { } k ? Encoding.UTF8.GetBytes(k) : null;

    public bool IsConfigured => _key is not null;

    public string Token(string province, string memberId) => $"{province}.{memberId}.{Signature(province, memberId)}";

    public string Url(string province, string memberId) => $"{settings.PublicBaseUrl.TrimEnd('/')}/api/unsubscribe?t={Token(province, memberId)}";

    /// <summary>A digest recipient: the unsubscribe URL as a substitution for the footer link, and RFC 2369/8058 headers.</summary>
    public MailRecipient Recipient(string notificationId, MailAddress to, string province, string memberId)
    {
        if (!IsConfigured) throw new TemplateDataException("digest: Pishkhan:UnsubscribeSigningKey is not set.");
        var url = Url(province, memberId);
        return new MailRecipient(notificationId, to,
            new Dictionary<string, string> { [Substitution.UnsubscribeUrl] = url },
            new Dictionary<string, string> { ["List-Unsubscribe"] = $"<{url}>", ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" });
    }

    public bool TryVerify(string? token, out string province, out string memberId)
    {
        province = memberId = "";
        if (_key is null || token is null) return false;
        var parts = token.Split('.');
        if (parts.Length != 3 || !Provinces.IsKnown(parts[0]) || !Codes.TryNormalize(parts[1], out var member) || member != parts[1]) return false;
        var expected = Encoding.ASCII.GetBytes(Signature(parts[0], parts[1]));
        var given = Encoding.ASCII.GetBytes(parts[2]);
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) return false;
        (province, memberId) = (parts[0], parts[1]);
        return true;
    }

    private string Signature(string province, string memberId)
    {
        if (_key is null) throw new InvalidOperationException("Pishkhan:UnsubscribeSigningKey is not set.");
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"pishkhan-unsubscribe\n{province}\n{memberId}"));
        return Base64Url.EncodeToString(mac.AsSpan(0, 16));
    }
}

/// <summary>The answer to POST /api/unsubscribe: "unsubscribed", or "alreadyUnsubscribed" (also for a member since removed).</summary>
public sealed record UnsubscribeResult(string Status);

public sealed class UnsubscribeApi(UnsubscribeLinks unsubscribeLinks, TimeProvider clock, Store store, ILoggerFactory loggerFactory)
{
    /// <summary>GET /api/unsubscribe?t= — the link in the digest's footer: unsubscribes at once and says so in a small page.</summary>
    public async Task<IResult> Get(ApiRequest request)
    {
        await UnsubscribeAsync(request);
        request.Http.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(Page, "text/html; charset=utf-8");
    }

    /// <summary>POST /api/unsubscribe?t= — RFC 8058 one-click (List-Unsubscribe-Post); the body is not needed and not read.</summary>
    public async Task<IResult> Post(ApiRequest request) => TypedResults.Ok(new UnsubscribeResult(await UnsubscribeAsync(request)));

    private async Task<string> UnsubscribeAsync(ApiRequest request)
    {
        var token = request.Query("t");
        if (!unsubscribeLinks.TryVerify(token, out var province, out var memberId))
            throw Problem.Field("t", "The unsubscribe link is not valid.");
        var changed = false;
        var now = clock.GetUtcNow();
        await store.Table(Tables.Members).UpdateWithRetryAsync<MemberEntity>(province, memberId, member =>
        {
            changed = false;
            if (member is null || !member.Digest) return null;
            member.Digest = false;
            member.UpdatedAt = now;
            changed = true;
            return member;
        }, request.CancellationToken);
        if (changed)
            loggerFactory.CreateLogger(typeof(UnsubscribeApi))
                .LogInformation("Member {MemberId} of {Province} unsubscribed from digests", memberId, province);
        return changed ? "unsubscribed" : "alreadyUnsubscribed";
    }

    private static readonly string Page = new MailBuilder()
        .Heading("دریافت گزارش هفتگی لغو شد")
        .Paragraph("از این پس گزارش هفتگی کارگروه دفاتر پیشخوان برای شما فرستاده نمی‌شود.")
        .Paragraph("اگر این کار به اشتباه انجام شده است، از دبیرخانه‌ی کارگروه بخواهید دریافت گزارش را دوباره برای شما فعال کند.")
        .Build("لغو دریافت گزارش هفتگی", [], "کارگروه دفاتر پیشخوان خدمات دولت").Html;
}
