namespace HaSystem.Worker.Warmup;

public static class CacheWarmupExtensions
{
    /// <summary>The leader's cache warm-up after a start-up, a hand-over or a cache failover.</summary>
    public static IHostApplicationBuilder AddCacheWarmup(this IHostApplicationBuilder builder) => builder.AddLeaderJob<CacheWarmupJob>();
}
