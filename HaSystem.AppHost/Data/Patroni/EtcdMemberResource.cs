namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// One member of the etcd cluster that holds the Patroni cluster's state (its leader key, its members, its settings):
/// a local <c>etcd</c> process listening on 127.0.0.1, its data in the run folder.
/// </summary>
public sealed class EtcdMemberResource(string name, string command, string folder, PatroniClusterResource cluster)
    : ExecutableResource(name, command, workingDirectory: folder)
{
    internal const string ClientEndpointName = "client";
    internal const string PeerEndpointName = "peer";

    private EndpointReference? _client;
    private EndpointReference? _peer;

    /// <summary>The cluster this member serves.</summary>
    public PatroniClusterResource Cluster { get; } = cluster;

    /// <summary>This member's folder in the run folder.</summary>
    public string Folder { get; } = folder;

    /// <summary>Where Patroni and the health checks reach it (HTTP, gRPC gateway).</summary>
    public EndpointReference ClientEndpoint => _client ??= new(this, ClientEndpointName);

    /// <summary>Where the other members reach it (Raft).</summary>
    public EndpointReference PeerEndpoint => _peer ??= new(this, PeerEndpointName);
}
