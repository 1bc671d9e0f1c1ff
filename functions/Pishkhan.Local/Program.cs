using Pishkhan.Local;

// The local host: the same handlers as the Functions app, on Kestrel, with queue listeners and a
// timer scheduler that follow the Functions runtime's semantics (see README "Local host").
var app = LocalHost.Build(args);
await app.RunAsync();
