using System.ComponentModel.DataAnnotations;

namespace HaSystem.Coordination.Locking;

/// <summary>Bound from <c>Locks</c>: how every lock and lease of the service is taken, kept and given up.</summary>
public sealed class DistributedLockOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Locks";

    /// <summary>Shortest pause between two attempts of a waiting acquire; each pause is drawn between this and <see cref="RetryDelayMax"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan RetryDelayMin { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest pause between two attempts. The jitter keeps waiting contenders from retrying in lock-step.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan RetryDelayMax { get; set; } = TimeSpan.FromMilliseconds(60);

    /// <summary>
    /// Share of the time to live the holder gives up before the key expires in Redis: the lease counts as lost this
    /// much earlier, so the holder has stopped before anyone else can acquire (clock drift, cancellation latency).
    /// </summary>
    [Range(0.01, 0.5)]
    public double SafetyMargin { get; set; } = 0.1;
}
