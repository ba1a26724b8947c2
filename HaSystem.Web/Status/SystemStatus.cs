using HaSystem.Coordination.Locking;
using HaSystem.Web.ApiClients;

namespace HaSystem.Web.Status;

/// <summary>Everything the System status page shows, as seen from the web replica that rendered it.</summary>
public sealed record SystemStatus(
    WebReplicaView Web,
    ApiResult<InfoResponse> Api,
    IReadOnlyList<RedisRoleStatus> Redis,
    LeaderView Leader,
    DateTimeOffset TakenAt);

/// <summary>This web replica, and the address it can be reached at directly (not through the shared proxy).</summary>
public sealed record WebReplicaView(string Replica, int ProcessId, DateTimeOffset StartedAt, IReadOnlyList<string> Addresses);

/// <summary>A role as this replica's client sees it: its breaker and each node it knows of.</summary>
public sealed record RedisRoleStatus(string Role, string Breaker, IReadOnlyList<RedisNodeStatus> Nodes);

/// <summary>One node: <c>primary</c>, <c>replica</c> or <c>unreachable</c>, as the client sees it.</summary>
public sealed record RedisNodeStatus(string Endpoint, string Role);

/// <summary>The worker replica holding the leader lease, or why it is not known.</summary>
public sealed record LeaderView(LockHolder? Holder, string? Problem);
