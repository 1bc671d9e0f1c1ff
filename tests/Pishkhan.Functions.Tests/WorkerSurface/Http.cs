// Reference surface (test-only, never ships): package Microsoft.Azure.Functions.Worker.Extensions.Http.
// Upstream paths: extensions/Worker.Extensions.Http/HttpTriggerAttribute.cs, .../AuthorizationLevel.cs

using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker
{
    /// <summary>The key (if any) the Functions host demands before it invokes an HTTP function.</summary>
    public enum AuthorizationLevel
    {
        Anonymous = 0,
        User = 1,
        Function = 2,
        System = 3,
        Admin = 4,
    }

    /// <summary>Triggers a function from an HTTP request.</summary>
    public sealed class HttpTriggerAttribute : TriggerBindingAttribute
    {
        /// <summary>All methods; <see cref="AuthLevel"/> = <see cref="AuthorizationLevel.Function"/>.</summary>
        public HttpTriggerAttribute()
        {
            AuthLevel = AuthorizationLevel.Function;
        }

        /// <summary>The given methods; <see cref="AuthLevel"/> stays at its default (Anonymous).</summary>
        public HttpTriggerAttribute(params string[] methods)
        {
            Methods = methods;
        }

        public HttpTriggerAttribute(AuthorizationLevel authLevel)
        {
            AuthLevel = authLevel;
        }

        public HttpTriggerAttribute(AuthorizationLevel authLevel, params string[] methods)
        {
            AuthLevel = authLevel;
            Methods = methods;
        }

        /// <summary>Route template, relative to host.json's extensions.http.routePrefix.</summary>
        public string? Route { get; set; }

        public string[]? Methods { get; private set; }

        public AuthorizationLevel AuthLevel { get; private set; }
    }
}
