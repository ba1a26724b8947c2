using System.Diagnostics;
using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;
using StackExchange.Redis;

namespace HaSystem.Coordination.Tests.Resilience;

/// <summary>
/// The pipelines the services get from <c>AddRedisResilience</c>, as registered: one breaker per role and caller, and a
/// command abandoned at its attempt's timeout. The failures are thrown by the test; no Redis is needed.
/// </summary>
public sealed class RedisBreakerTests : IDisposable
{
    private readonly IHost _host;

    public RedisBreakerTests()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Redis:Resilience:MinimumThroughput"] = "4";
        builder.Configuration["Redis:Resilience:FailureRatio"] = "0.5";
        builder.Configuration["Redis:Resilience:BreakDuration"] = "00:01:00";
        builder.AddRedisResilience();
        _host = builder.Build();
    }

    private ResiliencePipelineProvider<string> Pipelines => _host.Services.GetRequiredService<ResiliencePipelineProvider<string>>();

    private RedisBreakers Breakers => _host.Services.GetRequiredService<RedisBreakers>();

    // Guards against one caller's failures (the rate limiter during a failover, a cache that is down) opening the
    // breaker in front of another caller or the other role.
    [Fact]
    public async Task Failures_open_the_breaker_of_their_own_role_and_caller_only_and_it_then_fails_fast()
    {
        var limiter = Pipelines.For(RedisRoles.Cache, RedisCaller.RateLimiter);
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<RedisConnectionException>(() =>
                limiter.ExecuteCommandAsync<long>(_ => throw new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "down")));
        }

        var calls = 0;
        await Assert.ThrowsAsync<BrokenCircuitException>(() => limiter.ExecuteCommandAsync(_ => Task.FromResult(++calls)));
        Assert.Equal(0, calls);
        Assert.Equal("open", Breakers.StateOf(RedisRoles.Cache));

        Assert.Equal(1, await Pipelines.For(RedisRoles.Cache, RedisCaller.Diagnostics).ExecuteCommandAsync(_ => Task.FromResult(1)));
        Assert.Equal(1, await Pipelines.For(RedisRoles.State, RedisCaller.RateLimiter).ExecuteCommandAsync(_ => Task.FromResult(1)));
        Assert.Equal("closed", Breakers.StateOf(RedisRoles.State));
    }

    // Guards against a caller stuck for the client's own timeout (seconds) on a command the client cannot cancel: the
    // attempt is abandoned at the pipeline's timeout (500 ms).
    [Fact]
    public async Task A_command_that_does_not_answer_is_abandoned_at_the_attempts_timeout()
    {
        var never = new TaskCompletionSource<long>();
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutRejectedException>(() =>
            Pipelines.For(RedisRoles.State, RedisCaller.Diagnostics).ExecuteCommandAsync(_ => never.Task));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The attempt was given up after {clock.Elapsed.TotalSeconds:0.0} s.");
    }

    public void Dispose() => _host.Dispose();
}
