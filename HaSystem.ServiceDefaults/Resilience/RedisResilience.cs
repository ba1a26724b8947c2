using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;
using StackExchange.Redis;

namespace HaSystem.ServiceDefaults.Resilience;

/// <summary>
/// The resilience pipeline around every direct Redis call, one per role: the <c>cache</c> going down must not open
/// the breaker in front of the <c>state</c> role, where locks and rate-limit counters live.
/// </summary>
public static class RedisResilience
{
    /// <summary>The name of the pipeline for a role, e.g. <c>redis-state</c>.</summary>
    public static string PipelineName(string role) => $"redis-{role}";

    public static ResiliencePipeline For(this ResiliencePipelineProvider<string> pipelines, string role) =>
        pipelines.GetPipeline(PipelineName(role));

    /// <summary>What the pipeline counts as a Redis failure (and what callers catch to fall back).</summary>
    public static bool IsRedisFailure(Exception exception) =>
        exception is RedisException or TimeoutException or BrokenCircuitException or TimeoutRejectedException;
}
