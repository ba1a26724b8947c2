using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace HaSystem.ServiceDefaults.Redis;

/// <summary>
/// Reports a Redis group as Degraded, never Unhealthy, when it cannot be reached: the service keeps serving from its
/// fallbacks, so a load balancer must keep it in rotation. The report names the primary in use, never the password.
/// </summary>
public sealed class RedisRoleHealthCheck(IConnectionMultiplexer multiplexer, string role) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var primary = RedisPrimaryLocator.FindPrimary(multiplexer);
        if (primary is null)
        {
            return HealthCheckResult.Degraded($"Redis '{role}' has no connected primary.");
        }

        try
        {
            var latency = await multiplexer.GetServer(primary).PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis '{role}' primary answers.", new Dictionary<string, object>
            {
                ["primary"] = primary.ToString() ?? "",
                ["pingMs"] = Math.Round(latency.TotalMilliseconds, 2),
            });
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Degraded($"Redis '{role}' primary does not answer ({ex.GetType().Name}).");
        }
    }
}
