// Reference surface (test-only, never ships): package Microsoft.Azure.Functions.Worker.Core.
// Upstream paths: src/DotNetWorker.Core/Context/{FunctionContext,BindingContext,RetryContext,TraceContext}.cs,
//   src/DotNetWorker.Core/Context/Features/IInvocationFeatures.cs,
//   src/DotNetWorker.Core/Definition/{FunctionDefinition,FunctionParameter,BindingMetadata}.cs,
//   src/DotNetWorker.Core/Hosting/IFunctionsWorkerApplicationBuilder.cs,
//   src/DotNetWorker.Core/Pipeline/FunctionExecutionDelegate.cs (namespace ...Worker.Middleware)
// Only the abstract shapes: the runtime's implementations are internal and need the host.

using System.Collections.Immutable;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Azure.Functions.Worker
{
    /// <summary>One function invocation. Prefer an injected ILogger&lt;T&gt; over the static GetLogger extension.</summary>
    public abstract class FunctionContext
    {
        public abstract string InvocationId { get; }

        public abstract string FunctionId { get; }

        public abstract TraceContext TraceContext { get; }

        public abstract BindingContext BindingContext { get; }

        public abstract RetryContext RetryContext { get; }

        public abstract IServiceProvider InstanceServices { get; set; }

        public abstract FunctionDefinition FunctionDefinition { get; }

        public abstract IDictionary<object, object> Items { get; set; }

        public abstract IInvocationFeatures Features { get; }

        /// <summary>Signals that the invocation is being cancelled (None unless the runtime overrides it).</summary>
        public virtual CancellationToken CancellationToken { get; } = CancellationToken.None;
    }

    public abstract class BindingContext
    {
        public abstract IReadOnlyDictionary<string, object?> BindingData { get; }
    }

    public abstract class RetryContext
    {
        public abstract int RetryCount { get; }

        public abstract int MaxRetryCount { get; }
    }

    public abstract class TraceContext
    {
        public abstract string TraceParent { get; }

        public abstract string TraceState { get; }

        public abstract IReadOnlyDictionary<string, string> Attributes { get; }
    }

    public interface IInvocationFeatures : IEnumerable<KeyValuePair<Type, object>>
    {
        void Set<T>(T instance);

        T? Get<T>();
    }

    public abstract class FunctionDefinition
    {
        public abstract ImmutableArray<FunctionParameter> Parameters { get; }

        public abstract string PathToAssembly { get; }

        public abstract string EntryPoint { get; }

        public abstract string Id { get; }

        public abstract string Name { get; }

        public abstract IImmutableDictionary<string, BindingMetadata> InputBindings { get; }

        public abstract IImmutableDictionary<string, BindingMetadata> OutputBindings { get; }
    }

    public class FunctionParameter
    {
        public FunctionParameter(string name, Type type)
            : this(name, type, ImmutableDictionary<string, object>.Empty)
        {
        }

        public FunctionParameter(string name, Type type, IReadOnlyDictionary<string, object> properties)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(type);
            ArgumentNullException.ThrowIfNull(properties);
            Name = name;
            Type = type;
            Properties = properties;
        }

        public string Name { get; }

        public Type Type { get; }

        public IReadOnlyDictionary<string, object> Properties { get; }
    }

    public abstract class BindingMetadata
    {
        public abstract string Name { get; }

        public abstract string Type { get; }

        public abstract BindingDirection Direction { get; }
    }

    public enum BindingDirection
    {
        In = 0,
        Out = 1,
    }

    /// <summary>The worker's own builder interface (services plus invocation middleware).</summary>
    public interface IFunctionsWorkerApplicationBuilder
    {
        IServiceCollection Services { get; }

        IFunctionsWorkerApplicationBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware);
    }
}

namespace Microsoft.Azure.Functions.Worker.Middleware
{
    public delegate Task FunctionExecutionDelegate(FunctionContext context);
}
