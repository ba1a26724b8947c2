using HaSystem.Coordination.Locking;
using HaSystem.Coordination.Resilience;
using HaSystem.Coordination.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using StackExchange.Redis;

namespace HaSystem.LockBench;

/// <summary>The same <see cref="RedisDistributedLock"/> the services use, built without a host.</summary>
public static class LockFactory
{
    public static Task<(RedisDistributedLock Lock, ConnectionMultiplexer Redis)> CreateAsync() =>
        CreateAsync(Environment.GetEnvironmentVariable("HASYSTEM_REDIS")
            ?? throw new InvalidOperationException("Set HASYSTEM_REDIS to the Redis connection string."));

    public static async Task<(RedisDistributedLock Lock, ConnectionMultiplexer Redis)> CreateAsync(string connection)
    {
        var options = ConfigurationOptions.Parse(connection);
        options.AbortOnConnectFail = false;
        options.SentinelPassword ??= options.Password;
        var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var telemetry = new RedisTelemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        // The services' ride-through (deadline, retry of transient failures, attempt timeout), without their Sentinel
        // view: one slow answer on a busy machine is tried again, as in the API, instead of ending a contender.
        var resilience = new RedisResilienceOptions();
        var pipeline = new ResiliencePipelineBuilder().AddRedisRideThrough(resilience, canRecover: _ => true).Build();
        var locks = new RedisDistributedLock(redis, pipeline, resilience.Timeout, new DistributedLockOptions(),
            telemetry, TimeProvider.System, NullLogger<RedisDistributedLock>.Instance);
        return (locks, redis);
    }
}
