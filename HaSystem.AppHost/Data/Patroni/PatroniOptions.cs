namespace HaSystem.AppHost.Data;

/// <summary>
/// The PostgreSQL cluster's timings, bound from <c>Database:Postgres:Patroni</c>. Patroni's rule is
/// <c>loop_wait + 2 × retry_timeout ≤ ttl</c>: a leader that cannot reach etcd demotes itself before its key expires, so
/// two primaries never take writes at once. Measured here on a hand-built cluster (2 cores): a lost primary node costs
/// the ttl (20.4 s at ttl 20, 9.8 s at ttl 10), a postmaster kill costs 3–5 s, a switchover 1.6–1.7 s.
/// </summary>
public sealed class PatroniOptions
{
    /// <summary>
    /// The leader key's time to live: how long a primary whose node is gone (its Patroni and its PostgreSQL killed
    /// together) holds the cluster before a standby is promoted. 10 s, not Patroni's 30: the API's orders wait 8 s, and
    /// every second over that is a second of 503s.
    /// </summary>
    public int TimeToLiveSeconds { get; set; } = 10;

    /// <summary>How often each Patroni agent runs its loop (checks PostgreSQL, renews or watches the leader key).</summary>
    public int LoopWaitSeconds { get; set; } = 1;

    /// <summary>How long an agent retries etcd and PostgreSQL before it counts them as gone (and a leader demotes itself).</summary>
    public int RetryTimeoutSeconds { get; set; } = 4;

    /// <summary>
    /// How long a primary whose PostgreSQL crashed is given to start again in place before Patroni fails over instead.
    /// 0: fail over to the synchronous standby at once (3 s measured), rather than restart in place and wait for crash
    /// recovery (4.3–5.3 s with 300), which is too close to the 5.5 s an order may spend on the database.
    /// </summary>
    public int PrimaryStartTimeoutSeconds { get; set; }

    /// <summary><c>patroni</c>: a name looked up on PATH, or a path.</summary>
    public string PatroniExecutable { get; set; } = "patroni";

    /// <summary><c>etcd</c>: a name looked up on PATH, or a path.</summary>
    public string EtcdExecutable { get; set; } = "etcd";

    /// <summary>Refuses timings that break Patroni's rule or its own minimums.</summary>
    public void Validate()
    {
        if (LoopWaitSeconds < 1 || RetryTimeoutSeconds < 3 || PrimaryStartTimeoutSeconds < 0)
        {
            throw new DistributedApplicationException("Database:Postgres:Patroni: LoopWaitSeconds ≥ 1, RetryTimeoutSeconds ≥ 3 and PrimaryStartTimeoutSeconds ≥ 0.");
        }

        if (LoopWaitSeconds + (2 * RetryTimeoutSeconds) > TimeToLiveSeconds)
        {
            throw new DistributedApplicationException(
                $"Database:Postgres:Patroni: LoopWaitSeconds + 2 × RetryTimeoutSeconds ({LoopWaitSeconds} + 2 × {RetryTimeoutSeconds}) must not exceed TimeToLiveSeconds ({TimeToLiveSeconds}): a primary cut off from etcd must demote itself before its key expires.");
        }
    }
}
