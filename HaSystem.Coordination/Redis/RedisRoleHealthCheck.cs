using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace HaSystem.Coordination.Redis;

/// <summary>
/// A Redis group is Healthy only when one more fault would still be survived: the client writes to a primary that
/// answers, every configured replica is connected to it, every Sentinel answers, and a <c>noeviction</c> primary has
/// room (<see cref="RedisMemoryPressure"/>). Anything less is Degraded, with
/// the reason, never Unhealthy: the service keeps serving (from fallbacks, or on the remaining nodes), so a load
/// balancer must keep it in rotation. The report names the primary in use, never the password.
/// </summary>
public sealed class RedisRoleHealthCheck(IConnectionMultiplexer multiplexer, RedisSentinelWatch sentinels) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var role = sentinels.Role;
        var primary = RedisPrimaryLocator.FindPrimary(multiplexer);
        var view = sentinels.Current;
        var problems = view.RedundancyProblems(primary is not null).ToList();
        var data = new Dictionary<string, object>
        {
            ["primary"] = primary?.ToString() ?? "",
            ["sentinelPrimary"] = view.Primary ?? "",
            ["replicas"] = $"{view.ReplicasOnline}/{view.ReplicasExpected}",
            ["sentinels"] = $"{Math.Max(0, view.SentinelsAnswering)}/{view.SentinelsConfigured}",
        };

        if (primary is not null)
        {
            try
            {
                var server = multiplexer.GetServer(primary);
                var latency = await server.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                data["pingMs"] = Math.Round(latency.TotalMilliseconds, 2);
                var (used, pressure) = await RedisMemoryPressure.ReadAsync(multiplexer.GetDatabase(), cancellationToken).ConfigureAwait(false);
                if (used is { } share)
                {
                    data["memoryUsed"] = Math.Round(share, 3);
                }

                if (pressure is not null)
                {
                    problems.Add(pressure);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
            {
                problems.Insert(0, $"the primary does not answer ({ex.GetType().Name})");
            }
        }

        return problems.Count == 0
            ? HealthCheckResult.Healthy($"Redis '{role}': primary answers, every replica and Sentinel is up.", data)
            : HealthCheckResult.Degraded($"Redis '{role}' has lost redundancy: {string.Join("; ", problems)}.", data: data);
    }
}
