using HaSystem.ServiceDefaults.Replicas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        // The one clock every service and library reads (tests replace it): nothing calls DateTime.UtcNow.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler(options =>
            {
                // A 429 is an answer, not a fault: retried, it spends the caller's budget again (the API counts sign-in
                // attempts before it checks them) and waits out a Retry-After past the request's timeout; counted, it
                // would open the breaker in front of every user of the replica.
                options.Retry.ShouldHandle = args => ValueTask.FromResult(IsTransientFault(args.Outcome));
                options.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransientFault(args.Outcome));
            });
            http.AddServiceDiscovery();
        });

        return builder;
    }

    private static bool IsTransientFault(Polly.Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != System.Net.HttpStatusCode.TooManyRequests
        && Microsoft.Extensions.Http.Resilience.HttpClientResiliencePredicates.IsTransient(outcome);
}
