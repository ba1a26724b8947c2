namespace Aspire.Hosting.ApplicationModel;

/// <summary>Names of the properties the topology publishes on its resources in the dashboard.</summary>
public static class RedisResourceProperties
{
    /// <summary>The node's current replication role: <c>primary</c>, <c>replica</c> or <c>unreachable</c>.</summary>
    public const string Role = "redis.role";

    /// <summary>For a replica, the primary it follows (<c>host:port</c>) and whether the link is up.</summary>
    public const string ReplicationSource = "redis.replication";

    /// <summary>For a group, the node that is primary now.</summary>
    public const string CurrentPrimary = "redis.primary";

    /// <summary>For a node or Sentinel, how many times the AppHost started it again after its process died.</summary>
    public const string Restarts = "redis.restarts";
}
