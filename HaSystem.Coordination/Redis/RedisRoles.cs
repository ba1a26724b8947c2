namespace HaSystem.Coordination.Redis;

/// <summary>
/// The two Redis groups, named as the AppHost names them (the connection string names and Sentinel service
/// names). <see cref="Cache"/> may evict anything at any time; <see cref="State"/> never evicts.
/// </summary>
public static class RedisRoles
{
    /// <summary>Rebuildable data only: <c>allkeys-lru</c>, no persistence.</summary>
    public const string Cache = "cache";

    /// <summary>Data that must not vanish: sessions, locks, leases, counters, keys. <c>noeviction</c>, AOF.</summary>
    public const string State = "state";

    /// <summary>Both roles, in the order services connect to them.</summary>
    public static IReadOnlyList<string> All { get; } = [Cache, State];
}
