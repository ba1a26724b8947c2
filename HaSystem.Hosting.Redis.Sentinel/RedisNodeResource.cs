namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// One <c>redis-server</c> process of a Sentinel-monitored group. Its name (<c>state-0</c>, <c>cache-1</c>) says
/// which group it belongs to and never its role, because the role changes with every failover; the current role
/// is published as the <see cref="RedisResourceProperties.Role"/> property instead.
/// </summary>
public sealed class RedisNodeResource(string name, string command, RedisMonitoredGroupResource group, int ordinal)
    : ExecutableResource(name, command, workingDirectory: "."), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The group (the Sentinel service name) this node belongs to.</summary>
    public RedisMonitoredGroupResource Group { get; } = group;

    /// <summary>The position of the node in its group; node 0 is the primary when the system starts.</summary>
    public int Ordinal { get; } = ordinal;

    /// <summary>The node's TCP endpoint, bound to 127.0.0.1 on a port Aspire allocates.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>
    /// A direct connection to this one node, for diagnostics and tests. Services use the group's Sentinel
    /// connection string so that they follow the primary.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{RedisConfigFiles.LoopbackAddress}:{PrimaryEndpoint.Property(EndpointProperty.TargetPort)},user={RedisAclRules.AdminUser},password={Group.Topology.PasswordParameter}");
}
