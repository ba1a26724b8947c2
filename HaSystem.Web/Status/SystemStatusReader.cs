using HaSystem.Coordination.Locking;
using HaSystem.Coordination.Redis;
using HaSystem.Coordination.Resilience;
using HaSystem.ServiceDefaults.Replicas;
using HaSystem.Web.ApiClients;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HaSystem.Web.Status;

/// <summary>Gathers the status page: from this replica's own Redis clients and breakers, the lease, and the API.</summary>
public sealed class SystemStatusReader(
    ReplicaIdentity replica,
    Microsoft.AspNetCore.Hosting.Server.IServer server,
    IServiceProvider services,
    RedisBreakers breakers,
    RedisDistributedLock locks,
    HaSystemApiClient api,
    IOptions<SystemStatusOptions> options,
    TimeProvider time)
{
    public async Task<SystemStatus> ReadAsync(CancellationToken cancellationToken)
    {
        var apiInfo = api.GetInfoAsync(cancellationToken);
        var leader = ReadLeaderAsync(cancellationToken);
        var redis = RedisRoles.All.Select(ReadRole).ToList();
        return new SystemStatus(WebReplica(replica, server), await apiInfo, redis, await leader, time.GetUtcNow());
    }

    /// <summary>The anonymous summary: each component up, degraded or down, from the same sources as the full page.</summary>
    public async Task<StatusSummary> ReadSummaryAsync(CancellationToken cancellationToken)
    {
        var readiness = api.GetReadinessAsync(cancellationToken);
        var leader = ReadLeaderAsync(cancellationToken);
        List<ComponentState> components = [new("web", ComponentState.Up)];
        components.Add(new("api", (await readiness).Value?.Status switch
        {
            "Healthy" => ComponentState.Up,
            null => ComponentState.Down,
            _ => ComponentState.Degraded,
        }));
        components.AddRange(RedisRoles.All.Select(ReadRole).Select(role => new ComponentState(
            $"redis {role.Role}",
            role.Breaker == "closed" && role.Nodes.Any(n => n.Role == "primary") ? ComponentState.Up : ComponentState.Degraded)));
        components.Add(new("worker leader", (await leader).Holder is null ? ComponentState.Degraded : ComponentState.Up));
        return new StatusSummary(components, time.GetUtcNow());
    }

    /// <summary>This replica's identity and its own addresses (what a client uses to reach this replica directly).</summary>
    public static WebReplicaView WebReplica(ReplicaIdentity replica, Microsoft.AspNetCore.Hosting.Server.IServer server) =>
        new(replica.Id, replica.ProcessId, replica.StartedAt, server.Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? []);

    private RedisRoleStatus ReadRole(string role)
    {
        var multiplexer = services.GetRequiredKeyedService<IConnectionMultiplexer>(role);
        var nodes = multiplexer.GetEndPoints()
            .Select(endpoint => multiplexer.GetServer(endpoint))
            .Select(node => new RedisNodeStatus(node.EndPoint.ToString() ?? "?", !node.IsConnected ? "unreachable" : node.IsReplica ? "replica" : "primary"))
            .OrderBy(node => node.Endpoint, StringComparer.Ordinal)
            .ToList();
        return new RedisRoleStatus(role, breakers.StateOf(role), nodes);
    }

    private async Task<LeaderView> ReadLeaderAsync(CancellationToken cancellationToken)
    {
        try
        {
            var holder = await locks.GetHolderAsync(options.Value.LeaderLeaseKey, cancellationToken);
            return new LeaderView(holder, holder is null ? "No worker holds the leader lease right now; one takes over within the lease's time to live." : null);
        }
        catch (Exception ex) when (ex is LockUnavailableException || RedisResilience.IsRedisFailure(ex))
        {
            return new LeaderView(null, "Unknown: the state role, which holds the lease, cannot be reached.");
        }
    }
}
