using HaSystem.Coordination.Locking;
using HaSystem.Coordination.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using StackExchange.Redis;

namespace HaSystem.Coordination.Tests.Locking;

/// <summary>The lock the services use, over one connection and a pipeline of the test's choosing.</summary>
internal static class LockTestFactory
{
    public static readonly TimeSpan Attempt = TimeSpan.FromMilliseconds(500);

    public static RedisDistributedLock Create(IConnectionMultiplexer redis, ResiliencePipeline? pipeline = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        return new RedisDistributedLock(redis, pipeline ?? new ResiliencePipelineBuilder().AddTimeout(Attempt).Build(), Attempt, new DistributedLockOptions(),
            new RedisTelemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), time ?? TimeProvider.System, NullLogger<RedisDistributedLock>.Instance);
    }

    public static LockRequest Request(string key) => new(key, TimeSpan.FromSeconds(10)) { Holder = "test", AutoRenew = false };
}
