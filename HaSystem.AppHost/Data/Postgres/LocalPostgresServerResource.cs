namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL server run as a local <c>postgres</c> process (no container engine), its cluster initialised into the
/// run folder on first start, listening on 127.0.0.1 on a port Aspire allocates. In container mode the same place is
/// taken by <c>Aspire.Hosting.PostgreSQL</c>'s <c>AddPostgres</c>: both give a connection string, which is all a
/// service is handed.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, ParameterResource password, PostgresInstallation installation, string folder)
    : ExecutableResource(name, command, workingDirectory: folder), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    /// <summary>
    /// The dashboard property that counts the server's starts again: its keeper's (<see cref="PostgresKeeper"/>: a killed
    /// server, started again at once) and the AppHost's (a keeper that died).
    /// </summary>
    public const string RestartsProperty = "postgres.restarts";

    /// <summary>The superuser the cluster is initialised with; the services connect as it (one database, one owner).</summary>
    public const string UserName = "postgres";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The superuser's password (a secret parameter: it reaches <c>initdb</c> in a file, never on a command line).</summary>
    public ParameterResource Password { get; } = password;

    /// <summary>Where the binaries are, and as whom they run.</summary>
    public PostgresInstallation Installation { get; } = installation;

    /// <summary>The folder of this server in the run folder: the cluster is in its <c>data</c> sub-folder.</summary>
    public string Folder { get; } = folder;

    /// <summary>The cluster's data directory.</summary>
    public string DataDirectory => System.IO.Path.Combine(Folder, "data");

    /// <summary>The databases created with the cluster.</summary>
    public List<LocalPostgresDatabaseResource> Databases { get; } = [];

    /// <summary>The server's TCP endpoint, bound to 127.0.0.1.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary>A connection to the server's maintenance database, <c>postgres</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={PrimaryEndpoint.Property(EndpointProperty.TargetPort)};Username={UserName};Password={Password}");
}
