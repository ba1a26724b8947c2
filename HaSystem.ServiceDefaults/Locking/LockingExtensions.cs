using HaSystem.ServiceDefaults.Locking;
using HaSystem.ServiceDefaults.Redis;
using HaSystem.ServiceDefaults.Resilience;
using HaSystem.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class LockingExtensions
{
    /// <summary>
    /// <see cref="RedisDistributedLock"/> on the <c>state</c> role (needs <c>AddRedisRoles</c>), configured from
    /// <c>Locks</c>, through the role's breaker, on a connection of its own: <c>WAIT</c> blocks the connection it is
    /// sent on, and must not hold up the rate limiter's or anyone else's commands on the shared one.
    /// </summary>
    public static TBuilder AddDistributedLocks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisResilience();
        builder.Services.AddValidatedOptions<DistributedLockOptions>(DistributedLockOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new LockConnection(sp.GetRequiredService<IOptionsMonitor<ConfigurationOptions>>().Get(RedisRoles.State)));
        builder.Services.AddSingleton(sp => new RedisDistributedLock(
            sp.GetRequiredService<LockConnection>().Multiplexer,
            sp.GetRequiredService<ResiliencePipelineProvider<string>>().For(RedisRoles.State),
            sp.GetRequiredService<IOptions<DistributedLockOptions>>().Value,
            sp.GetRequiredService<RedisTelemetry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RedisDistributedLock>>()));
        return builder;
    }
}
