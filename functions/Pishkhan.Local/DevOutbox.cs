using System.Net;
using System.Security.Cryptography;
using System.Text;
using Pishkhan.Http;
using Pishkhan.Notifications;

namespace Pishkhan.Local;

/// <summary>
/// GET /dev/outbox on the local host only (never in the binding table, so never in the Functions app):
/// lists the .eml files the pickup transport wrote, newest first; /dev/outbox/{file} returns one as
/// message/rfc822. Answers 404 to anything but loopback callers and when SendGrid is configured, and 401
/// without the bootstrap admin key in X-Api-Key: the mail holds rating tokens and complainants' addresses,
/// and another local process or a browser page must not read them.
/// </summary>
public static class DevOutbox
{
    public const string Route = "/dev/outbox";

    public static void Map(WebApplication app)
    {
        app.MapGet(Route, (HttpContext context, PickupDirectory pickup, PishkhanSettings settings) =>
            Refusal(context, settings) ?? Results.Ok(pickup.List()));
        app.MapGet(Route + "/{file}", (HttpContext context, string file, PickupDirectory pickup, PishkhanSettings settings) =>
            Refusal(context, settings) ?? (pickup.PathOf(file) is { } path ? Results.File(path, "message/rfc822", file) : NotFound()));
    }

    private static IResult? Refusal(HttpContext context, PishkhanSettings settings)
    {
        if (settings.SendGrid.UsesSendGrid || context.Connection.RemoteIpAddress is not { } ip || !IPAddress.IsLoopback(ip)) return NotFound();
        return IsBootstrapKey(context.Request.Headers[HttpGateway.ApiKeyHeader].ToString(), settings.BootstrapAdminKey)
            ? null
            : TypedResults.Problem(statusCode: 401, title: "Unauthorized.", detail: "Send the bootstrap admin key in X-Api-Key.");
    }

    private static bool IsBootstrapKey(string presented, string? bootstrap) =>
        bootstrap is { Length: > 0 } && presented.Length > 0
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(bootstrap)));

    private static IResult NotFound() => TypedResults.Problem(statusCode: 404, title: "Not found.", detail: "No such route.");
}
