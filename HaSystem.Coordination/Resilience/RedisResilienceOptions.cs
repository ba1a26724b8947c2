using System.ComponentModel.DataAnnotations;

namespace HaSystem.Coordination.Resilience;

/// <summary>
/// Bound from <c>Redis:Resilience</c>: how every direct Redis call is bounded, retried and broken. See
/// <see cref="RedisCaller"/> for which callers ride through a failover and which fail fast.
/// </summary>
public sealed class RedisResilienceOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Redis:Resilience";

    /// <summary>Budget of one attempt; an attempt that takes longer counts as a failure (and, riding through, is tried again).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a call that must survive a failover (an order's lock, a cart write, a lease renewal) keeps trying for
    /// the new primary before it gives up. A Sentinel failover here takes 2–4 s; the web front end's attempt timeout
    /// towards the API is 10 s, so a request that rides through still answers before its caller gives up on it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RequestDeadline { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>First pause before trying again; each further pause doubles (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:05")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest pause between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Share of failed calls within <see cref="SamplingDuration"/> that opens a caller's breaker.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>How many calls within <see cref="SamplingDuration"/> a breaker needs before it may open.</summary>
    [Range(2, 10_000)]
    public int MinimumThroughput { get; set; } = 4;

    /// <summary>The window over which a breaker counts failures.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a breaker stays open (calls fail at once) before one probe call is let through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RequestDeadline <= Timeout)
        {
            yield return new ValidationResult("RequestDeadline must be longer than Timeout, or no call could be tried twice.", [nameof(RequestDeadline), nameof(Timeout)]);
        }

        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult("MaxRetryDelay must not be shorter than RetryDelay.", [nameof(MaxRetryDelay), nameof(RetryDelay)]);
        }
    }
}
