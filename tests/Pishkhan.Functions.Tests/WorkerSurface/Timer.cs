// Reference surface (test-only, never ships): package Microsoft.Azure.Functions.Worker.Extensions.Timer.
// Upstream paths: extensions/Worker.Extensions.Timer/src/TimerTriggerAttribute.cs,
//   extensions/Worker.Extensions.Timer/{TimerInfo,ScheduleStatus}.cs
// The real TimerTriggerAttribute also carries [BindingCapabilities(KnownBindingCapabilities.FunctionLevelRetry)];
// it is metadata for the SDK's generator, not shape, and is left out here.

using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker
{
    /// <summary>Triggers a function on a six-field NCRONTAB schedule (UTC on Linux plans).</summary>
    public sealed class TimerTriggerAttribute : TriggerBindingAttribute
    {
        public TimerTriggerAttribute(string schedule)
        {
            Schedule = schedule;
            UseMonitor = true;
        }

        public string Schedule { get; private set; }

        public bool UseMonitor { get; set; }

        public bool RunOnStartup { get; set; }
    }

    /// <summary>What a timer-triggered function receives.</summary>
    public class TimerInfo
    {
        /// <summary>Null when schedule monitoring is off.</summary>
        public ScheduleStatus? ScheduleStatus { get; set; }

        /// <summary>True when this run stands in for a missed occurrence.</summary>
        public bool IsPastDue { get; set; }
    }

    public class ScheduleStatus
    {
        public DateTime Last { get; set; }

        public DateTime Next { get; set; }

        public DateTime LastUpdated { get; set; }
    }
}
