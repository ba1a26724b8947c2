using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Decides, each time a node starts, which node it must replicate from. A restarted node must join the primary
/// the Sentinels elected while it was away, never come back as a second primary.
/// </summary>
internal static class RedisPrimaryResolver
{
    /// <summary>The port of the primary <paramref name="node"/> should follow, or <see langword="null"/> if it is the primary.</summary>
    public static async Task<int?> ResolvePrimaryPortForAsync(RedisNodeResource node, IServiceProvider services, CancellationToken cancellationToken)
    {
        var primaryPort = await AskSentinelsAsync(node.Group, services, cancellationToken).ConfigureAwait(false)
            ?? await RedisConfigFiles.GetPortAsync(node.Group.LastKnownPrimary.PrimaryEndpoint, cancellationToken).ConfigureAwait(false);
        var ownPort = await RedisConfigFiles.GetPortAsync(node.PrimaryEndpoint, cancellationToken).ConfigureAwait(false);
        return primaryPort == ownPort ? null : primaryPort;
    }

    private static async Task<int?> AskSentinelsAsync(RedisMonitoredGroupResource group, IServiceProvider services, CancellationToken cancellationToken)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var client = services.GetRequiredService<RedisAdminClient>();
        foreach (var sentinel in group.Topology.Sentinels)
        {
            // At first start the Sentinels are not running yet (they wait for the nodes): skip them at once.
            if (!notifications.TryGetCurrentState(sentinel.Name, out var state) || state.Snapshot.State?.Text != KnownResourceStates.Running)
            {
                continue;
            }

            if (await client.TryGetPrimaryAsync(sentinel, group.Name, cancellationToken).ConfigureAwait(false) is System.Net.IPEndPoint primary)
            {
                return primary.Port;
            }
        }

        return null;
    }
}
