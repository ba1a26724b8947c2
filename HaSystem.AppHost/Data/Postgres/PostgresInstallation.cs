using System.Globalization;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The PostgreSQL server binaries (<c>initdb</c>, <c>postgres</c>) and the account they run as. PostgreSQL refuses to
/// run as root: an AppHost run as root (a CI machine) starts them as the <c>postgres</c> user that Debian's package
/// creates, through <c>setpriv</c>, which replaces itself with the server so that its process is the server's.
/// </summary>
public sealed class PostgresInstallation
{
    public const string InstallHint =
        "Install the PostgreSQL server: Debian/Ubuntu: 'sudo apt-get install postgresql'; macOS: 'brew install postgresql'. " +
        "Or set Database:Postgres:BinDirectory to the folder that holds initdb and postgres.";

    private const string ServiceAccount = "postgres";

    private PostgresInstallation(string binDirectory, string? runAs)
    {
        BinDirectory = binDirectory;
        RunAs = runAs;
    }

    /// <summary>The folder of <c>initdb</c> and <c>postgres</c>.</summary>
    public string BinDirectory { get; }

    /// <summary>The account the server runs as when the AppHost is root; <see langword="null"/> otherwise (the AppHost's own).</summary>
    public string? RunAs { get; }

    /// <summary>
    /// Finds the binaries: <paramref name="binDirectory"/> if set; else the newest Debian install
    /// (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>, which is not on PATH); else <c>initdb</c> on PATH (Homebrew, other
    /// distributions). Throws one message that says what to install.
    /// </summary>
    public static PostgresInstallation Resolve(string? binDirectory)
    {
        var candidates = binDirectory is { Length: > 0 } ? [binDirectory] : DebianBinDirectories().Concat(PathDirectories());
        var found = candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "postgres")))
            ?? throw new DistributedApplicationException(
                $"PostgreSQL server binaries not found (initdb and postgres{(binDirectory is { Length: > 0 } ? $" in '{binDirectory}'" : ", in /usr/lib/postgresql/<version>/bin or on PATH")}). {InstallHint}");

        if (!IsRoot())
        {
            return new PostgresInstallation(Path.GetFullPath(found), runAs: null);
        }

        if (!File.Exists("/etc/passwd") || !File.ReadLines("/etc/passwd").Any(line => line.StartsWith($"{ServiceAccount}:", StringComparison.Ordinal)))
        {
            throw new DistributedApplicationException(
                $"PostgreSQL refuses to run as root, and there is no '{ServiceAccount}' user to run it as. {InstallHint} (the package creates the user), or run the AppHost as another user.");
        }

        return new PostgresInstallation(Path.GetFullPath(found), ServiceAccount);
    }

    /// <summary>The command that runs <paramref name="binary"/> (<c>initdb</c>, <c>postgres</c>) as <see cref="RunAs"/>, and its first arguments.</summary>
    public (string Command, IReadOnlyList<string> Args) Command(string binary) => RunAsAccount(Path.Combine(BinDirectory, binary));

    /// <summary>The command that runs the program at <paramref name="path"/> as <see cref="RunAs"/>, and its first arguments.</summary>
    public (string Command, IReadOnlyList<string> Args) RunAsAccount(string path) => RunAs is null
        ? (path, [])
        : ("setpriv", [$"--reuid={RunAs}", $"--regid={RunAs}", "--init-groups", "--", path]);

    private static IEnumerable<string> DebianBinDirectories()
    {
        const string Root = "/usr/lib/postgresql";
        return Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root)
                .Select(dir => (Dir: dir, Version: int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "bin"))
            : [];
    }

    private static string[] PathDirectories() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    private static bool IsRoot() => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;
}
