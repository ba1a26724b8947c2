using HaSystem.Coordination.Locking;
using StackExchange.Redis;

namespace HaSystem.Coordination.Tests.Locking;

/// <summary>Fencing tokens against a real redis-server: they only grow, even when a failover lost the counter.</summary>
public sealed class FencingTokenTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private IDatabase Db => redis.Connection.GetDatabase();

    // Guards against a token handed out twice: a failover that loses the counter's last increments with the old
    // primary must not let the new primary count from an older value.
    [Fact]
    public async Task A_token_is_higher_than_every_earlier_one_even_after_the_counter_was_lost()
    {
        var locks = LockTestFactory.Create(redis.Connection);
        var key = $"lock:test:{Guid.NewGuid():N}";
        long first;
        await using (var lease = await locks.AcquireAsync(LockTestFactory.Request(key), TimeSpan.FromSeconds(5)))
        {
            first = lease.FencingToken;
        }

        // What the promoted replica would have: the counter as it was before (here: gone entirely).
        await Db.KeyDeleteAsync(LockKeys.For(key).Fence);
        await using var again = await locks.AcquireAsync(LockTestFactory.Request(key), TimeSpan.FromSeconds(5));
        Assert.True(again.FencingToken > first, $"Token {again.FencingToken} after {first}.");
    }

    // Guards the same property for a counter rolled back rather than lost, and tokens of consecutive holders.
    [Fact]
    public async Task Tokens_strictly_increase_across_holders_and_a_rolled_back_counter()
    {
        var locks = LockTestFactory.Create(redis.Connection);
        var key = $"lock:test:{Guid.NewGuid():N}";
        var tokens = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            await using var lease = await locks.AcquireAsync(LockTestFactory.Request(key), TimeSpan.FromSeconds(5));
            tokens.Add(lease.FencingToken);
            if (i == 2)
            {
                await Db.StringSetAsync(LockKeys.For(key).Fence, tokens[0]);
            }
        }

        Assert.Equal(tokens.Order(), tokens);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }
}
