using HaSystem.Coordination.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>Exports the coordination telemetry.</summary>
public static class RedisTelemetryExtensions
{
    /// <summary>Exports <see cref="RedisTelemetry"/> and Polly's own meter with the service defaults' OpenTelemetry.</summary>
    public static TBuilder AddRedisTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<RedisTelemetry>();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(RedisTelemetry.Name).AddMeter("Polly"))
            .WithTracing(tracing => tracing.AddSource(RedisTelemetry.Name));
        return builder;
    }
}
