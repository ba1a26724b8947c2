using HaSystem.Coordination.Locking;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Fault;
using StackExchange.Redis;

namespace HaSystem.Coordination.Tests.Locking;

/// <summary>
/// A lease's renewal, loss and expiry as its holder's clock sees them: the clock is a <see cref="FakeTimeProvider"/>
/// the test moves, Redis is real. A lease of 10 s renews every 3.3 s and counts itself lost at 9 s (its 10 % safety margin).
/// </summary>
public sealed class LeaseClockTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    private IDatabase Db => redis.Connection.GetDatabase();

    // Guards against a leader that loses its lease while working (no renewal, or one scheduled by the wrong clock).
    [Fact]
    public async Task A_held_lease_renews_itself_when_a_renewal_interval_has_passed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var key = Key();
        await using var lease = await LockTestFactory.Create(redis.Connection, time: clock)
            .AcquireAsync(new LockRequest(key, Ttl) { Holder = "test" }, TimeSpan.FromSeconds(5));
        await Db.KeyExpireAsync(key, TimeSpan.FromSeconds(4)); // so that only a renewal can lift it back to 10 s

        await AdvanceUntilAsync(clock, TimeSpan.FromSeconds(5), "the renewal to reach Redis", async () => await Db.KeyTimeToLiveAsync(key) > TimeSpan.FromSeconds(5));
        Assert.True(lease.IsHeld);
    }

    // Guards against two holders: a renewal that finds someone else's lock must end the lease at once, not at its deadline.
    [Fact]
    public async Task A_lease_taken_over_is_lost_at_its_next_renewal()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var key = Key();
        await using var lease = await LockTestFactory.Create(redis.Connection, time: clock)
            .AcquireAsync(new LockRequest(key, Ttl) { Holder = "test" }, TimeSpan.FromSeconds(5));
        await Db.KeyDeleteAsync([key, LockKeys.For(key).Holder]);
        await using var other = await LockTestFactory.Create(redis.Connection).AcquireAsync(LockTestFactory.Request(key) with { Holder = "other" }, TimeSpan.FromSeconds(5));

        // At the first renewal (3.3 s), well before the lease's own deadline (9 s).
        await AdvanceUntilAsync(clock, TimeSpan.FromSeconds(5), "the lease to be lost", () => Task.FromResult(!lease.IsHeld));
        Assert.True(lease.LeaseLost.IsCancellationRequested);
        Assert.Equal(other.OwnerToken, (string?)await Db.StringGetAsync(key));
    }

    // Guards the safety margin: a holder whose renewals fail (Redis unreachable) stops before Redis lets the key
    // expire, so nobody else can hold the lock while it still works.
    [Fact]
    public async Task A_lease_that_cannot_be_renewed_is_lost_before_its_key_expires_in_Redis()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var unreachable = false;
        var failedRenewals = 0;
        var pipeline = new ResiliencePipelineBuilder()
            .AddChaosFault(new ChaosFaultStrategyOptions
            {
                EnabledGenerator = _ => ValueTask.FromResult(unreachable),
                FaultGenerator = _ => ValueTask.FromResult<Exception?>(new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "unreachable")),
                InjectionRate = 1,
                OnFaultInjected = _ =>
                {
                    Interlocked.Increment(ref failedRenewals);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(LockTestFactory.Attempt)
            .Build();
        var key = Key();
        await using var lease = await LockTestFactory.Create(redis.Connection, pipeline, clock)
            .AcquireAsync(new LockRequest(key, Ttl) { Holder = "test" }, TimeSpan.FromSeconds(5));
        unreachable = true;

        await AdvanceAsync(clock, TimeSpan.FromSeconds(8.5));
        await UntilAsync("a renewal to fail", () => Task.FromResult(Volatile.Read(ref failedRenewals) > 0));
        Assert.True(lease.IsHeld, "A failed renewal ended the lease before its deadline.");

        await AdvanceAsync(clock, TimeSpan.FromSeconds(0.6));

        await UntilAsync("the lease to be lost at 9 s", () => Task.FromResult(!lease.IsHeld));
        Assert.True(await Db.KeyExistsAsync(key), "Redis let the key expire before the holder knew its lease was lost.");
    }

    private static string Key() => $"lock:test:{Guid.NewGuid():N}";

    // The renewal loop runs on another thread and schedules each renewal on the fake clock when it gets there: a clock
    // moved in one jump before that would skip the renewal for good. Small steps, with real time between them, let the
    // loop see every step.
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private static async Task AdvanceAsync(FakeTimeProvider clock, TimeSpan by)
    {
        for (var moved = TimeSpan.Zero; moved < by; moved += Step)
        {
            clock.Advance(Step);
            await Task.Delay(10);
        }
    }

    private static async Task AdvanceUntilAsync(FakeTimeProvider clock, TimeSpan upTo, string what, Func<Task<bool>> condition)
    {
        for (var moved = TimeSpan.Zero; !await condition(); moved += Step)
        {
            Assert.True(moved < upTo, $"Not within {upTo.TotalSeconds} s of the lease's clock: {what}.");
            clock.Advance(Step);
            await Task.Delay(10);
        }
    }

    private static async Task UntilAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Settle;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within {Settle.TotalSeconds} s: {what}.");
            await Task.Delay(20);
        }
    }
}
