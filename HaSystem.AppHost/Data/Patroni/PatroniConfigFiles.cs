using System.Globalization;
using System.Text;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Writes what a Patroni node starts from: its <c>patroni.yml</c> (ports, etcd members, timings; no password, they
/// come from the environment), and the cluster's post-bootstrap script, which creates each database and the role
/// that owns it on the first primary. Both are readable by the cluster's account only.
/// </summary>
internal static class PatroniConfigFiles
{
    private const string Loopback = LoopbackEndpoints.Address;

    /// <summary>The environment variable that carries a database owner's password to the post-bootstrap script.</summary>
    public static string PasswordVariable(PatroniDatabaseResource database) =>
        $"HASYSTEM_{database.DatabaseName.ToUpperInvariant()}_PASSWORD";

    public static async Task<string> WriteNodeAsync(PatroniNodeResource node, CancellationToken cancellationToken)
    {
        var cluster = node.Cluster;
        var options = cluster.Options;
        var postgresPort = await LoopbackEndpoints.PortAsync(node.PostgresEndpoint, cancellationToken).ConfigureAwait(false);
        var restPort = await LoopbackEndpoints.PortAsync(node.RestEndpoint, cancellationToken).ConfigureAwait(false);
        var etcd = new List<string>();
        foreach (var member in cluster.EtcdMembers)
        {
            etcd.Add($"{Loopback}:{await LoopbackEndpoints.PortAsync(member.ClientEndpoint, cancellationToken).ConfigureAwait(false)}");
        }

        var yaml = new StringBuilder()
            .AppendLine("# Written by the AppHost (PatroniConfigFiles.cs). Passwords come from PATRONI_*_PASSWORD in the environment.")
            .AppendLine(CultureInfo.InvariantCulture, $"scope: {cluster.Name}")
            .AppendLine(CultureInfo.InvariantCulture, $"name: {node.Name}")
            .AppendLine("restapi:")
            .AppendLine(CultureInfo.InvariantCulture, $"  listen: {Loopback}:{restPort}")
            .AppendLine(CultureInfo.InvariantCulture, $"  connect_address: {Loopback}:{restPort}")
            .AppendLine("etcd3:")
            .AppendLine(CultureInfo.InvariantCulture, $"  hosts: {string.Join(',', etcd)}")
            .AppendLine("bootstrap:")
            .AppendLine("  dcs:")
            .AppendLine(CultureInfo.InvariantCulture, $"    ttl: {options.TimeToLiveSeconds}")
            .AppendLine(CultureInfo.InvariantCulture, $"    loop_wait: {options.LoopWaitSeconds}")
            .AppendLine(CultureInfo.InvariantCulture, $"    retry_timeout: {options.RetryTimeoutSeconds}")
            .AppendLine(CultureInfo.InvariantCulture, $"    primary_start_timeout: {options.PrimaryStartTimeoutSeconds}")
            // A standby more than 1 MB behind is not promoted: it would lose what it has not received.
            .AppendLine("    maximum_lag_on_failover: 1048576")
            // A commit is acknowledged once the synchronous standby has it, and only that standby may be promoted.
            .AppendLine("    synchronous_mode: true")
            .AppendLine("    postgresql:")
            .AppendLine("      use_pg_rewind: true")
            .AppendLine("      parameters:")
            .AppendLine("        wal_log_hints: 'on'")
            .AppendLine("        max_connections: 100")
            .AppendLine("  initdb:")
            .AppendLine("  - encoding: UTF8")
            .AppendLine("  - locale: C")
            .AppendLine("  - auth: scram-sha-256")
            .AppendLine(CultureInfo.InvariantCulture, $"  post_bootstrap: {Path.Combine(cluster.Folder, PostBootstrapFileName)}")
            .AppendLine("  pg_hba:")
            .AppendLine(CultureInfo.InvariantCulture, $"  - host replication {PatroniClusterResource.ReplicationUserName} {Loopback}/32 scram-sha-256")
            .AppendLine(CultureInfo.InvariantCulture, $"  - host all all {Loopback}/32 scram-sha-256")
            .AppendLine("postgresql:")
            .AppendLine(CultureInfo.InvariantCulture, $"  listen: {Loopback}:{postgresPort}")
            .AppendLine(CultureInfo.InvariantCulture, $"  connect_address: {Loopback}:{postgresPort}")
            .AppendLine(CultureInfo.InvariantCulture, $"  data_dir: {node.DataDirectory}")
            .AppendLine(CultureInfo.InvariantCulture, $"  bin_dir: {cluster.Installation.Postgres.BinDirectory}")
            .AppendLine(CultureInfo.InvariantCulture, $"  pgpass: {Path.Combine(node.Folder, "pgpass")}")
            // A new standby copies the primary at once: the default spread checkpoint held the copy for minutes.
            .AppendLine("  basebackup:")
            .AppendLine("  - checkpoint: fast")
            .AppendLine("  authentication:")
            .AppendLine(CultureInfo.InvariantCulture, $"    superuser: {{username: {PatroniClusterResource.SuperuserName}}}")
            .AppendLine(CultureInfo.InvariantCulture, $"    replication: {{username: {PatroniClusterResource.ReplicationUserName}}}")
            .AppendLine(CultureInfo.InvariantCulture, $"    rewind: {{username: {PatroniClusterResource.RewindUserName}}}")
            .AppendLine("  parameters:")
            // The socket in the node's own folder: the default folder belongs to the system's own cluster.
            .AppendLine(CultureInfo.InvariantCulture, $"    unix_socket_directories: '{node.Folder}'")
            // After a crash the server syncs its data directory before it replays the WAL: syncfs() once, not file by file.
            .AppendLine("    recovery_init_sync_method: syncfs")
            .ToString();
        return await WritePrivateAsync(node.Folder, "patroni.yml", yaml, cluster.Installation.Postgres, cancellationToken).ConfigureAwait(false);
    }

    private const string PostBootstrapFileName = "post-bootstrap.sh";

    /// <summary>
    /// The script Patroni runs once, on the node that initialises the cluster, with the superuser's connection URL as its
    /// argument (its password in the pgpass file Patroni names in PGPASSFILE). Each owner's password is read from the
    /// environment by psql (a backquoted <c>printf</c> of the shell's own): it is never on a command line nor in a file.
    /// </summary>
    public static async Task WritePostBootstrapAsync(PatroniClusterResource cluster, CancellationToken cancellationToken)
    {
        var script = new StringBuilder()
            .AppendLine("#!/bin/sh")
            .AppendLine("# Written by the AppHost (PatroniConfigFiles.cs): creates the databases and their owners on the first primary.")
            .AppendLine("set -e")
            .AppendLine(CultureInfo.InvariantCulture, $"\"{Path.Combine(cluster.Installation.Postgres.BinDirectory, "psql")}\" -X -q -v ON_ERROR_STOP=1 \"$1\" <<'SQL'");
        // A statement that fails is logged with its text by default, and CREATE ROLE's holds the password: as Patroni does
        // for its own roles, nothing of this session is logged.
        script.AppendLine("SET log_min_error_statement = panic;").AppendLine("SET log_statement = none;");
        foreach (var database in cluster.Databases)
        {
            script
                // Backquotes run the shell (printf is its builtin): the password never is an argument of a process. psql 15's
                // \getenv would do the same, but Ubuntu 22.04 ships psql 14.
                .AppendLine(CultureInfo.InvariantCulture, $"\\set password `printf '%s' \"${PasswordVariable(database)}\"`")
                .AppendLine(CultureInfo.InvariantCulture, $"CREATE ROLE \"{database.UserName}\" LOGIN PASSWORD :'password';")
                .AppendLine(CultureInfo.InvariantCulture, $"CREATE DATABASE \"{database.DatabaseName}\" OWNER \"{database.UserName}\";");
        }

        script.AppendLine("SQL");
        var path = await WritePrivateAsync(cluster.Folder, PostBootstrapFileName, script.ToString(), cluster.Installation.Postgres, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static async Task<string> WritePrivateAsync(string folder, string fileName, string content, PostgresInstallation installation, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, fileName);
        await File.WriteAllTextAsync(path, content.ReplaceLineEndings("\n"), cancellationToken).ConfigureAwait(false);
        await PostgresCluster.GiveToAccountAsync(installation, path, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }
}
