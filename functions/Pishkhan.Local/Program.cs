using Pishkhan.Local;
using Pishkhan.Local.Demo;

// The local host: the same handlers as the Functions app, on Kestrel, with queue listeners and a
// timer scheduler that follow the Functions runtime's semantics (see README "Why two hosts").
// --demo seeds an empty store with the demo (./run.sh passes it unless --no-demo).
var demo = args.Contains("--demo");
var app = LocalHost.Build(args.Where(a => a is not ("--demo" or "--no-demo")).ToArray());
await app.StartAsync();
if (demo) await DemoRunner.RunAsync(app);
await app.WaitForShutdownAsync();
