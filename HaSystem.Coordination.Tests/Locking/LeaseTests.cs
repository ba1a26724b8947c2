using HaSystem.Coordination.Locking;
using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace HaSystem.Coordination.Tests.Locking;

/// <summary>Renewal, take-back and release of a lease against a real redis-server.</summary>
public sealed class LeaseTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private IDatabase Db => redis.Connection.GetDatabase();

    // Guards a holder against losing its lease to a failover that lost the lock key (the replica promoted had not
    // received it yet) while nobody else took the lock: its renewal takes it back, with the same token.
    [Fact]
    public async Task A_renewal_takes_back_a_lock_that_a_failover_lost_when_nobody_took_it_since()
    {
        var locks = LockTestFactory.Create(redis.Connection);
        var key = $"lock:test:{Guid.NewGuid():N}";
        await using var lease = await locks.AcquireAsync(LockTestFactory.Request(key), TimeSpan.FromSeconds(5));
        await Db.KeyDeleteAsync([key, LockKeys.For(key).Holder]);

        Assert.True(await lease.ExtendAsync());
        Assert.True(lease.IsHeld);
        Assert.Equal(lease.OwnerToken, (string?)await Db.StringGetAsync(key));
        Assert.Equal(lease.FencingToken, (long)await Db.HashGetAsync(LockKeys.For(key).Holder, "token"));
    }

    // Guards against two holders: once someone acquired after the lost lock (its token is higher), the old holder's
    // renewal must not take it back; its lease is lost instead.
    [Fact]
    public async Task A_renewal_does_not_take_back_a_lock_someone_else_acquired_since()
    {
        var locks = LockTestFactory.Create(redis.Connection);
        var key = $"lock:test:{Guid.NewGuid():N}";
        await using var lease = await locks.AcquireAsync(LockTestFactory.Request(key), TimeSpan.FromSeconds(5));
        await Db.KeyDeleteAsync([key, LockKeys.For(key).Holder]);
        await using (var other = await locks.AcquireAsync(LockTestFactory.Request(key) with { Holder = "other" }, TimeSpan.FromSeconds(5)))
        {
            Assert.True(other.FencingToken > lease.FencingToken);
        }

        Assert.False(await lease.ExtendAsync());
        Assert.False(lease.IsHeld);
        Assert.False(await Db.KeyExistsAsync(key));
    }

    // Guards against a lock held by nobody for its whole time to live: a release must not wait on (or be refused by)
    // an open breaker in front of the lock's other calls.
    [Fact]
    public async Task A_release_goes_through_while_the_locks_breaker_is_open()
    {
        var breaker = new CircuitBreakerManualControl();
        var pipeline = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions { ManualControl = breaker })
            .AddTimeout(LockTestFactory.Attempt)
            .Build();
        var locks = LockTestFactory.Create(redis.Connection, pipeline);
        var key = $"lock:test:{Guid.NewGuid():N}";
        var lease = await locks.AcquireAsync(LockTestFactory.Request(key), TimeSpan.FromSeconds(5));

        await breaker.IsolateAsync();
        await Assert.ThrowsAsync<LockUnavailableException>(() => locks.TryAcquireAsync(LockTestFactory.Request($"{key}:other")));
        await lease.DisposeAsync();

        Assert.False(await Db.KeyExistsAsync(key));
    }

    // Guards against a retried acquire (its first answer lost, e.g. across a failover) finding its own lock "busy" and
    // waiting out the lease: the owner asking again gets the token it already holds.
    [Fact]
    public async Task An_acquire_sent_again_by_its_owner_returns_the_token_it_holds()
    {
        var key = $"lock:test:{Guid.NewGuid():N}";
        var owner = Guid.NewGuid().ToString("N");
        RedisValue[] args = [owner, 10_000, "test", 0];
        var first = (RedisResult[])(await Db.ScriptEvaluateAsync(LockScripts.Acquire, LockKeys.For(key).ScriptKeys, args))!;
        var again = (RedisResult[])(await Db.ScriptEvaluateAsync(LockScripts.Acquire, LockKeys.For(key).ScriptKeys, args))!;
        var other = (RedisResult[])(await Db.ScriptEvaluateAsync(LockScripts.Acquire, LockKeys.For(key).ScriptKeys, [Guid.NewGuid().ToString("N"), 10_000, "other", 0]))!;

        Assert.NotEqual(0, (long)first[0]);
        Assert.Equal((long)first[0], (long)again[0]);
        Assert.Equal(0, (long)other[0]);
    }
}
