using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HaSystem.ApiService.Telemetry;

/// <summary>The API's own activity source, meter and instruments; names are the ones the dashboard shows.</summary>
public sealed class ApiTelemetry : IDisposable
{
    public const string Name = "HaSystem.ApiService";

    public static readonly ActivitySource ActivitySource = new(Name);

    public ApiTelemetry(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(Name);
        CacheLookups = Meter.CreateCounter<long>("hasystem.cache.lookups", description: "Catalog cache lookups by how they were served (l1, l2, source, stale, fallback).");
        Invalidations = Meter.CreateCounter<long>("hasystem.cache.invalidations", description: "Per-tenant cache invalidations.");
        RateLimitRejections = Meter.CreateCounter<long>("hasystem.ratelimit.rejections", description: "Requests rejected by the per-tenant rate limit.");
        RateLimitFallbacks = Meter.CreateCounter<long>("hasystem.ratelimit.fallbacks", description: "Rate-limit decisions taken by the local limiter because Redis was unreachable.");
        SignInsThrottled = Meter.CreateCounter<long>("hasystem.signin.throttled", description: "Sign-in attempts refused (429) because a user name or a client address used up its attempts.");
    }

    public Meter Meter { get; }

    public Counter<long> CacheLookups { get; }

    public Counter<long> Invalidations { get; }

    public Counter<long> RateLimitRejections { get; }

    public Counter<long> RateLimitFallbacks { get; }

    public Counter<long> SignInsThrottled { get; }

    public void Dispose() => Meter.Dispose();
}
