using System.Net;
using System.Net.Sockets;
using Pishkhan.Problems;

namespace Pishkhan.Requests;

/// <summary>
/// Where an agency's webhook may point. Outside Development: https only, and every address the host resolves
/// to must be public: no private (10/8, 172.16/12, 192.168/16), loopback, link-local (169.254/16, the cloud
/// metadata address included), CGNAT (100.64/10), unspecified, multicast, reserved or documentation ranges,
/// nor their IPv6 equivalents (::1, fc00::/7, fe80::/10, IPv4-mapped, NAT64 and 6to4 forms of those).
/// Numeric hosts in any form (2130706433, 127.1, 0x7f.1) are read as the address they name.
/// Checked twice: when the URL is registered (PUT /api/agencies/{id}, 400 on webhookUrl) and when a callback
/// connects (<see cref="ConnectAsync"/> as the handler's ConnectCallback), so a name that later resolves
/// elsewhere (DNS rebinding) still cannot reach an internal address.
/// In Development (<see cref="PishkhanSettings.AllowLoopbackWebhooks"/>, the local host's default) loopback
/// targets are allowed over http too, for local receivers and tests; everything else is checked the same.
/// </summary>
public sealed class WebhookTargets(PishkhanSettings settings, IWebhookResolver resolver)
{
    public const int MaxLength = 500;

    public bool AllowLoopback { get; } = settings.AllowLoopbackWebhooks;

    /// <summary>Validates a URL sent by an admin; returns the normalised URL or null (with a field error).</summary>
    public async Task<string?> ValidateAsync(FieldErrors errors, string field, string? value, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > MaxLength || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo)
            || uri.Fragment.Length > 0 || Text.PersianText.HasForbiddenCharacters(value, allowNewlines: false))
        {
            errors.Add(field, $"An absolute https URL without user info or fragment, at most {MaxLength} characters.");
            return null;
        }
        var refusal = RefuseUrl(uri);
        if (refusal is null)
        {
            // A name that does not resolve now is accepted: delivery checks every address again at connect time.
            IPAddress[] addresses;
            try
            {
                addresses = await resolver.ResolveAsync(uri.IdnHost, cancellationToken);
            }
            catch (SocketException)
            {
                addresses = [];
            }
            refusal = addresses.Select(RefuseAddress).FirstOrDefault(r => r is not null);
        }
        if (refusal is null) return uri.AbsoluteUri;
        errors.Add(field, refusal);
        return null;
    }

    /// <summary>Why a URL may not be a webhook target, judged without DNS (scheme, numeric host); null if it may.</summary>
    public string? RefuseUrl(Uri uri)
    {
        var address = NumericHost(uri);
        var loopback = address is not null ? IPAddress.IsLoopback(Unwrap(address)) : uri.IsLoopback;
        if (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && AllowLoopback && loopback))
            return address is null ? null : RefuseAddress(address);
        return AllowLoopback ? "Only https URLs (http only to a loopback host in Development)." : "Only https URLs.";
    }

    /// <summary>Why a callback may not connect to this address; null if it may.</summary>
    public string? RefuseAddress(IPAddress address)
    {
        var a = Unwrap(address);
        if (AllowLoopback && IPAddress.IsLoopback(a)) return null;
        var kind = Classify(a);
        return kind is null ? null : $"The host resolves to {a} ({kind}); webhooks go to public addresses only.";
    }

    /// <summary>
    /// The ConnectCallback of the callback client: resolves the host itself, refuses if any address is not a
    /// permitted target, and connects to the first one (so what was checked is what is connected to).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await resolver.ResolveAsync(host, cancellationToken);
        if (addresses.Length == 0) throw new WebhookTargetRefusedException($"The host {host} has no address.");
        foreach (var address in addresses)
            if (RefuseAddress(address) is { } refusal) throw new WebhookTargetRefusedException(refusal);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(addresses[0], context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The address a numeric host names, in any of the forms resolvers accept (decimal, short, hex, octal); null for a name.</summary>
    public static IPAddress? NumericHost(Uri uri)
    {
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6) return IPAddress.Parse(uri.Host.Trim('[', ']'));
        // IPAddress.TryParse follows inet_aton: "2130706433", "127.1" and "0x7f.1" are all 127.0.0.1.
        return IPAddress.TryParse(uri.Host, out var address) ? address : null;
    }

    private static IPAddress Unwrap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The kind of non-public range an address is in, or null for a public address.</summary>
    public static string? Classify(IPAddress address)
    {
        address = Unwrap(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => "unspecified",
                10 => "private",
                127 => "loopback",
                100 when (b[1] & 0xC0) == 64 => "carrier-grade NAT",
                169 when b[1] == 254 => "link-local or metadata",
                172 when (b[1] & 0xF0) == 16 => "private",
                192 when b[1] == 168 => "private",
                192 when b[1] == 0 && b[2] is 0 or 2 => "reserved",
                198 when (b[1] & 0xFE) == 18 => "reserved",
                198 when b[1] == 51 && b[2] == 100 => "reserved",
                203 when b[1] == 0 && b[2] == 113 => "reserved",
                >= 224 and <= 239 => "multicast",
                >= 240 => "reserved",
                _ => null,
            };
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return "not an IP address";
        var v6 = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any)) return "unspecified";
        if (address.Equals(IPAddress.IPv6Loopback)) return "loopback";
        if ((v6[0] & 0xFE) == 0xFC) return "private";
        if (v6[0] == 0xFE && (v6[1] & 0xC0) == 0x80) return "link-local";
        if (v6[0] == 0xFE && (v6[1] & 0xC0) == 0xC0) return "site-local";
        if (v6[0] == 0xFF) return "multicast";
        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0D && v6[3] == 0xB8) return "documentation";
        // IPv4 inside IPv6: compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:a.b.c.d::) judged by the IPv4 address.
        if (v6.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return Classify(new IPAddress(v6.AsSpan(12, 4))) ?? "IPv4-compatible";
        if (v6[0] == 0 && v6[1] == 0x64 && v6[2] == 0xFF && v6[3] == 0x9B && v6.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return Classify(new IPAddress(v6.AsSpan(12, 4)));
        if (v6[0] == 0x20 && v6[1] == 0x02) return Classify(new IPAddress(v6.AsSpan(2, 4)));
        return null;
    }
}

/// <summary>Name resolution, replaceable in tests (a name that answers one address at registration and another at delivery).</summary>
public interface IWebhookResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class DnsWebhookResolver : IWebhookResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>A callback target refused at connect time: permanent, so the queue does not retry it.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
