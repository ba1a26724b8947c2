namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The programs a Patroni cluster needs: <c>patroni</c> and <c>etcd</c> (on PATH, from Debian's <c>patroni</c> and
/// <c>etcd-server</c>), and the PostgreSQL server binaries with the account they run as (<see cref="PostgresInstallation"/>).
/// Patroni and etcd run as that account too: nothing of the cluster runs as root.
/// </summary>
public sealed class PatroniInstallation
{
    public const string InstallHint =
        "Install Patroni and etcd: Debian/Ubuntu: 'sudo apt-get install patroni etcd-server' (with 'postgresql'). " +
        "Or run without --Database:Postgres:Topology=patroni for a single PostgreSQL server.";

    private PatroniInstallation(string patroni, string etcd, PostgresInstallation postgres)
    {
        Patroni = patroni;
        Etcd = etcd;
        Postgres = postgres;
    }

    /// <summary>The path of <c>patroni</c>.</summary>
    public string Patroni { get; }

    /// <summary>The path of <c>etcd</c>.</summary>
    public string Etcd { get; }

    /// <summary>The server binaries, and the account everything runs as.</summary>
    public PostgresInstallation Postgres { get; }

    /// <summary>
    /// Finds the programs (<paramref name="patroniExecutable"/> and <paramref name="etcdExecutable"/>: names on PATH, or
    /// paths); throws one message that names every missing one and the packages that hold them.
    /// </summary>
    public static PatroniInstallation Resolve(string? binDirectory, string patroniExecutable = "patroni", string etcdExecutable = "etcd")
    {
        var postgres = PostgresInstallation.Resolve(binDirectory);
        var patroni = Find(patroniExecutable);
        var etcd = Find(etcdExecutable);
        if (patroni is null || etcd is null)
        {
            var missing = string.Join(" and ", new[] { patroni is null ? $"'{patroniExecutable}'" : null, etcd is null ? $"'{etcdExecutable}'" : null }.OfType<string>());
            throw new DistributedApplicationException($"{missing} not found (on PATH, or as a path). {InstallHint}");
        }

        return new PatroniInstallation(patroni, etcd, postgres);
    }

    private static string? Find(string program) => program.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
        ? (File.Exists(program) ? Path.GetFullPath(program) : null)
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
