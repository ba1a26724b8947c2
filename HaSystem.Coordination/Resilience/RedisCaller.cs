namespace HaSystem.Coordination.Resilience;

/// <summary>
/// Who is calling Redis, and so how the call is protected. Each caller has a pipeline, and so a breaker, of its own
/// per role: the rate limiter's failures during a failover cannot open the breaker in front of the order locks.
/// </summary>
/// <param name="Name">Part of the pipeline's name, <c>redis-{role}-{name}</c>.</param>
/// <param name="RidesThroughFailover">
/// <see langword="true"/>: a call that meets a failover is tried again until the new primary answers, within
/// <see cref="RedisResilienceOptions.RequestDeadline"/>, unless the Sentinels report that no failover can happen.
/// <see langword="false"/>: one attempt, and the caller falls back (a local limiter, a memory copy, "unavailable").
/// </param>
public sealed record RedisCaller(string Name, bool RidesThroughFailover)
{
    /// <summary>Locks and leases: an order's lock, the leader lease and their renewals.</summary>
    public static readonly RedisCaller Locks = new("locks", RidesThroughFailover: true);

    /// <summary>Web sessions (the cart): a cart change that meets a failover is kept, not refused.</summary>
    public static readonly RedisCaller Sessions = new("sessions", RidesThroughFailover: true);

    /// <summary>The shared rate limit: it falls back to a local limiter at once rather than hold a request.</summary>
    public static readonly RedisCaller RateLimiter = new("ratelimit", RidesThroughFailover: false);

    /// <summary>The web's copy of each user's API token and its Data Protection key ring: both have a local copy.</summary>
    public static readonly RedisCaller WebState = new("webstate", RidesThroughFailover: false);

    /// <summary>Operator views and probes (<c>/api/info</c>, the write probe, the status page): they report, never wait.</summary>
    public static readonly RedisCaller Diagnostics = new("diagnostics", RidesThroughFailover: false);

    /// <summary>Every caller; each has a pipeline per role.</summary>
    public static IReadOnlyList<RedisCaller> All { get; } = [Locks, Sessions, RateLimiter, WebState, Diagnostics];
}
