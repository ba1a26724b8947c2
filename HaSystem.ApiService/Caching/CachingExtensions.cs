using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;

namespace HaSystem.ApiService.Caching;

public static class CachingExtensions
{
    /// <summary>
    /// FusionCache: L1 memory per replica, L2 the <c>cache</c> Redis role, a backplane over the same role's pub/sub,
    /// fail-safe and soft/hard timeouts from <see cref="CatalogCacheOptions"/>. Its Redis circuit breakers use the same
    /// break duration as the API's <c>redis</c> pipeline, so both stop calling Redis for the same time.
    /// </summary>
    public static IHostApplicationBuilder AddCatalogCache(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CatalogCacheOptions>(CatalogCacheOptions.SectionName);
        builder.Services.AddCatalogCacheProblems();

        // Both the L2 and the backplane dispose the multiplexer they are given when the cache is disposed; that only
        // happens when the host shuts down, after which nothing uses the connection.
        Func<IServiceProvider, Func<Task<IConnectionMultiplexer>>> cacheRole =
            sp => () => Task.FromResult(sp.GetRequiredKeyedService<IConnectionMultiplexer>(RedisRoles.Cache));

        builder.Services.AddSingleton<CatalogMemoryCache>();
        builder.Services.AddFusionCache()
            .WithOptions((sp, options) =>
            {
                var breakDuration = sp!.GetRequiredService<IOptions<RedisResilienceOptions>>().Value.BreakDuration;
                options.DistributedCacheCircuitBreakerDuration = breakDuration;
                options.BackplaneCircuitBreakerDuration = breakDuration;
                options.EnableSyncEventHandlersExecution = true; // CacheTrace reads the events on the caller's flow

                // Each failed Redis call of the cache would be a warning with its stack trace: while the cache role is
                // down that is every lookup that misses memory, on every replica at once. The outage is in the logs
                // once per connection (RedisConnectionLog) and counted in FusionCache's metrics; these go to Debug.
                options.DistributedCacheErrorsLogLevel = LogLevel.Debug;
                options.BackplaneErrorsLogLevel = LogLevel.Debug;

                // The API's Redis user may only use the channels granted to it.
                options.BackplaneChannelPrefix = RedisKeyspace.CatalogBackplane + "backplane";

                var settings = sp.GetRequiredService<IOptions<CatalogCacheOptions>>().Value;
                var entry = options.DefaultEntryOptions;
                entry.Duration = settings.Duration;
                entry.IsFailSafeEnabled = true;
                entry.FailSafeMaxDuration = settings.FailSafeMaxDuration;
                entry.FailSafeThrottleDuration = settings.FailSafeThrottleDuration;
                entry.FactorySoftTimeout = settings.FactorySoftTimeout;
                entry.FactoryHardTimeout = settings.FactoryHardTimeout;
                entry.DistributedCacheSoftTimeout = settings.DistributedSoftTimeout;
                entry.DistributedCacheHardTimeout = settings.DistributedHardTimeout;
                entry.AllowBackgroundDistributedCacheOperations = true;
                entry.JitterMaxDuration = TimeSpan.FromSeconds(2);
                entry.Size = 1; // L1 has a size limit: every entry, tags included, must say what it weighs.

                // Tag timestamps are read on every tagged lookup; they must not wait on Redis longer than entries do.
                options.TagsDefaultEntryOptions.DistributedCacheSoftTimeout = settings.DistributedSoftTimeout;
                options.TagsDefaultEntryOptions.DistributedCacheHardTimeout = settings.DistributedHardTimeout;
                options.TagsDefaultEntryOptions.Size = 1;
            })
            .WithMemoryCache(sp => sp.GetRequiredService<CatalogMemoryCache>().Cache)
            .WithSystemTextJsonSerializer()
            .WithDistributedCache(sp => new RedisCache(new RedisCacheOptions { ConnectionMultiplexerFactory = cacheRole(sp), InstanceName = RedisKeyspace.Catalog }))
            .WithBackplane(sp => new RedisBackplane(new RedisBackplaneOptions { ConnectionMultiplexerFactory = cacheRole(sp) }, sp.GetService<ILogger<RedisBackplane>>()));

        builder.Services.AddSingleton<CacheStatistics>();
        builder.Services.AddSingleton<CatalogCache>();
        builder.Services.AddValidatedOptions<CacheWarmupOptions>(CacheWarmupOptions.SectionName);
        builder.Services.AddScoped<CacheWarmer>();
        builder.Services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource("ZiggyCreatures.Caching.Fusion"))
            .WithMetrics(m => m.AddMeter("ZiggyCreatures.Caching.Fusion"));
        return builder;
    }

    /// <summary>Attaches the per-call trace that fills the <c>X-Cache</c> header.</summary>
    public static WebApplication UseCacheTrace(this WebApplication app)
    {
        CacheTrace.Attach(app.Services.GetRequiredService<IFusionCache>());
        return app;
    }
}
