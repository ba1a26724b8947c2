using HaSystem.Coordination.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace HaSystem.Coordination.Tests.Redis;

/// <summary>The watch's life cycle as the host drives it.</summary>
public sealed class RedisSentinelWatchTests
{
    // Guards against a service whose start failed (a port taken, a certificate missing) crashing in its shutdown with an
    // ObjectDisposedException that hides why it failed: the host disposes the watch twice, as a keyed singleton and as a
    // hosted service.
    [Fact]
    public async Task Disposing_the_watch_twice_is_harmless_even_when_it_never_started()
    {
        var watch = new RedisSentinelWatch("state", ConfigurationOptions.Parse("127.0.0.1:1,serviceName=state"), new RedisRoleTopologyOptions(),
            TimeProvider.System, NullLogger<RedisSentinelWatch>.Instance);

        await watch.DisposeAsync();
        await watch.DisposeAsync();
    }
}
