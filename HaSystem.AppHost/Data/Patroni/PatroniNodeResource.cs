namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// One node of the cluster: a Patroni agent, which runs its PostgreSQL server (as the primary, or as a standby streaming
/// from it) and promotes or demotes it as the leader key in etcd says. Its REST API tells its role and health.
/// </summary>
public sealed class PatroniNodeResource(string name, string command, string folder, PatroniClusterResource cluster)
    : ExecutableResource(name, command, workingDirectory: folder)
{
    internal const string PostgresEndpointName = "tcp";
    internal const string RestEndpointName = "rest";

    private EndpointReference? _postgres;
    private EndpointReference? _rest;

    /// <summary>The cluster this node belongs to.</summary>
    public PatroniClusterResource Cluster { get; } = cluster;

    /// <summary>This node's folder in the run folder: its configuration, and its data directory.</summary>
    public string Folder { get; } = folder;

    /// <summary>The PostgreSQL data directory Patroni creates (by <c>initdb</c> or a base backup of the primary).</summary>
    public string DataDirectory => System.IO.Path.Combine(Folder, "data");

    /// <summary>The PostgreSQL server's TCP endpoint, bound to 127.0.0.1.</summary>
    public EndpointReference PostgresEndpoint => _postgres ??= new(this, PostgresEndpointName);

    /// <summary>Patroni's REST API (<c>/patroni</c>, <c>/primary</c>, <c>/replica</c>, <c>/health</c>, <c>/switchover</c>).</summary>
    public EndpointReference RestEndpoint => _rest ??= new(this, RestEndpointName);

    /// <summary>The role this node last reported (<see cref="PatroniRoles"/>), or <see langword="null"/> before its first report.</summary>
    public string? Role { get; internal set; }
}
