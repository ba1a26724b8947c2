namespace HaSystem.ApiService.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>The API's meter and activity source, exported with the service defaults' OpenTelemetry.</summary>
    public static IHostApplicationBuilder AddApiTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiTelemetry>();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(ApiTelemetry.Name).AddMeter("Polly"))
            .WithTracing(tracing => tracing.AddSource(ApiTelemetry.Name));
        return builder;
    }
}
