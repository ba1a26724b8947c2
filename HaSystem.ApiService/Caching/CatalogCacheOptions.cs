using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Caching;

/// <summary>Bound from <c>Catalog:Cache</c>: freshness, staleness bound and timeouts of the two-level cache.</summary>
public sealed class CatalogCacheOptions
{
    public const string SectionName = "Catalog:Cache";

    /// <summary>How long an entry is fresh.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an expired entry may still be served when the database fails: the staleness bound.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan FailSafeMaxDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>After a failure, how long the stale value is reused before the database is tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FailSafeThrottleDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A slow database call gives way to the stale value after this (it completes in the background).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan FactorySoftTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>With no stale value to fall back on, a database call is abandoned after this.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan FactoryHardTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A slow Redis read gives way after this; a Redis outage never holds a request longer than the hard timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:00.005", "00:00:10")]
    public TimeSpan DistributedSoftTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan DistributedHardTimeout { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// The bound of each replica's memory cache (L1), in products: a product counts 1, a page 1 + its page size. Past
    /// it, the least recently used entries make room. 20,000 is every product of both demo tenants five times over.
    /// </summary>
    [Range(100, 10_000_000)]
    public long MemorySizeLimit { get; set; } = 20_000;
}
