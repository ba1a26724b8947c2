using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Caching;

/// <summary>
/// The replica's memory cache under FusionCache (L1), bounded by <see cref="CatalogCacheOptions.MemorySizeLimit"/>,
/// with its statistics kept so that <c>/api/info</c> can show how full it is.
/// </summary>
public sealed class CatalogMemoryCache(IOptions<CatalogCacheOptions> options) : IDisposable
{
    public MemoryCache Cache { get; } = new(new MemoryCacheOptions { SizeLimit = options.Value.MemorySizeLimit, TrackStatistics = true });

    public MemoryCacheView Snapshot()
    {
        var statistics = Cache.GetCurrentStatistics();
        return new MemoryCacheView(statistics?.CurrentEntryCount ?? 0, statistics?.CurrentEstimatedSize ?? 0, options.Value.MemorySizeLimit);
    }

    public void Dispose() => Cache.Dispose();
}
