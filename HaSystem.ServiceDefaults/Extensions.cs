using HaSystem.ServiceDefaults.Replicas;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every HaSystem service has in common: telemetry to the Aspire dashboard, service discovery, resilient
/// HTTP clients, health endpoints and the identity of the replica. Each concern lives in its own partial file.
/// </summary>
public static partial class Extensions
{
    /// <summary>Adds the defaults every HaSystem service starts with.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddSingleton(ReplicaIdentity.FromEnvironment());
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }
}
