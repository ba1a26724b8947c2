namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A role of the Redis deployment (<c>cache</c>, <c>state</c>): one primary and its replicas, monitored by the
/// Sentinels under the resource's name as the service name. Referencing it gives a service the Sentinel form of
/// the connection string, so the client follows the primary across failovers.
/// </summary>
public sealed class RedisMonitoredGroupResource(string name, RedisSentinelTopologyResource topology)
    : Resource(name), IResourceWithConnectionString, IResourceWithWaitSupport
{
    private readonly List<RedisNodeResource> _nodes = [];

    /// <summary>The Sentinel topology that monitors this group.</summary>
    public RedisSentinelTopologyResource Topology { get; } = topology;

    /// <summary>The nodes of the group in ordinal order; node 0 starts as the primary.</summary>
    public IReadOnlyList<RedisNodeResource> Nodes => _nodes;

    /// <summary>The <c>redis-server</c> settings every node of the group starts with.</summary>
    public RedisNodeSettings Settings { get; } = new();

    /// <summary>
    /// The node last seen as primary (node 0 until the first observation). A node that starts while no
    /// Sentinel can answer follows this one, so a restart never brings back a second primary.
    /// </summary>
    public RedisNodeResource LastKnownPrimary { get; internal set; } = null!;

    internal void AddNode(RedisNodeResource node)
    {
        _nodes.Add(node);
        LastKnownPrimary ??= node;
    }

    /// <summary>
    /// <c>host:port</c> of every Sentinel, then the service name: the form StackExchange.Redis understands as
    /// "ask the Sentinels where the primary of this service is".
    /// </summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            foreach (var sentinel in Topology.Sentinels)
            {
                builder.Append($"{sentinel.PrimaryEndpoint.Property(EndpointProperty.Host)}:{sentinel.PrimaryEndpoint.Property(EndpointProperty.TargetPort)},");
            }

            builder.Append($"serviceName={Name},password={Topology.PasswordParameter}");
            return builder.Build();
        }
    }
}
