using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using HaSystem.Coordination.Locking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Reads each leader lease's holder description (<see cref="LockKeys.Holder"/>, written by the lock's acquire script) from
/// the group's current primary once a second and shows it on every replica of the service: who leads, with which
/// fencing token, since when, and on each replica whether it is the leader. Changes also go to the service's log.
/// </summary>
internal sealed partial class LeaderLeaseMonitor(
    DistributedApplicationModel model,
    RedisAdminClient client,
    ResourceNotificationService notifications,
    ResourceLoggerService loggers) : BackgroundService
{
    public const string LeaderProperty = "leader.replica";
    public const string TokenProperty = "leader.fencing_token";
    public const string SinceProperty = "leader.since";
    public const string RoleProperty = "leader.role";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, string> _published = [];
    private readonly ConcurrentDictionary<string, IResource> _instances = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var services = model.Resources
            .Select(r => (Resource: r, Lease: r.Annotations.OfType<LeaderLeaseAnnotation>().LastOrDefault()))
            .Where(s => s.Lease is not null)
            .ToArray();
        _ = TrackInstancesAsync([.. services.Select(s => s.Resource)], stoppingToken);
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var (resource, lease) in services)
            {
                try
                {
                    await ObserveAsync(resource, lease!, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    var logger = loggers.GetLogger(resource);
                    LogUnreadable(logger, ex);
                }
            }
        }
    }

    // The replicas' ids (e.g. worker-abcd1234) are the ids the services report as their own; they are learned from
    // the resource events, as DCP names them when it creates them.
    private async Task TrackInstancesAsync(IResource[] services, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (services.Contains(update.Resource))
                {
                    _instances.TryAdd(update.ResourceId, update.Resource);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The AppHost is stopping.
        }
    }

    private async Task ObserveAsync(IResource service, LeaderLeaseAnnotation lease, CancellationToken cancellationToken)
    {
        var server = await client.GetServerAsync(lease.Group.LastKnownPrimary, cancellationToken).ConfigureAwait(false);
        var hash = await server.Multiplexer.GetDatabase().HashGetAllAsync(LockKeys.For(lease.LeaseKey).Holder).WaitAsync(cancellationToken).ConfigureAwait(false);
        var holder = LockHolder.FromHash(lease.LeaseKey, hash, expiresIn: TimeSpan.Zero);
        var leader = holder?.Holder ?? "(none)";
        var token = holder?.FencingToken.ToString(CultureInfo.InvariantCulture) ?? "";
        var since = holder?.Since.ToString("u", CultureInfo.InvariantCulture) ?? "";

        if (Changed($"{service.Name}/leader", $"{leader}#{token}"))
        {
            var logger = loggers.GetLogger(service);
            LogLeader(logger, leader, token, since);
        }

        foreach (var instance in _instances.Where(i => i.Value == service).Select(i => i.Key).ToArray())
        {
            var role = leader == instance ? "leader" : "follower";
            if (!Changed(instance, $"{leader}#{token}#{role}"))
            {
                continue;
            }

            await notifications.PublishUpdateAsync(service, instance, snapshot => snapshot with
            {
                Properties = snapshot.Properties
                    .Where(p => p.Name is not (LeaderProperty or TokenProperty or SinceProperty or RoleProperty))
                    .Append(new ResourcePropertySnapshot(LeaderProperty, leader))
                    .Append(new ResourcePropertySnapshot(TokenProperty, token))
                    .Append(new ResourcePropertySnapshot(SinceProperty, since))
                    .Append(new ResourcePropertySnapshot(RoleProperty, role))
                    .ToImmutableArray(),
            }).ConfigureAwait(false);
        }
    }

    private bool Changed(string key, string value)
    {
        if (_published.TryGetValue(key, out var previous) && previous == value)
        {
            return false;
        }

        _published[key] = value;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the leader lease.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);


    [LoggerMessage(Level = LogLevel.Information, Message = "Leader: {Leader} (fencing token {Token}, since {Since}).")]
    private static partial void LogLeader(ILogger logger, string leader, string token, string since);
}
