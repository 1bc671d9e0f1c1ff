using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using Pishkhan;
using Pishkhan.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddPishkhan(builder.Configuration);
// Exports to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set; host.json's telemetryMode
// "OpenTelemetry" makes the host leave the worker's logs to the worker (no duplicates).
builder.Services.AddPishkhanTelemetry(builder.Configuration)?.UseFunctionsWorkerDefaults();
builder.Build().Run();
