using HaSystem.ServiceDefaults.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

public static partial class Extensions
{
    /// <summary>Registers the liveness check; infrastructure checks (Redis, database) add themselves, untagged.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthEndpoints.LiveTag]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/alive</c> (the process answers), <c>/health/ready</c> (infrastructure checks) and <c>/health</c>
    /// (every check, as JSON) in every environment. Degraded answers 200, so a load balancer keeps an instance
    /// that serves from fallbacks in rotation; the bodies carry no connection strings or exception details.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapHealthChecks(HealthEndpoints.Alive, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthEndpoints.LiveTag),
        }).DisableHttpMetrics().AllowAnonymous();

        app.MapHealthChecks(HealthEndpoints.Ready, new HealthCheckOptions
        {
            Predicate = check => !check.Tags.Contains(HealthEndpoints.LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).DisableHttpMetrics().AllowAnonymous();

        app.MapHealthChecks(HealthEndpoints.Health, new HealthCheckOptions
        {
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).DisableHttpMetrics().AllowAnonymous();

        return app;
    }
}
