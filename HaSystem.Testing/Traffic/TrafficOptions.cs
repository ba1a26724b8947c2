namespace HaSystem.Testing.Traffic;

/// <summary>How the bench's clients behave: what they retry, and how long they wait.</summary>
public sealed record TrafficOptions
{
    /// <summary>Reads go to products 1..N of the tenant, all of which stay cached.</summary>
    public int HotProducts { get; init; } = 50;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A read is sent to at most this many replicas, each tried once.</summary>
    public int ReadAttempts { get; init; } = 3;

    public TimeSpan ReadAttemptTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A replica that refused a connection gets no new request for this long (then one is tried again).</summary>
    public TimeSpan EjectionDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// One order attempt's budget: longer than the API's request deadline (8 s), so an order that rides through a
    /// failover is answered, not abandoned, as the web front end's 10 s attempt timeout would.
    /// </summary>
    public TimeSpan OrderAttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan OrderRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a client keeps sending one order again before it tells its user it failed.</summary>
    public TimeSpan OrderDeadline { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Signed-in shop sessions the session writes are spread over.</summary>
    public int ShopSessions { get; init; } = 8;
}
