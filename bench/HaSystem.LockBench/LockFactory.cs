using HaSystem.ServiceDefaults.Locking;
using HaSystem.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using StackExchange.Redis;

namespace HaSystem.LockBench;

/// <summary>The same <see cref="RedisDistributedLock"/> the services use, built without a host.</summary>
public static class LockFactory
{
    public static Task<(RedisDistributedLock Lock, ConnectionMultiplexer Redis)> CreateAsync(int replicaAcknowledgements = 1) =>
        CreateAsync(Environment.GetEnvironmentVariable("HASYSTEM_REDIS")
            ?? throw new InvalidOperationException("Set HASYSTEM_REDIS to the Redis connection string."), replicaAcknowledgements);

    public static async Task<(RedisDistributedLock Lock, ConnectionMultiplexer Redis)> CreateAsync(string connection, int replicaAcknowledgements = 1)
    {
        var options = ConfigurationOptions.Parse(connection);
        options.AbortOnConnectFail = false;
        options.SentinelPassword ??= options.Password;
        var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var telemetry = new RedisTelemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var pipeline = new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromMilliseconds(500)).Build();
        var locks = new RedisDistributedLock(redis, pipeline, new DistributedLockOptions { ReplicaAcknowledgements = replicaAcknowledgements },
            telemetry, TimeProvider.System, NullLogger<RedisDistributedLock>.Instance);
        return (locks, redis);
    }
}
