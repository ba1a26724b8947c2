using HaSystem.Coordination.RateLimiting;
using Polly;

namespace HaSystem.Coordination.Tests.RateLimiting;

/// <summary>The shared rate-limit window against a real redis-server.</summary>
public sealed class RedisFixedWindowTests(RedisServer redis) : IClassFixture<RedisServer>
{
    // Guards against replicas that each count from zero (a budget multiplied by the number of replicas) and a window
    // that a late hit keeps open for ever.
    [Fact]
    public async Task Hits_from_any_client_count_in_one_window_that_its_first_hit_starts()
    {
        var key = $"tenant:test-{Guid.NewGuid():N}:ratelimit";
        var window = TimeSpan.FromSeconds(30);
        var counts = new List<FixedWindowCount>();
        for (var i = 0; i < 5; i++)
        {
            counts.Add(await RedisFixedWindow.HitAsync(redis.Connection.GetDatabase(), key, window, ResiliencePipeline.Empty));
        }

        Assert.Equal([1L, 2L, 3L, 4L, 5L], counts.Select(c => c.Count));
        Assert.All(counts, c => Assert.InRange(c.Remaining, TimeSpan.FromSeconds(29), window));
        Assert.True(counts[^1].Remaining <= counts[0].Remaining, "A later hit moved the window's end.");
    }

    [Fact]
    public async Task When_the_window_ends_the_count_starts_again()
    {
        var key = $"tenant:test-{Guid.NewGuid():N}:ratelimit";
        var window = TimeSpan.FromMilliseconds(300);
        await RedisFixedWindow.HitAsync(redis.Connection.GetDatabase(), key, window, ResiliencePipeline.Empty);
        Assert.Equal(2, (await RedisFixedWindow.HitAsync(redis.Connection.GetDatabase(), key, window, ResiliencePipeline.Empty)).Count);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await redis.Connection.GetDatabase().KeyExistsAsync(key))
        {
            Assert.True(DateTime.UtcNow < deadline, "The window never ended.");
            await Task.Delay(50);
        }

        Assert.Equal(1, (await RedisFixedWindow.HitAsync(redis.Connection.GetDatabase(), key, window, ResiliencePipeline.Empty)).Count);
    }
}
