using Pishkhan;
using Pishkhan.Local;
using Pishkhan.Local.Demo;
using Pishkhan.PublicSite;

// The local host: the same handlers as the Functions app, on Kestrel, with queue listeners and a
// timer scheduler that follow the Functions runtime's semantics (see README "Why two hosts").
// --demo seeds an empty store with the demo (./run.sh passes it unless --no-demo), in a private host with
// its own clock, before this host listens (LocalProgram, Demo/DemoRunner).
var (app, demo) = await LocalProgram.StartAsync(args);
var siteUrl = await PublishSiteAsync(app, announce: demo is null);
if (demo is not null)
    await DemoRunner.PrintAsync(demo, app.Urls.First(), siteUrl,
        Path.GetFullPath(app.Configuration["Pishkhan:Outbox:PickupDirectory"] ?? Path.Combine(".local", "outbox")));
await app.WaitForShutdownAsync();

// The public site, with config.js pointing at the address this host listens on, once storage (and so $web) is there.
// Its address is printed here, or in the demo's summary when there is one.
static async Task<string?> PublishSiteAsync(WebApplication app, bool announce)
{
    try
    {
        await app.Services.GetServices<IHostedService>().OfType<StorageInitializer>().Single().Ready.WaitAsync(TimeSpan.FromMinutes(1));
        var site = await app.Services.GetRequiredService<SitePublisher>().PublishAsync(app.Urls.First() + "/api");
        if (announce) Console.WriteLine($"  site           {site.SiteUrl}/index.html");
        return site.SiteUrl;
    }
    catch (Exception e) when (e is TimeoutException or Azure.RequestFailedException)
    {
        Console.WriteLine($"  site           not published ({e.GetType().Name}): is storage running?");
        return null;
    }
}
