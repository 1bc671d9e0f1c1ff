// Reference surface (test-only, never ships): packages Microsoft.Azure.Functions.Worker (builder) and
// Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore (ConfigureFunctionsWebApplication).
// Upstream paths: src/DotNetWorker/Builder/{FunctionsApplication,FunctionsApplicationBuilder}.cs,
//   extensions/Worker.Extensions.Http.AspNetCore/src/FunctionsApplicationBuilderAspNetCoreExtensions.cs
// Registration works (it is backed by a plain HostApplicationBuilder, so code that only adds services can
// run); Build() and middleware need the real worker and throw.

using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Azure.Functions.Worker.Builder
{
    /// <summary>Entry point of the IHostApplicationBuilder-style startup.</summary>
    public class FunctionsApplication
    {
        public static FunctionsApplicationBuilder CreateBuilder(string[] args) => new(args);
    }

    /// <summary>The Functions worker's application builder.</summary>
    public class FunctionsApplicationBuilder : IHostApplicationBuilder, IFunctionsWorkerApplicationBuilder
    {
        private readonly HostApplicationBuilder _inner;

        internal FunctionsApplicationBuilder(string[]? args)
        {
            _inner = new HostApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
        }

        public IDictionary<object, object> Properties => ((IHostApplicationBuilder)_inner).Properties;

        IConfigurationManager IHostApplicationBuilder.Configuration => Configuration;

        public ConfigurationManager Configuration => _inner.Configuration;

        public IHostEnvironment Environment => _inner.Environment;

        public ILoggingBuilder Logging => _inner.Logging;

        public IMetricsBuilder Metrics => _inner.Metrics;

        public IServiceCollection Services => _inner.Services;

        /// <summary>Builds the worker host (needs the real worker; this surface throws).</summary>
        public IHost Build() => throw new NotSupportedException("reference surface only");

        public void ConfigureContainer<TContainerBuilder>(IServiceProviderFactory<TContainerBuilder> factory, Action<TContainerBuilder>? configure = null)
            where TContainerBuilder : notnull
            => _inner.ConfigureContainer(factory, configure);

        public IFunctionsWorkerApplicationBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware)
            => throw new NotSupportedException("reference surface only");
    }

    /// <summary>ASP.NET Core integration for <see cref="FunctionsApplicationBuilder"/>.</summary>
    public static class FunctionsApplicationBuilderAspNetCoreExtensions
    {
        /// <summary>Enables the ASP.NET Core integration (HttpRequest in, IResult/IActionResult out).</summary>
        public static FunctionsApplicationBuilder ConfigureFunctionsWebApplication(this FunctionsApplicationBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            return builder;
        }
    }
}
