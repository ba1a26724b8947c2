using HaSystem.Coordination.Locking;
using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using HaSystem.Coordination.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the distributed lock.</summary>
public static class LockingExtensions
{
    /// <summary>
    /// <see cref="RedisDistributedLock"/> on the <c>state</c> role (needs <c>AddRedisRoles</c>), configured from
    /// <c>Locks</c>, through the <see cref="RedisCaller.Locks"/> pipeline, which rides through a failover.
    /// </summary>
    public static TBuilder AddDistributedLocks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisResilience();
        builder.Services.AddOptions<DistributedLockOptions>().BindConfiguration(DistributedLockOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new RedisDistributedLock(
            sp.GetRequiredKeyedService<IConnectionMultiplexer>(RedisRoles.State),
            sp.GetRequiredService<ResiliencePipelineProvider<string>>().For(RedisRoles.State, RedisCaller.Locks),
            sp.GetRequiredService<IOptions<RedisResilienceOptions>>().Value.Timeout,
            sp.GetRequiredService<IOptions<DistributedLockOptions>>().Value,
            sp.GetRequiredService<RedisTelemetry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisDistributedLock>>()));
        return builder;
    }
}
