using HaSystem.ServiceDefaults.Redis;
using HaSystem.ServiceDefaults.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisResilienceExtensions
{
    /// <summary>
    /// A timeout inside a circuit breaker for each Redis role (<see cref="RedisResilience.PipelineName"/>). While a
    /// role is down its breaker is open and calls fail in microseconds instead of each waiting for a timeout; after
    /// <see cref="RedisResilienceOptions.BreakDuration"/> one call probes.
    /// </summary>
    public static TBuilder AddRedisResilience<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(RedisBreakers)))
        {
            return builder;
        }

        builder.Services.AddValidatedOptions<RedisResilienceOptions>(RedisResilienceOptions.SectionName);
        builder.AddRedisTelemetry();
        builder.Services.TryAddSingleton<RedisBreakers>();
        foreach (var role in RedisRoles.All)
        {
            builder.Services.AddResiliencePipeline(RedisResilience.PipelineName(role), (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<RedisResilienceOptions>>().Value;
                var breakers = context.ServiceProvider.GetRequiredService<RedisBreakers>();
                pipeline
                    .AddCircuitBreaker(new CircuitBreakerStrategyOptions
                    {
                        FailureRatio = options.FailureRatio,
                        MinimumThroughput = options.MinimumThroughput,
                        SamplingDuration = options.SamplingDuration,
                        BreakDuration = options.BreakDuration,
                        ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutRejectedException>().Handle<TimeoutException>(),
                        OnOpened = args => breakers.Transition(role, "open", args.Outcome.Exception),
                        OnHalfOpened = _ => breakers.Transition(role, "half-open", null),
                        OnClosed = _ => breakers.Transition(role, "closed", null),
                    })
                    .AddTimeout(options.Timeout);
            });
        }

        return builder;
    }
}
