using System.ComponentModel.DataAnnotations;

namespace HaSystem.ServiceDefaults.Resilience;

/// <summary>Bound from <c>Redis:Resilience</c>: the one pipeline every direct Redis call goes through (one breaker per role).</summary>
public sealed class RedisResilienceOptions
{
    public const string SectionName = "Redis:Resilience";

    /// <summary>Budget of one Redis call; a call that takes longer counts as a failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Share of failed calls within <see cref="SamplingDuration"/> that opens the breaker.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    [Range(2, 10_000)]
    public int MinimumThroughput { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the breaker stays open (calls fail at once) before one probe call is let through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(2);
}
