using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Decides, each time a node starts, which node it must replicate from. A restarted node must join the primary
/// elected while it was away, never come back as a second primary.
/// </summary>
internal static class RedisPrimaryResolver
{
    /// <summary>The port of the primary <paramref name="node"/> should follow, or <see langword="null"/> if it is the primary.</summary>
    /// <remarks>
    /// In order of trust: another running node that answers as primary now (seen directly, so a Sentinel whose view
    /// lags behind a failover cannot mislead us); else the primary a majority of the running Sentinels name; else the
    /// last primary the role monitor saw (node 0 at first start, when nothing else runs yet).
    /// </remarks>
    public static async Task<int?> ResolvePrimaryPortForAsync(RedisNodeResource node, IServiceProvider services, CancellationToken cancellationToken)
    {
        var primaryPort = await FindRunningPrimaryAsync(node, services, cancellationToken).ConfigureAwait(false)
            ?? await AskSentinelsAsync(node.Group, services, cancellationToken).ConfigureAwait(false)
            ?? await RedisConfigFiles.GetPortAsync(node.Group.LastKnownPrimary.PrimaryEndpoint, cancellationToken).ConfigureAwait(false);
        var ownPort = await RedisConfigFiles.GetPortAsync(node.PrimaryEndpoint, cancellationToken).ConfigureAwait(false);
        return primaryPort == ownPort ? null : primaryPort;
    }

    /// <summary>
    /// The port of the node the Sentinels promoted in place of <paramref name="node"/>: a majority of them names another
    /// node, and that node answers as primary. <see langword="null"/> while no failover has completed.
    /// </summary>
    public static async Task<int?> FindPromotedPrimaryAsync(RedisNodeResource node, IServiceProvider services, CancellationToken cancellationToken)
    {
        var named = await AskSentinelsAsync(node.Group, services, cancellationToken).ConfigureAwait(false);
        var ownPort = await RedisConfigFiles.GetPortAsync(node.PrimaryEndpoint, cancellationToken).ConfigureAwait(false);
        var running = await FindRunningPrimaryAsync(node, services, cancellationToken).ConfigureAwait(false);
        return named is { } port && port != ownPort && running == port ? port : null;
    }

    private static async Task<int?> FindRunningPrimaryAsync(RedisNodeResource node, IServiceProvider services, CancellationToken cancellationToken)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var client = services.GetRequiredService<RedisAdminClient>();
        var others = node.Group.Nodes.Where(n => n != node && IsRunning(notifications, n.Name)).ToArray();
        var observed = await Task.WhenAll(others.Select(async n => (Node: n, Info: await client.TryGetReplicationAsync(n, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);

        // Two nodes may claim the role for a moment; the one with replicas attached is the one the Sentinels chose.
        var primary = observed.Where(o => o.Info is { IsPrimary: true }).OrderByDescending(o => o.Info!.ConnectedReplicas).Select(o => o.Node).FirstOrDefault();
        return primary is null ? null : await RedisConfigFiles.GetPortAsync(primary.PrimaryEndpoint, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int?> AskSentinelsAsync(RedisMonitoredGroupResource group, IServiceProvider services, CancellationToken cancellationToken)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var client = services.GetRequiredService<RedisAdminClient>();

        // At first start the Sentinels are not running yet (they wait for the nodes): they are skipped at once.
        var running = group.Topology.Sentinels.Where(s => IsRunning(notifications, s.Name)).ToArray();
        var answers = await Task.WhenAll(running.Select(s => client.TryGetPrimaryAsync(s, group.Name, cancellationToken))).ConfigureAwait(false);
        var majority = answers.OfType<System.Net.IPEndPoint>()
            .GroupBy(e => e.Port)
            .Where(g => g.Count() > group.Topology.Sentinels.Count / 2)
            .Select(g => (int?)g.Key)
            .FirstOrDefault();
        return majority;
    }

    private static bool IsRunning(ResourceNotificationService notifications, string resourceName) =>
        notifications.TryGetCurrentState(resourceName, out var state) && state.Snapshot.State?.Text == KnownResourceStates.Running;
}
