using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Telemetry;
using HaSystem.Coordination.RateLimiting;
using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using StackExchange.Redis;

namespace HaSystem.ApiService.RateLimiting;

/// <summary>
/// A fixed window per tenant, counted in the <c>state</c> role so that all replicas share one budget. When Redis
/// cannot be reached (the breaker is open or the call fails) the decision falls back to an in-process limiter with
/// the same limit per replica: the API keeps limiting, a little more generously, instead of failing requests.
/// </summary>
public sealed class TenantRateLimiter(
    [FromKeyedServices(RedisRoles.State)] IConnectionMultiplexer state,
    ResiliencePipelineProvider<string> pipelines,
    IOptions<TenantRateLimitOptions> options,
    ApiTelemetry telemetry)
{
    private readonly ConcurrentDictionary<TenantId, FixedWindowRateLimiter> _local = new();
    private readonly ResiliencePipeline _redis = pipelines.For(RedisRoles.State, RedisCaller.RateLimiter);

    public async Task<RateLimitDecision> AcquireAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            var (count, remaining) = await RedisFixedWindow.HitAsync(state.GetDatabase(), RedisKeyspace.TenantRateLimit(tenant.ToString()), settings.Window, _redis, cancellationToken);
            return new RateLimitDecision(count <= settings.PermitLimit, remaining, "redis");
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            telemetry.RateLimitFallbacks.Add(1);
            var limiter = _local.GetOrAdd(tenant, _ => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = settings.PermitLimit,
                Window = settings.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
            using var lease = limiter.AttemptAcquire();
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : settings.Window;
            return new RateLimitDecision(lease.IsAcquired, retryAfter, "local");
        }
    }
}

public sealed record RateLimitDecision(bool Allowed, TimeSpan RetryAfter, string DecidedBy);
