using Polly;
using Polly.Retry;

namespace HaSystem.Coordination.Resilience;

/// <summary>
/// The ride-through part of a Redis pipeline, shared by the services' pipelines (<c>AddRedisResilience</c>) and by
/// clients built without a host (the lock bench): the <see cref="RedisResilienceOptions.RequestDeadline"/>, then a retry
/// of every transient failure (<see cref="RedisResilience.IsTransient"/>) while the caller says waiting
/// can help, each attempt bounded by <see cref="RedisResilienceOptions.Timeout"/>.
/// </summary>
public static class RideThroughExtensions
{
    /// <summary>Adds the deadline, the retry and the attempt timeout to <paramref name="pipeline"/>.</summary>
    /// <param name="pipeline">The builder; a breaker, if any, goes before this call so that it sees whole calls.</param>
    /// <param name="options">Deadline, attempt timeout and pauses.</param>
    /// <param name="canRecover">
    /// Whether a transient failure is worth waiting out now (the services ask their Sentinels); a client with no view of
    /// the topology passes <c>_ =&gt; true</c> and is bounded by the deadline alone.
    /// </param>
    /// <param name="onRetry">Told of each failure that is tried again (counting it, following a new primary).</param>
    public static ResiliencePipelineBuilder AddRedisRideThrough(this ResiliencePipelineBuilder pipeline, RedisResilienceOptions options,
        Func<Exception, bool> canRecover, Action<Exception?>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(canRecover);
        return pipeline
            .AddTimeout(options.RequestDeadline)
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } failure && RedisResilience.IsTransient(failure) && canRecover(failure)),
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.Timeout);
    }
}
