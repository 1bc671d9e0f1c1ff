// Reference surface (test-only, never ships): package Microsoft.Azure.Functions.Worker.Extensions.Storage.Queues.
// Upstream paths: extensions/Worker.Extensions.Storage.Queues/src/{QueueTriggerAttribute,QueueOutputAttribute}.cs
// The real QueueTriggerAttribute also carries [InputConverter]/[ConverterFallbackBehavior] naming internal
// converter types; they affect runtime conversion only, not the shape, and are left out here.

using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker
{
    /// <summary>Triggers a function from an Azure Storage queue message.</summary>
    public sealed class QueueTriggerAttribute : TriggerBindingAttribute
    {
        public QueueTriggerAttribute(string queueName) => QueueName = queueName;

        public string QueueName { get; }

        /// <summary>Name of the app setting with the storage connection; null means AzureWebJobsStorage.</summary>
        public string? Connection { get; set; }
    }

    /// <summary>Writes the function's output to an Azure Storage queue.</summary>
    public sealed class QueueOutputAttribute : OutputBindingAttribute
    {
        public QueueOutputAttribute(string queueName) => QueueName = queueName;

        public string QueueName { get; }

        public string? Connection { get; set; }
    }
}
