using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Polls every running node twice a second and publishes its replication role to the dashboard, so the names
/// stay fixed while the roles move with failovers. Each change is also written to the group's log. A node that
/// answers as primary while the Sentinels have promoted another (an old primary back from a pause or a partition) is
/// turned into a replica of the promoted one at once, as the Sentinels themselves would on their next check, up to
/// 10 s later: clients that still write to it get refusals (it has no replica to confirm a write) until then.
/// </summary>
internal sealed partial class RedisRoleMonitor(
    DistributedApplicationModel model,
    RedisAdminClient client,
    ResourceNotificationService notifications,
    ResourceLoggerService loggers,
    IServiceProvider services) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<string, string> _published = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var groups = model.Resources.OfType<RedisMonitoredGroupResource>().ToArray();
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var group in groups)
            {
                try
                {
                    await ObserveAsync(group, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // One failed observation must not stop the monitor (nor, through it, the AppHost).
                    var logger = loggers.GetLogger(group);
                    LogUnobservable(logger, ex);
                }
            }
        }
    }

    private async Task ObserveAsync(RedisMonitoredGroupResource group, CancellationToken cancellationToken)
    {
        var running = group.Nodes.Where(IsRunning).ToArray();
        var observations = await Task.WhenAll(running.Select(async node =>
            (Node: node, Info: await client.TryGetReplicationAsync(node, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);

        foreach (var node in group.Nodes.Except(running))
        {
            await PublishNodeAsync(node, "stopped", replication: null).ConfigureAwait(false);
        }

        foreach (var (node, info) in observations)
        {
            var replication = info is { IsPrimary: false } ? $"{info.PrimaryAddress} (link {(info.LinkUp ? "up" : "down")})" : "";
            await PublishNodeAsync(node, info?.Role ?? "unreachable", replication).ConfigureAwait(false);
        }

        var claiming = observations.Where(o => o.Info is { IsPrimary: true }).Select(o => o.Node).ToArray();
        if (claiming.Length > 1)
        {
            await DemoteStrayPrimariesAsync(group, claiming, cancellationToken).ConfigureAwait(false);
        }

        // With two nodes claiming the role for a moment (an old primary not yet demoted), the one that has
        // replicas attached is the one the Sentinels chose.
        var primary = observations
            .Where(o => o.Info is { IsPrimary: true })
            .OrderByDescending(o => o.Info!.ConnectedReplicas)
            .Select(o => o.Node)
            .FirstOrDefault();
        if (primary is not null && primary != group.LastKnownPrimary)
        {
            LogPrimaryMoved(loggers.GetLogger(group), group.Name, group.LastKnownPrimary.Name, primary.Name);
            group.LastKnownPrimary = primary;
        }

        await PublishAsync(group, RedisResourceProperties.CurrentPrimary, group.LastKnownPrimary.Name).ConfigureAwait(false);
    }

    private async Task DemoteStrayPrimariesAsync(RedisMonitoredGroupResource group, RedisNodeResource[] claiming, CancellationToken cancellationToken)
    {
        foreach (var node in claiming)
        {
            var promoted = await RedisPrimaryResolver.FindPromotedPrimaryAsync(node, services, cancellationToken).ConfigureAwait(false);
            if (promoted is not { } port)
            {
                continue;
            }

            // What a Sentinel sends: follow the promoted primary, then drop the clients, so that they reconnect and find
            // out who the primary is instead of writing on to this one.
            var server = await client.GetServerAsync(node, cancellationToken).ConfigureAwait(false);
            await server.ExecuteAsync("REPLICAOF", RedisConfigFiles.LoopbackAddress, port).ConfigureAwait(false);
            await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal").ConfigureAwait(false);
            await server.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub").ConfigureAwait(false);
            LogDemoted(loggers.GetLogger(group), node.Name, group.Name, port);
        }
    }

    private bool IsRunning(RedisNodeResource node) =>
        notifications.TryGetCurrentState(node.Name, out var state) && state.Snapshot.State?.Text == KnownResourceStates.Running;

    private async Task PublishNodeAsync(RedisNodeResource node, string role, string? replication)
    {
        if (await PublishAsync(node, RedisResourceProperties.Role, role).ConfigureAwait(false))
        {
            var logger = loggers.GetLogger(node);
            LogRole(logger, role);

            // Custom properties sit behind "Show all" in the dashboard; the icon shows the primary in the list itself.
            var (icon, variant) = role switch
            {
                "primary" => ("Star", IconVariant.Filled),
                "replica" => ("Copy", IconVariant.Regular),
                _ => ("PlugDisconnected", IconVariant.Regular),
            };
            await notifications.PublishUpdateAsync(node, snapshot => snapshot with { IconName = icon, IconVariant = variant }).ConfigureAwait(false);
        }

        if (replication is not null)
        {
            await PublishAsync(node, RedisResourceProperties.ReplicationSource, replication).ConfigureAwait(false);
        }
    }

    private async Task<bool> PublishAsync(IResource resource, string property, string value)
    {
        var key = $"{resource.Name}/{property}";
        if (_published.TryGetValue(key, out var previous) && previous == value)
        {
            return false;
        }

        _published[key] = value;
        await notifications.PublishUpdateAsync(resource, snapshot => snapshot with
        {
            Properties = snapshot.Properties
                .Where(p => p.Name != property)
                .Append(new ResourcePropertySnapshot(property, value))
                .ToImmutableArray(),
        }).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not observe the roles of the group.")]
    private static partial void LogUnobservable(ILogger logger, Exception exception);


    [LoggerMessage(Level = LogLevel.Warning, Message = "{Node} answered as primary of '{Group}' although the Sentinels promoted the node on port {Port}: made it a replica of that node.")]
    private static partial void LogDemoted(ILogger logger, string node, string group, int port);


    [LoggerMessage(Level = LogLevel.Warning, Message = "Primary of '{Group}' moved from {Previous} to {Current}.")]
    private static partial void LogPrimaryMoved(ILogger logger, string group, string previous, string current);


    [LoggerMessage(Level = LogLevel.Information, Message = "Role: {Role}.")]
    private static partial void LogRole(ILogger logger, string role);
}
