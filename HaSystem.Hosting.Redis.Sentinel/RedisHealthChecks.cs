using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A node is healthy when it answers and, if it is a replica, its link to the primary is up: a replica that
/// has not finished its first sync cannot be promoted, so Sentinels must not start before it is ready.
/// </summary>
internal sealed class RedisNodeHealthCheck(RedisAdminClient client, RedisNodeResource node) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var info = await client.TryGetReplicationAsync(node, cancellationToken).ConfigureAwait(false);
        return info switch
        {
            null => HealthCheckResult.Unhealthy($"{node.Name} does not answer."),
            { IsPrimary: true } => HealthCheckResult.Healthy("primary"),
            { LinkUp: true } => HealthCheckResult.Healthy($"replica of {info.PrimaryAddress}"),
            _ => HealthCheckResult.Unhealthy($"replica of {info.PrimaryAddress}, link down"),
        };
    }
}

/// <summary>
/// A Sentinel is healthy when it knows every replica and every other Sentinel of every group it monitors.
/// Before that it would refuse to fail over (<c>-failover-abort-no-good-slave</c>) or could not reach quorum.
/// </summary>
internal sealed class RedisSentinelHealthCheck(RedisAdminClient client, RedisSentinelResource sentinel) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var server = await client.GetServerAsync(sentinel, cancellationToken).ConfigureAwait(false);
            if (!server.IsConnected)
            {
                return HealthCheckResult.Unhealthy($"{sentinel.Name} does not answer.");
            }

            var otherSentinels = sentinel.Topology.Sentinels.Count - 1;
            foreach (var group in sentinel.Topology.Groups)
            {
                var replicas = await server.SentinelReplicasAsync(group.Name).ConfigureAwait(false);
                var sentinels = await server.SentinelSentinelsAsync(group.Name).ConfigureAwait(false);
                if (replicas.Length < group.Nodes.Count - 1 || sentinels.Length < otherSentinels)
                {
                    return HealthCheckResult.Unhealthy(
                        $"{group.Name}: knows {replicas.Length}/{group.Nodes.Count - 1} replicas and {sentinels.Length}/{otherSentinels} other Sentinels.");
                }
            }

            return HealthCheckResult.Healthy();
        }
        catch (RedisException ex)
        {
            return HealthCheckResult.Unhealthy($"{sentinel.Name}: {ex.Message}");
        }
    }
}

/// <summary>
/// A group is healthy when one more fault would still be survived: a majority of Sentinels name the same primary, that
/// node answers as primary, every other node of the group is connected to it as a replica, and every Sentinel answers.
/// Before its first election the group is Unhealthy (still starting); after it, anything less is Degraded, with the
/// reason: the group may well serve, but it has lost redundancy.
/// </summary>
internal sealed class RedisGroupHealthCheck(RedisAdminClient client, RedisMonitoredGroupResource group) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sentinels = group.Topology.Sentinels;
        var answers = await Task.WhenAll(sentinels.Select(s => client.TryGetPrimaryAsync(s, group.Name, cancellationToken))).ConfigureAwait(false);
        var answering = answers.Count(a => a is not null);
        var agreed = answers.OfType<System.Net.EndPoint>()
            .GroupBy(e => e.ToString() ?? string.Empty)
            .OrderByDescending(g => g.Count())
            .FirstOrDefault();
        if (agreed is null || agreed.Count() <= sentinels.Count / 2)
        {
            return NotServing($"No majority of Sentinels agrees on the primary of '{group.Name}' ({answering} of {sentinels.Count} answer).");
        }

        var primary = await FindNodeAsync(agreed.Key, cancellationToken).ConfigureAwait(false);
        if (primary is null)
        {
            return NotServing($"The Sentinels name {agreed.Key}, which is not a node of '{group.Name}'.");
        }

        var info = await client.TryGetReplicationAsync(primary, cancellationToken).ConfigureAwait(false);
        if (info is not { IsPrimary: true })
        {
            return NotServing($"The Sentinels name {primary.Name}, which does not answer as primary.");
        }

        group.MarkElected();
        var problems = new List<string>();
        if (info.OnlineReplicas < group.Nodes.Count - 1)
        {
            problems.Add($"{info.OnlineReplicas} of {group.Nodes.Count - 1} replicas connected");
        }

        if (answering < sentinels.Count)
        {
            problems.Add($"{answering} of {sentinels.Count} Sentinels answer (quorum {group.Topology.Options.Quorum})");
        }

        return problems.Count == 0
            ? HealthCheckResult.Healthy($"primary is {primary.Name}")
            : HealthCheckResult.Degraded($"primary is {primary.Name}; lost redundancy: {string.Join("; ", problems)}.");
    }

    private HealthCheckResult NotServing(string reason) =>
        group.FirstElection.IsCompleted ? HealthCheckResult.Degraded($"No primary: {reason}") : HealthCheckResult.Unhealthy(reason);

    private async Task<RedisNodeResource?> FindNodeAsync(string endpoint, CancellationToken cancellationToken)
    {
        foreach (var node in group.Nodes)
        {
            var port = await RedisConfigFiles.GetPortAsync(node.PrimaryEndpoint, cancellationToken).ConfigureAwait(false);
            if (endpoint.EndsWith($":{port}", StringComparison.Ordinal))
            {
                return node;
            }
        }

        return null;
    }
}
