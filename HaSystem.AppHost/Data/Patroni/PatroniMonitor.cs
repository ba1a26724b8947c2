using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Watches each Patroni cluster twice a second through its own APIs (each node's <c>/patroni</c>, each etcd member's
/// <c>/health</c>) and shows it in the dashboard: each node's role (a star for the primary, as the Redis nodes) and
/// timeline, the cluster's primary, and the view its health check reports. It also releases the services that wait for
/// the first primary, once each database takes a connection as its owner.
/// </summary>
/// <remarks>
/// Started by the cluster's initialisation, not as a hosted service: the AppHost's hosted services start once every
/// resource has started, and the services' first start waits for what this watch sees.
/// </remarks>
internal sealed partial class PatroniMonitor(ResourceNotificationService notifications, ResourceLoggerService loggers)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Watches <paramref name="cluster"/> until <paramref name="stoppingToken"/> (the AppHost stopping).</summary>
    public async Task WatchAsync(PatroniClusterResource cluster, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                try
                {
                    await WatchOnceAsync(cluster, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // One failed look must not end the watch: it is told, and the next look tries again.
                    LogWatchFailed(loggers.GetLogger(cluster), cluster.Name, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    private async Task WatchOnceAsync(PatroniClusterResource cluster, CancellationToken cancellationToken)
    {
        // Only processes that run are asked: an endpoint's port is not known before its process first starts, and asking
        // for it waits until it is.
        var nodes = await Task.WhenAll(cluster.Nodes.Select(n => IsRunning(n) ? ReportAsync(n, cancellationToken) : Task.FromResult(new PatroniNodeView(n.Name, null, null, null)))).ConfigureAwait(false);
        var members = await Task.WhenAll(cluster.EtcdMembers.Select(async m => (m.Name, IsRunning(m) && await HealthyAsync(m, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
        var view = new PatroniClusterView(cluster.Name, nodes, members);
        var previous = cluster.LastView;

        foreach (var (node, report) in cluster.Nodes.Zip(nodes))
        {
            var old = previous?.Nodes.FirstOrDefault(n => n.Name == node.Name);
            if (old is null || old.Role != report.Role || old.Timeline != report.Timeline || old.IsRunning != report.IsRunning)
            {
                node.Role = report.Role;
                await ShowNodeAsync(node, report).ConfigureAwait(false);
            }
        }

        // Published after the roles: whoever reads the view finds the nodes' roles as it tells them.
        cluster.LastView = view;
        var primary = view.Primary is { } p ? cluster.Nodes.First(n => n.Name == p.Name) : null;
        if (primary is not null && primary != cluster.Primary)
        {
            if (cluster.Primary is { } before)
            {
                var logger = loggers.GetLogger(cluster);
                LogNewPrimary(logger, cluster.Name, primary.Name, before.Name, view.Primary!.Timeline ?? 0);
            }

            cluster.Primary = primary;
            await notifications.PublishUpdateAsync(cluster, s => s with
            {
                Properties = [.. s.Properties.Where(x => x.Name != PatroniRoles.PrimaryProperty), new(PatroniRoles.PrimaryProperty, primary.Name)],
            }).ConfigureAwait(false);
        }

        if (primary is not null && !cluster.FirstPrimary.IsCompleted && cluster.Nodes.All(IsRunning) && await DatabasesAnswerAsync(cluster, cancellationToken).ConfigureAwait(false))
        {
            var logger = loggers.GetLogger(cluster);
            LogFirstPrimary(logger, cluster.Name, primary.Name);
            await notifications.PublishUpdateAsync(cluster, s => s with { State = KnownResourceStates.Running }).ConfigureAwait(false);
            foreach (var database in cluster.Databases)
            {
                await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running }).ConfigureAwait(false);
            }

            cluster.MarkFirstPrimary();
        }
    }

    private bool IsRunning(IResource resource) =>
        notifications.TryGetCurrentState(resource.Name, out var state) && state.Snapshot.State?.Text == KnownResourceStates.Running;

    private Task ShowNodeAsync(PatroniNodeResource node, PatroniNodeView report)
    {
        var (icon, variant) = report.Role switch
        {
            PatroniRoles.Primary => ("Star", IconVariant.Filled),
            PatroniRoles.Standby => ("Copy", IconVariant.Regular),
            _ => ("PlugDisconnected", IconVariant.Regular),
        };
        return notifications.PublishUpdateAsync(node, s => s with
        {
            IconName = icon,
            IconVariant = variant,
            Properties = s.Properties
                .Where(x => x.Name is not PatroniRoles.RoleProperty and not PatroniRoles.TimelineProperty)
                .Append(new ResourcePropertySnapshot(PatroniRoles.RoleProperty, report.Role ?? "unknown"))
                .Append(new ResourcePropertySnapshot(PatroniRoles.TimelineProperty, report.Timeline))
                .ToImmutableArray(),
        });
    }

    private static async Task<PatroniNodeView> ReportAsync(PatroniNodeResource node, CancellationToken cancellationToken)
    {
        try
        {
            var uri = await LoopbackEndpoints.UrlAsync(node.RestEndpoint, "/patroni", cancellationToken).ConfigureAwait(false);
            using var response = await PatroniHealthChecks.Http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var root = body.RootElement;
            return new PatroniNodeView(node.Name,
                PatroniRoles.FromPatroni(root.TryGetProperty("role", out var role) ? role.GetString() : null),
                root.TryGetProperty("state", out var state) ? state.GetString() : null,
                root.TryGetProperty("timeline", out var timeline) && timeline.TryGetInt64(out var t) ? t : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return new PatroniNodeView(node.Name, null, null, null); // not answering: down, starting, or its endpoint not allocated yet
        }
    }

    private static async Task<bool> HealthyAsync(EtcdMemberResource member, CancellationToken cancellationToken) =>
        (await PatroniHealthChecks.Etcd(member).CheckHealthAsync(new HealthCheckContext(), cancellationToken).ConfigureAwait(false)).Status == HealthStatus.Healthy;

    // Patroni reports the primary once PostgreSQL runs, which is before its post-bootstrap script has created the databases.
    private static async Task<bool> DatabasesAnswerAsync(PatroniClusterResource cluster, CancellationToken cancellationToken)
    {
        foreach (var database in cluster.Databases)
        {
            var connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 2 }.ConnectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Cluster} has its first primary, {Primary}, and its databases answer.")]
    private static partial void LogFirstPrimary(ILogger logger, string cluster, string primary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Cluster}: {Primary} is the primary now (was {Previous}), on timeline {Timeline}.")]
    private static partial void LogNewPrimary(ILogger logger, string cluster, string primary, string previous, long timeline);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching {Cluster} failed; trying again.")]
    private static partial void LogWatchFailed(ILogger logger, string cluster, Exception exception);
}
