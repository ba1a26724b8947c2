using System.Diagnostics;
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

    // Guards a follower's quick take-over: a busy attempt must tell how long the holder's lease has left, so the
    // follower can ask again the moment it runs out instead of up to one interval later.
    [Fact]
    public async Task A_busy_attempt_tells_how_long_the_holders_lease_has_left()
    {
        var locks = LockTestFactory.Create(redis.Connection);
        var key = $"lock:test:{Guid.NewGuid():N}";
        await using var lease = await locks.AcquireAsync(LockTestFactory.Request(key), TimeSpan.FromSeconds(5));
        await Db.KeyPersistAsync(key);
        await Db.KeyExpireAsync(key, TimeSpan.FromMilliseconds(300));

        var busy = await locks.AttemptAsync(LockTestFactory.Request(key) with { Holder = "other" });

        Assert.Null(busy.Lease);
        Assert.InRange(busy.HeldFor, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(300));

        // As a follower does: ask again when told to. With an interval of 5 s, a take-over well before it shows the
        // attempt came when the lease ran out.
        var interval = TimeSpan.FromSeconds(5);
        var started = Stopwatch.StartNew();
        var attempt = busy;
        while (attempt.Lease is null && started.Elapsed < interval)
        {
            await Task.Delay(attempt.RetryAfter(interval));
            attempt = await locks.AttemptAsync(LockTestFactory.Request(key) with { Holder = "other" });
        }

        await using var next = attempt.Lease;
        Assert.NotNull(next);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"Taken over after {started.Elapsed.TotalSeconds:0.00} s, not when the lease ran out.");
    }

    // Guards against a follower that asks every 10 ms while a lock key without an expiry stands (PTTL -1, read as
    // "runs out now"): it keeps to its interval until someone deletes the key.
    [Fact]
    public async Task A_lock_key_without_an_expiry_keeps_a_contender_to_its_interval()
    {
        var locks = LockTestFactory.Create(redis.Connection);
        var key = $"lock:test:{Guid.NewGuid():N}";
        await using var lease = await locks.AcquireAsync(LockTestFactory.Request(key), TimeSpan.FromSeconds(5));
        Assert.True(await Db.KeyPersistAsync(key));

        var busy = await locks.AttemptAsync(LockTestFactory.Request(key) with { Holder = "other" });

        Assert.Null(busy.Lease);
        Assert.Equal(TimeSpan.MaxValue, busy.HeldFor);
        Assert.Equal(TimeSpan.FromSeconds(1), busy.RetryAfter(TimeSpan.FromSeconds(1)));
    }

    // Guards against a follower that spins on a lease about to expire, and one that waits past its interval for a
    // holder that keeps renewing.
    [Theory]
    [InlineData(4_000, 1_000)]
    [InlineData(1_000, 1_000)]
    [InlineData(400, 400)]
    [InlineData(0, 10)]
    public void The_next_attempt_comes_at_the_interval_or_when_the_holders_lease_runs_out(int heldForMs, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), new LockAttempt(null, TimeSpan.FromMilliseconds(heldForMs)).RetryAfter(TimeSpan.FromSeconds(1)));
}
