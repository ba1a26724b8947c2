namespace Aspire.Hosting.ApplicationModel;

/// <summary>One <c>redis-sentinel</c> process of a <see cref="RedisSentinelTopologyResource"/>.</summary>
public sealed class RedisSentinelResource(string name, string command, RedisSentinelTopologyResource topology, int ordinal)
    : ExecutableResource(name, command, workingDirectory: "."), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;
    private int _started;

    /// <summary>The topology this Sentinel belongs to.</summary>
    public RedisSentinelTopologyResource Topology { get; } = topology;

    /// <summary>The position of the Sentinel in the topology.</summary>
    public int Ordinal { get; } = ordinal;

    /// <summary>The Sentinel's TCP endpoint, bound to 127.0.0.1 on a port Aspire allocates.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary><see langword="true"/> the first time it is called: whether this is the Sentinel's first start.</summary>
    internal bool MarkStarted() => Interlocked.Exchange(ref _started, 1) == 0;

    /// <summary>A direct connection to this Sentinel (talk to it with the Sentinel command map).</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{RedisConfigFiles.LoopbackAddress}:{PrimaryEndpoint.Property(EndpointProperty.TargetPort)},user={RedisAclRules.AdminUser},password={Topology.PasswordParameter}");
}
