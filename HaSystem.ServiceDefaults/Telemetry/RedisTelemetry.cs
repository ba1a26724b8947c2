using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HaSystem.ServiceDefaults.Telemetry;

/// <summary>
/// The meter and activity source of the Redis coordination every service shares: breakers, locks, leases and
/// leadership. The names are the ones the dashboard shows.
/// </summary>
public sealed class RedisTelemetry : IDisposable
{
    public const string Name = "HaSystem.Redis";

    public static readonly ActivitySource ActivitySource = new(Name);

    public RedisTelemetry(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(Name);
        BreakerTransitions = Meter.CreateCounter<long>("hasystem.redis.breaker.transitions", description: "Redis circuit breaker state changes, by role and pipeline.");
        RedisRetries = Meter.CreateCounter<long>("hasystem.redis.retries", description: "Redis calls tried again while riding through a failover, by role, caller and error.");
        LockAcquisitions = Meter.CreateCounter<long>("hasystem.lock.acquisitions", description: "Lock acquire attempts by outcome (acquired, busy, unavailable, timeout).");
        LockWait = Meter.CreateHistogram<double>("hasystem.lock.wait", unit: "ms", description: "Time from asking for a lock to holding it.");
        LeasesLost = Meter.CreateCounter<long>("hasystem.lock.leases_lost", description: "Leases lost before their holder released them (expired, taken over or not renewable).");
        LeadershipChanges = Meter.CreateCounter<long>("hasystem.leader.changes", description: "This replica becoming or ceasing to be the leader.");
    }

    public Meter Meter { get; }

    public Counter<long> BreakerTransitions { get; }

    public Counter<long> RedisRetries { get; }

    public Counter<long> LockAcquisitions { get; }

    public Histogram<double> LockWait { get; }

    public Counter<long> LeasesLost { get; }

    public Counter<long> LeadershipChanges { get; }

    public void Dispose() => Meter.Dispose();
}
