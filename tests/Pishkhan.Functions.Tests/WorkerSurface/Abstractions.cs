// Reference surface (test-only, never ships): package Microsoft.Azure.Functions.Worker.Extensions.Abstractions.
// Written from the public shapes; see README.md. Upstream paths:
//   extensions/Worker.Extensions.Abstractions/src/{BindingAttribute,InputBindingAttribute}.cs
//   extensions/Worker.Extensions.Abstractions/{FunctionAttribute,TriggerBindingAttribute,OutputBindingAttribute}.cs

namespace Microsoft.Azure.Functions.Worker
{
    /// <summary>Marks a method as a function; <see cref="Name"/> is the function's name in the host.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public class FunctionAttribute : Attribute
    {
        public FunctionAttribute(string name) => Name = name;

        public string Name { get; }
    }
}

namespace Microsoft.Azure.Functions.Worker.Extensions.Abstractions
{
    /// <summary>Root of every binding attribute.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public abstract class BindingAttribute : Attribute
    {
        public BindingAttribute()
        {
        }
    }

    /// <summary>A trigger binding: goes on exactly one parameter of a function.</summary>
    [AttributeUsage(AttributeTargets.Parameter)]
    public abstract class TriggerBindingAttribute : BindingAttribute
    {
        public TriggerBindingAttribute()
        {
        }
    }

    /// <summary>An input binding: goes on a parameter.</summary>
    [AttributeUsage(AttributeTargets.Parameter)]
    public abstract class InputBindingAttribute : BindingAttribute
    {
        public InputBindingAttribute()
        {
        }
    }

    /// <summary>An output binding: goes on the function method or on a property of its return type.</summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Property)]
    public abstract class OutputBindingAttribute : BindingAttribute
    {
        public OutputBindingAttribute()
        {
        }

        public OutputBindingAttribute(string name) => Name = name;

        public string? Name { get; }
    }
}
