using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;
using StackExchange.Redis;

namespace HaSystem.Coordination.Resilience;

/// <summary>
/// The resilience pipelines around direct Redis calls, one per role and <see cref="RedisCaller"/>: the <c>cache</c>
/// going down must not open a breaker in front of the <c>state</c> role, nor the rate limiter's one in front of locks.
/// </summary>
public static class RedisResilience
{
    // The replies of a node that cannot take a write now but will, or of a node that is not the primary any more.
    private static readonly string[] TransientReplies = ["READONLY", "NOREPLICAS", "MASTERDOWN", "LOADING", "TRYAGAIN", "UNBLOCKED"];

    /// <summary>The name of a caller's pipeline for a role, e.g. <c>redis-state-locks</c>.</summary>
    public static string PipelineName(string role, RedisCaller caller) => $"redis-{role}-{caller.Name}";

    /// <summary>The pipeline of <paramref name="caller"/> for <paramref name="role"/>.</summary>
    public static ResiliencePipeline For(this ResiliencePipelineProvider<string> pipelines, string role, RedisCaller caller) =>
        pipelines.GetPipeline(PipelineName(role, caller));

    /// <summary>What counts as a Redis failure (and what callers catch to fall back).</summary>
    public static bool IsRedisFailure(Exception exception) =>
        exception is RedisException or TimeoutException or BrokenCircuitException or TimeoutRejectedException;

    /// <summary>
    /// A failure that a failover, a reconnect or a moment's wait can cure: the connection is down or slow, or the node
    /// answered that it is a replica, has no replica to confirm a write, or is still loading. A script error or a
    /// wrong type is not transient: trying again would fail the same way.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException or TimeoutRejectedException => true,
        RedisServerException server => TransientReplies.Any(reply => server.Message.Contains(reply, StringComparison.Ordinal)),
        _ => false,
    };
}
