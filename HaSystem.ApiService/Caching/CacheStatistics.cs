using System.Collections.Concurrent;

namespace HaSystem.ApiService.Caching;

/// <summary>
/// This replica's catalog lookups since it started, by how they were served: what the status page's cache hit ratio
/// is computed from. The <c>hasystem.cache.lookups</c> counter carries the same numbers to the dashboard.
/// </summary>
public sealed class CacheStatistics
{
    private readonly ConcurrentDictionary<string, long> _servedBy = new(StringComparer.Ordinal);

    public void Record(string servedBy) => _servedBy.AddOrUpdate(servedBy, 1, (_, count) => count + 1);

    public CacheStatisticsView Snapshot()
    {
        var counts = _servedBy.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        var total = counts.Values.Sum();
        var hits = counts.GetValueOrDefault("l1") + counts.GetValueOrDefault("l2");
        return new CacheStatisticsView(total, hits, total == 0 ? null : (double)hits / total, counts);
    }
}
