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
    private readonly TaskCompletionSource _firstElection = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    /// <summary>
    /// Completes the first time the Sentinels agree on a primary that answers, with every Sentinel ready to fail
    /// over. It never goes back: see <see cref="RedisSentinelBuilderExtensions.WaitForFirstElection"/>.
    /// </summary>
    public Task FirstElection => _firstElection.Task;

    internal void MarkElected() => _firstElection.TrySetResult();

    internal void AddNode(RedisNodeResource node)
    {
        _nodes.Add(node);
        LastKnownPrimary ??= node;
    }

    /// <summary>
    /// <c>host:port</c> of every Sentinel, then the service name: the form StackExchange.Redis understands as
    /// "ask the Sentinels where the primary of this service is". This one is the <c>admin</c> user's, for tools and
    /// tests; a service gets its own user's with <see cref="ConnectionStringFor"/>.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression => Build(RedisAclRules.AdminUser, Topology.PasswordParameter);

    /// <summary>The Sentinel connection string of this group as <paramref name="user"/>.</summary>
    public ReferenceExpression ConnectionStringFor(RedisUser user) => Build(user.Name, user.PasswordParameter);

    private ReferenceExpression Build(string user, ParameterResource password)
    {
        var builder = new ReferenceExpressionBuilder();
        foreach (var sentinel in Topology.Sentinels)
        {
            builder.Append($"{RedisConfigFiles.LoopbackAddress}:{sentinel.PrimaryEndpoint.Property(EndpointProperty.TargetPort)},");
        }

        builder.Append($"serviceName={Name},user={user},password={password}");
        return builder.Build();
    }
}
