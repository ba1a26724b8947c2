using ZiggyCreatures.Caching.Fusion;

namespace HaSystem.ApiService.Caching;

/// <summary>
/// How one cache call was served: <c>l1</c> (this replica's memory), <c>l2</c> (Redis), <c>source</c> (the database)
/// or <c>stale</c> (fail-safe). FusionCache has no per-call result metadata, so the cache's events (raised
/// synchronously on the caller's flow) are collected for the key of the call in flight.
/// </summary>
public sealed class CacheTrace
{
    private static readonly AsyncLocal<CacheTrace?> CurrentTrace = new();

    private bool _hit;
    private bool _distributedHit;
    private bool _stale;
    private bool _factory;

    private CacheTrace(string key) => Key = key;

    public string Key { get; }

    public string ServedBy => _stale ? "stale" : _factory ? "source" : _distributedHit ? "l2" : _hit ? "l1" : "source";

    /// <summary>Starts collecting for <paramref name="key"/>; dispose the scope when the call returns.</summary>
    public static Scope Begin(string key)
    {
        var trace = new CacheTrace(key);
        CurrentTrace.Value = trace;
        return new Scope(trace);
    }

    /// <summary>Connects the collector to a cache's events.</summary>
    public static void Attach(IFusionCache cache)
    {
        cache.Events.Hit += (_, e) => On(e.Key, t => { t._hit = true; t._stale |= e.IsStale; });
        cache.Events.Distributed.Hit += (_, e) => On(e.Key, t => t._distributedHit = true);
        cache.Events.FactorySuccess += (_, e) => On(e.Key, t => t._factory = true);
        cache.Events.FailSafeActivate += (_, e) => On(e.Key, t => t._stale = true);
    }

    private static void On(string key, Action<CacheTrace> record)
    {
        if (CurrentTrace.Value is { } trace && key.EndsWith(trace.Key, StringComparison.Ordinal))
        {
            record(trace);
        }
    }

    public readonly struct Scope(CacheTrace trace) : IDisposable
    {
        public CacheTrace Trace => trace;

        public void Dispose() => CurrentTrace.Value = null;
    }
}
