using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using HaSystem.Coordination.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Telemetry;
using Polly.Timeout;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the resilience pipelines around direct Redis calls.</summary>
public static class RedisResilienceExtensions
{
    /// <summary>
    /// A pipeline per Redis role and <see cref="RedisCaller"/> (<see cref="RedisResilience.PipelineName"/>), each with a
    /// circuit breaker of its own:
    /// <list type="bullet">
    /// <item>callers that fail fast: breaker, then a timeout of <see cref="RedisResilienceOptions.Timeout"/>;</item>
    /// <item>callers that ride through a failover: breaker, then the <see cref="RedisResilienceOptions.RequestDeadline"/>,
    /// then a retry of every transient failure for as long as the Sentinels say a primary will answer again, each
    /// attempt bounded by <see cref="RedisResilienceOptions.Timeout"/>.</item>
    /// </list>
    /// A failover's burst of errors is absorbed by the retry, so it never reaches a ride-through caller's breaker; only
    /// calls that failed for their whole deadline (the role is down) open it, and then calls fail in microseconds.
    /// </summary>
    public static TBuilder AddRedisResilience<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(RedisBreakers)))
        {
            return builder;
        }

        builder.Services.AddOptions<RedisResilienceOptions>().BindConfiguration(RedisResilienceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.AddRedisTelemetry();
        builder.Services.TryAddSingleton<RedisBreakers>();

        // A failover makes every riding-through call log each attempt's timeout and retry, with a stack trace, at
        // Warning and Error: a burst of CPU on the machine that is failing over. They are counted instead
        // (hasystem.redis.retries), and logged at Debug; breaker transitions stay visible (RedisBreakers logs them).
        builder.Services.Configure<TelemetryOptions>(telemetry =>
        {
            var severity = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args =>
                args.Source.PipelineName?.StartsWith("redis-", StringComparison.Ordinal) == true && args.Event.EventName is "OnRetry" or "OnTimeout" or "ExecutionAttempt"
                    ? ResilienceEventSeverity.Debug
                    : severity?.Invoke(args) ?? args.Event.Severity;
        });
        foreach (var role in RedisRoles.All)
        {
            foreach (var caller in RedisCaller.All)
            {
                builder.Services.AddResiliencePipeline(RedisResilience.PipelineName(role, caller), (pipeline, context) =>
                {
                    var services = context.ServiceProvider;
                    var options = services.GetRequiredService<IOptions<RedisResilienceOptions>>().Value;
                    var breakers = services.GetRequiredService<RedisBreakers>();
                    var name = RedisResilience.PipelineName(role, caller);
                    pipeline.AddCircuitBreaker(new CircuitBreakerStrategyOptions
                    {
                        FailureRatio = options.FailureRatio,
                        MinimumThroughput = options.MinimumThroughput,
                        SamplingDuration = options.SamplingDuration,
                        BreakDuration = options.BreakDuration,
                        ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutRejectedException>().Handle<TimeoutException>(),
                        OnOpened = args => breakers.Transition(role, name, "open", args.Outcome.Exception),
                        OnHalfOpened = _ => breakers.Transition(role, name, "half-open", null),
                        OnClosed = _ => breakers.Transition(role, name, "closed", null),
                    });
                    if (caller.RidesThroughFailover)
                    {
                        AddRideThrough(pipeline, role, caller, options, services);
                    }
                    else
                    {
                        pipeline.AddTimeout(options.Timeout);
                    }
                });
            }
        }

        return builder;
    }

    // Tries again while the failure is one a failover cures and the Sentinels say it can be cured: with the primary
    // and every replica down, or no Sentinel left to promote one, waiting cannot help and the caller hears so at once.
    private static void AddRideThrough(ResiliencePipelineBuilder pipeline, string role, RedisCaller caller, RedisResilienceOptions options, IServiceProvider services)
    {
        var sentinels = services.GetRequiredKeyedService<RedisSentinelWatch>(role);
        var multiplexer = services.GetRequiredKeyedService<IConnectionMultiplexer>(role);
        var follower = services.GetRequiredKeyedService<RedisPrimaryFollower>(role);
        var telemetry = services.GetRequiredService<RedisTelemetry>();
        pipeline.AddRedisRideThrough(options,
            canRecover: _ => sentinels.Current.CanRecover(RedisPrimaryLocator.FindPrimary(multiplexer) is not null),
            onRetry: failure =>
            {
                telemetry.RedisRetries.Add(1,
                    new KeyValuePair<string, object?>("role", role),
                    new KeyValuePair<string, object?>("caller", caller.Name),
                    new KeyValuePair<string, object?>("error", failure?.GetType().Name));
                follower.FollowIfBehind();
            });
    }
}
