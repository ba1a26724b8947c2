using HaSystem.AppHost.Data;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL cluster with no single point of failure: three <see cref="PatroniNodeResource"/>s (one primary, two
/// standbys, <c>synchronous_mode</c> on) over three <see cref="EtcdMemberResource"/>s. It shows which node is primary
/// (<see cref="PatroniRoles.PrimaryProperty"/>) and is Degraded, with the reason, while a node or an etcd member is
/// missing. Services reference its database (<see cref="PatroniDatabaseResource"/>), never a node.
/// </summary>
public sealed class PatroniClusterResource(
    string name,
    PatroniInstallation installation,
    PatroniOptions options,
    string folder,
    ParameterResource superuserPassword,
    ParameterResource replicationPassword,
    ParameterResource rewindPassword,
    ParameterResource restApiPassword) : Resource(name)
{
    /// <summary>The superuser Patroni manages the servers as (bootstrap, <c>pg_rewind</c> checks, health).</summary>
    public const string SuperuserName = "postgres";

    /// <summary>The role the standbys stream as.</summary>
    public const string ReplicationUserName = "replicator";

    /// <summary>The role <c>pg_rewind</c> connects as when an old primary rejoins.</summary>
    public const string RewindUserName = "rewinder";

    /// <summary>The user of Patroni's REST API for its unsafe methods.</summary>
    public const string RestApiUserName = "patroni";

    private readonly TaskCompletionSource _firstPrimary = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _postBootstrapWritten;
    private readonly Lock _postBootstrapLock = new();

    public PatroniInstallation Installation { get; } = installation;

    public PatroniOptions Options { get; } = options;

    /// <summary>The cluster's folder in the run folder: the post-bootstrap script.</summary>
    public string Folder { get; } = folder;

    public ParameterResource SuperuserPassword { get; } = superuserPassword;

    public ParameterResource ReplicationPassword { get; } = replicationPassword;

    public ParameterResource RewindPassword { get; } = rewindPassword;

    /// <summary>
    /// The password of <see cref="RestApiUserName"/>, which Patroni's REST API asks for on its unsafe methods
    /// (switchover, restart, configuration); its reads (<c>/patroni</c>, <c>/health</c>) stay open.
    /// </summary>
    public ParameterResource RestApiPassword { get; } = restApiPassword;

    public List<PatroniNodeResource> Nodes { get; } = [];

    public List<EtcdMemberResource> EtcdMembers { get; } = [];

    public List<PatroniDatabaseResource> Databases { get; } = [];

    /// <summary>The node that last reported itself primary.</summary>
    public PatroniNodeResource? Primary { get; internal set; }

    /// <summary>What the monitor saw last, for the cluster's health check.</summary>
    public PatroniClusterView? LastView { get; internal set; }

    /// <summary>Completes when a primary first answers with every database created: what services wait for at their first start.</summary>
    public Task FirstPrimary => _firstPrimary.Task;

    internal void MarkFirstPrimary() => _firstPrimary.TrySetResult();

    /// <summary>Writes the post-bootstrap script once, whichever node starts first (each node's start awaits it).</summary>
    internal Task EnsurePostBootstrapAsync()
    {
        lock (_postBootstrapLock)
        {
            // A write that failed is tried again by the next start, not handed to every start to come.
            if (_postBootstrapWritten is { IsFaulted: true } or { IsCanceled: true })
            {
                _postBootstrapWritten = null;
            }

            return _postBootstrapWritten ??= PatroniConfigFiles.WritePostBootstrapAsync(this, CancellationToken.None);
        }
    }
}
