namespace HaSystem.Contracts.Operations;

/// <summary>What one API replica says about itself (<c>GET /api/info</c>).</summary>
/// <param name="Service">The service's name.</param>
/// <param name="Replica">The replica's id, as the dashboard shows it.</param>
/// <param name="ProcessId">Its process id.</param>
/// <param name="StartedAt">When its process started.</param>
/// <param name="Addresses">Its own addresses.</param>
/// <param name="Redis">Each Redis role as its client sees it.</param>
/// <param name="Cache">Its catalog cache's statistics.</param>
/// <param name="Memory">Its memory.</param>
public sealed record InfoResponse(
    string Service,
    string Replica,
    int ProcessId,
    DateTimeOffset StartedAt,
    string[] Addresses,
    IReadOnlyDictionary<string, RedisRoleView> Redis,
    CacheStatisticsView Cache,
    MemoryView Memory);

/// <summary>The replica's working set, managed heap and the memory the GC holds (committed), in bytes, and how full its catalog memory cache is.</summary>
/// <param name="WorkingSetBytes">The process's working set.</param>
/// <param name="ManagedHeapBytes">The managed heap.</param>
/// <param name="GcCommittedBytes">What the GC holds.</param>
/// <param name="CatalogCache">The catalog's memory cache.</param>
public sealed record MemoryView(long WorkingSetBytes, long ManagedHeapBytes, long GcCommittedBytes, MemoryCacheView CatalogCache);

/// <summary>The primary a role's client writes to now (<see langword="null"/> while it has none), and its breaker's state.</summary>
/// <param name="Primary">The primary's address.</param>
/// <param name="Connected">Whether the client has a connection.</param>
/// <param name="PingMs">The primary's round trip; <see langword="null"/> when it did not answer.</param>
/// <param name="Breaker">The worst state of the role's breakers: closed, half-open or open.</param>
public sealed record RedisRoleView(string? Primary, bool Connected, double? PingMs, string Breaker);

/// <summary>Lookups, hits (memory or Redis) and their ratio (<see langword="null"/> before the first lookup).</summary>
/// <param name="Lookups">Every lookup.</param>
/// <param name="Hits">Lookups served from memory or Redis.</param>
/// <param name="HitRatio">Hits over lookups.</param>
/// <param name="ServedBy">Lookups by where they were served from.</param>
public sealed record CacheStatisticsView(long Lookups, long Hits, double? HitRatio, IReadOnlyDictionary<string, long> ServedBy);

/// <summary>L1's entries, their total size (in products) and its limit.</summary>
/// <param name="Entries">Entries held.</param>
/// <param name="Size">Their size, in products.</param>
/// <param name="SizeLimit">The most it holds.</param>
public sealed record MemoryCacheView(long Entries, long Size, long SizeLimit);

/// <summary>A write probe's answer (<c>POST /api/redis/{role}/probe</c>).</summary>
/// <param name="Replica">The API replica that wrote.</param>
/// <param name="Role">The Redis role written to.</param>
/// <param name="Primary">The primary that took the write.</param>
/// <param name="ElapsedMs">How long the write took.</param>
public sealed record ProbeResponse(string Replica, string Role, string? Primary, double ElapsedMs);

/// <summary>The fault injection state of a replica (<c>/api/admin/chaos/database</c>).</summary>
/// <param name="DatabaseFailing">Whether the replica's database calls fail.</param>
public sealed record ChaosState(bool DatabaseFailing);

/// <summary>The cache warm-up's answer (<c>POST /api/catalog/cache/warm</c>).</summary>
/// <param name="ProductsPerTenant">How many products were loaded, per tenant.</param>
public sealed record WarmupResult(IReadOnlyDictionary<string, int> ProductsPerTenant);
