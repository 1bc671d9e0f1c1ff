// Reference surface (test-only, never ships): package Microsoft.Azure.Functions.Worker.OpenTelemetry.
// Upstream path: src/DotNetWorker.OpenTelemetry/ConfigureFunctionsOpenTelemetry.cs. Older releases take and
// return the concrete OpenTelemetryBuilder, newer ones IOpenTelemetryBuilder; Program.cs passes an
// OpenTelemetryBuilder, which compiles against both. The real method tells the host that the worker
// exports its own telemetry and adds the Functions resource detector; here it only returns the builder.

using OpenTelemetry;

namespace Microsoft.Azure.Functions.Worker.OpenTelemetry
{
    public static class ConfigureFunctionsOpenTelemetry
    {
        public static IOpenTelemetryBuilder UseFunctionsWorkerDefaults(this IOpenTelemetryBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            return builder;
        }
    }
}
