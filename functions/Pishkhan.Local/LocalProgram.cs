using Pishkhan.Local.Demo;

namespace Pishkhan.Local;

/// <summary>
/// What `dotnet run` (./run.sh) does, callable from tests: with --demo, seeds the demo first in a private host
/// (<see cref="DemoRunner.SeedPrivatelyAsync"/>: its own clock, never the public one), then builds and starts the
/// public host. A demo that fails (storage gone, a refused call) is logged and reported, and the public host
/// starts anyway.
/// </summary>
public static class LocalProgram
{
    public sealed record Started(WebApplication App, DemoOutcome? Demo);

    public static async Task<Started> StartAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var hostArgs = args.Where(a => a is not ("--demo" or "--no-demo")).ToArray();
        var demo = args.Contains("--demo") ? await DemoRunner.SeedPrivatelyAsync(hostArgs, configure, cancellationToken) : null;
        var app = LocalHost.Build(hostArgs, configure);
        await app.StartAsync(cancellationToken);
        return new Started(app, demo);
    }
}
