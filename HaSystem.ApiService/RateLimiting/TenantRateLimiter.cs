using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Telemetry;
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
    // INCR and the expiry of the window in one atomic step; returns the count and the time left in the window.
    private static readonly LuaScript Script = LuaScript.Prepare(
        "local c = redis.call('INCR', @key) " +
        "if c == 1 then redis.call('PEXPIRE', @key, @window) end " +
        "return { c, redis.call('PTTL', @key) }");

    private readonly ConcurrentDictionary<TenantId, FixedWindowRateLimiter> _local = new();
    private readonly ResiliencePipeline _redis = pipelines.For(RedisRoles.State, RedisCaller.RateLimiter);

    public async Task<RateLimitDecision> AcquireAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            var result = (RedisResult[])(await _redis.ExecuteCommandAsync(_ => state.GetDatabase()
                .ScriptEvaluateAsync(Script, new { key = (RedisKey)$"{RedisKeyspace.TenantRateLimits}{tenant}:ratelimit", window = (long)settings.Window.TotalMilliseconds }), cancellationToken))!;
            var count = (long)result[0];
            var remaining = TimeSpan.FromMilliseconds(Math.Max(0, (long)result[1]));
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
