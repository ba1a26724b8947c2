using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HaSystem.Coordination.Telemetry;

/// <summary>
/// The meter and activity source of the Redis coordination every service shares: breakers, locks and leases. The names are the ones the dashboard shows.
/// </summary>
public sealed class RedisTelemetry : IDisposable
{
    /// <summary>The meter's and activity source's name.</summary>
    public const string Name = "HaSystem.Redis";

    /// <summary>The activity source of lock and lease operations.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    /// <summary>Creates the meter and its instruments.</summary>
    public RedisTelemetry(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(Name);
        BreakerTransitions = Meter.CreateCounter<long>("hasystem.redis.breaker.transitions", description: "Redis circuit breaker state changes, by role and pipeline.");
        RedisRetries = Meter.CreateCounter<long>("hasystem.redis.retries", description: "Redis calls tried again while riding through a failover, by role, caller and error.");
        LockAcquisitions = Meter.CreateCounter<long>("hasystem.lock.acquisitions", description: "Lock acquire attempts by outcome (acquired, busy, unavailable, timeout).");
        LockWait = Meter.CreateHistogram<double>("hasystem.lock.wait", unit: "ms", description: "Time from asking for a lock to holding it.");
        LeasesLost = Meter.CreateCounter<long>("hasystem.lock.leases_lost", description: "Leases lost before their holder released them (expired, taken over or not renewable).");
    }

    /// <summary>The meter every instrument below belongs to.</summary>
    public Meter Meter { get; }

    /// <summary><c>hasystem.redis.breaker.transitions</c>: breaker state changes, by role and pipeline.</summary>
    public Counter<long> BreakerTransitions { get; }

    /// <summary><c>hasystem.redis.retries</c>: calls tried again while riding through a failover.</summary>
    public Counter<long> RedisRetries { get; }

    /// <summary><c>hasystem.lock.acquisitions</c>: acquire attempts by outcome.</summary>
    public Counter<long> LockAcquisitions { get; }

    /// <summary><c>hasystem.lock.wait</c>: milliseconds from asking for a lock to holding it.</summary>
    public Histogram<double> LockWait { get; }

    /// <summary><c>hasystem.lock.leases_lost</c>: leases lost before their holder released them.</summary>
    public Counter<long> LeasesLost { get; }


    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();
}
