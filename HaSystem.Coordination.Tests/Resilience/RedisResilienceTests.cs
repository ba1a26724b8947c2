using HaSystem.Coordination.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace HaSystem.Coordination.Tests.Resilience;

/// <summary>Which failures a failover cures (and are worth trying again) and which are not.</summary>
public sealed class RedisResilienceTests
{
    // Guards the ride-through against giving up on a replica's or a lone primary's refusal (a failover in progress),
    // and against retrying for 8 s what can never succeed (a script error, a wrong type, an open breaker).
    [Theory]
    [InlineData("READONLY You can't write against a read only replica.", true)]
    [InlineData("NOREPLICAS Not enough good replicas to write.", true)]
    [InlineData("LOADING Redis is loading the dataset in memory", true)]
    [InlineData("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", true)]
    [InlineData("ERR Error running script (call to f_1234): @user_script:1: READONLY You can't write against a read only replica.", true)]
    [InlineData("WRONGTYPE Operation against a key holding the wrong kind of value", false)]
    [InlineData("ERR value is not an integer or out of range", false)]
    public void A_server_reply_is_transient_only_when_a_failover_or_a_moment_cures_it(string reply, bool transient)
    {
        // The reply text is what is classified; the kind-taking constructor is an experimental API of the client.
#pragma warning disable CS0618
        Assert.Equal(transient, RedisResilience.IsTransient(new RedisServerException(reply)));
#pragma warning restore CS0618
    }

    [Fact]
    public void Connection_failures_and_timeouts_are_transient_an_open_breaker_is_not()
    {
        Assert.True(RedisResilience.IsTransient(new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "gone", null, CommandStatus.Sent)));
        Assert.True(RedisResilience.IsTransient(new RedisTimeoutException(CommandFlags.None, "slow", CommandStatus.Sent)));
        Assert.True(RedisResilience.IsTransient(new TimeoutRejectedException()));
        Assert.False(RedisResilience.IsTransient(new BrokenCircuitException()));
        Assert.True(RedisResilience.IsRedisFailure(new BrokenCircuitException()));
    }

    private static readonly RedisResilienceOptions Quick = new()
    {
        Timeout = TimeSpan.FromMilliseconds(100),
        RequestDeadline = TimeSpan.FromSeconds(5),
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(10),
    };

    // Guards a hostless client (the lock bench's contenders) against ending on one slow answer: an attempt that outlasts
    // its timeout is abandoned and tried again within the deadline, as the services' pipelines do.
    [Fact]
    public async Task A_ride_through_tries_again_an_attempt_that_outlasted_its_timeout()
    {
        var pipeline = new ResiliencePipelineBuilder().AddRedisRideThrough(Quick, canRecover: _ => true).Build();
        var attempts = 0;

        var reply = await pipeline.ExecuteCommandAsync(async attempt =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), attempt);
            }

            return "PONG";
        });

        Assert.Equal("PONG", reply);
        Assert.Equal(2, attempts);
    }

    // Guards against waiting out the deadline for what cannot succeed: a failure that is not transient, or one the
    // caller knows no failover will cure, reaches the caller after one attempt.
    [Fact]
    public async Task A_ride_through_gives_up_at_once_on_a_lasting_failure_or_when_nothing_can_recover()
    {
        var attempts = 0;
        var anything = new ResiliencePipelineBuilder().AddRedisRideThrough(Quick, canRecover: _ => true).Build();
        await Assert.ThrowsAsync<InvalidOperationException>(() => anything.ExecuteCommandAsync<string>(_ =>
        {
            attempts++;
            throw new InvalidOperationException("a script error");
        }));
        Assert.Equal(1, attempts);

        attempts = 0;
        var hopeless = new ResiliencePipelineBuilder().AddRedisRideThrough(Quick, canRecover: _ => false).Build();
        await Assert.ThrowsAsync<RedisTimeoutException>(() => hopeless.ExecuteCommandAsync<string>(_ =>
        {
            attempts++;
            throw new RedisTimeoutException(CommandFlags.None, "slow", CommandStatus.Sent);
        }));
        Assert.Equal(1, attempts);
    }
}
