using System.Net;
using Pishkhan.Notifications;

namespace Pishkhan.Local;

/// <summary>
/// GET /dev/outbox on the local host only (never in the binding table, so never in the Functions app):
/// lists the .eml files the pickup transport wrote, newest first; /dev/outbox/{file} returns one as
/// message/rfc822. Answers 404 to anything but loopback callers and when SendGrid is configured.
/// </summary>
public static class DevOutbox
{
    public const string Route = "/dev/outbox";

    public static void Map(WebApplication app)
    {
        app.MapGet(Route, (HttpContext context, PickupDirectory pickup, PishkhanSettings settings) =>
            Allowed(context, settings) ? Results.Ok(pickup.List()) : NotFound());
        app.MapGet(Route + "/{file}", (HttpContext context, string file, PickupDirectory pickup, PishkhanSettings settings) =>
            Allowed(context, settings) && pickup.PathOf(file) is { } path ? Results.File(path, "message/rfc822", file) : NotFound());
    }

    private static bool Allowed(HttpContext context, PishkhanSettings settings) =>
        !settings.SendGrid.UsesSendGrid && context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);

    private static IResult NotFound() => TypedResults.Problem(statusCode: 404, title: "Not found.", detail: "No such route.");
}
