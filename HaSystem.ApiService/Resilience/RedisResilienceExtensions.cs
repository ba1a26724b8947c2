using HaSystem.ApiService.Telemetry;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace HaSystem.ApiService.Resilience;

public static class RedisResilienceExtensions
{
    /// <summary>The name of the pipeline around every direct Redis call of the API.</summary>
    public const string PipelineName = "redis";

    /// <summary>
    /// Timeout inside a circuit breaker. While Redis is down the breaker is open and calls fail in microseconds
    /// instead of each waiting for a timeout; after <see cref="RedisResilienceOptions.BreakDuration"/> one call probes.
    /// </summary>
    public static IHostApplicationBuilder AddRedisResilience(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RedisResilienceOptions>(RedisResilienceOptions.SectionName);
        builder.Services.AddSingleton<RedisBreakerState>();
        builder.Services.AddResiliencePipeline(PipelineName, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<RedisResilienceOptions>>().Value;
            var telemetry = context.ServiceProvider.GetRequiredService<ApiTelemetry>();
            var state = context.ServiceProvider.GetRequiredService<RedisBreakerState>();
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("HaSystem.Redis.Breaker");

            pipeline
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions
                {
                    FailureRatio = options.FailureRatio,
                    MinimumThroughput = options.MinimumThroughput,
                    SamplingDuration = options.SamplingDuration,
                    BreakDuration = options.BreakDuration,
                    ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutRejectedException>().Handle<TimeoutException>(),
                    OnOpened = args => state.Transition("open", telemetry, logger, args.Outcome.Exception),
                    OnHalfOpened = _ => state.Transition("half-open", telemetry, logger, null),
                    OnClosed = _ => state.Transition("closed", telemetry, logger, null),
                })
                .AddTimeout(options.Timeout);
        });
        return builder;
    }
}

/// <summary>The breaker's current state, for <c>/api/info</c>, logs and the transition metric.</summary>
public sealed class RedisBreakerState
{
    private volatile string _state = "closed";

    public string Current => _state;

    internal ValueTask Transition(string state, ApiTelemetry telemetry, ILogger logger, Exception? cause)
    {
        _state = state;
        telemetry.BreakerTransitions.Add(1, new KeyValuePair<string, object?>("state", state));
        if (state == "open")
        {
            logger.LogWarning("Redis circuit breaker opened ({Cause}): Redis calls fail fast.", cause?.GetType().Name ?? "failures");
        }
        else
        {
            logger.LogInformation("Redis circuit breaker is {State}.", state);
        }

        return ValueTask.CompletedTask;
    }
}
