using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Creates a server's cluster on its first start: <c>initdb</c> into the run folder, with the superuser's password
/// read from a file that only the server's account can read and that is removed at once; then each database, in
/// single-user mode, before the server takes its first connection (so the replicas do not race to create it).
/// </summary>
internal static partial class PostgresCluster
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    public static async Task InitializeAsync(LocalPostgresServerResource server, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            return; // started again (after a stop or a crash): the cluster is there
        }

        var started = Stopwatch.GetTimestamp();
        var installation = server.Installation;
        var passwordFile = Path.Combine(server.Folder, "initdb-password");
        try
        {
            // Written while the folder is still root's own (when root): nobody else can have put a link in its place.
            await WritePrivateFileAsync(passwordFile, await server.Password.GetValueAsync(cancellationToken).ConfigureAwait(false) + "\n", cancellationToken).ConfigureAwait(false);
            await GiveToAccountAsync(installation, server.Folder, cancellationToken).ConfigureAwait(false);

            var (initdb, initdbArgs) = installation.Command("initdb");
            await RunAsync(initdb, [.. initdbArgs, "-D", server.DataDirectory, "-U", LocalPostgresServerResource.UserName, "--auth=scram-sha-256",
                $"--pwfile={passwordFile}", "--encoding=UTF8", "--locale=C", "--no-sync"], stdin: null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        var (postgres, postgresArgs) = installation.Command("postgres");
        foreach (var database in server.Databases)
        {
            await RunAsync(postgres, [.. postgresArgs, "--single", "-D", server.DataDirectory, "postgres"],
                stdin: $"CREATE DATABASE \"{database.DatabaseName}\"\n", cancellationToken).ConfigureAwait(false);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var databases = string.Join(", ", server.Databases.Select(d => d.DatabaseName));
        LogInitialized(logger, server.DataDirectory, databases, seconds);
    }

    /// <summary>
    /// Gives <paramref name="path"/> (a folder with what is in it, or a file) to the account the servers run as, when the
    /// AppHost is root. The run folder (and the folder of all runs) is root's and private: that account may pass through
    /// them (not list them) to its own.
    /// </summary>
    public static async Task GiveToAccountAsync(PostgresInstallation installation, string path, CancellationToken cancellationToken)
    {
        if (installation.RunAs is not { } account || OperatingSystem.IsWindows())
        {
            return;
        }

        for (var folder = Path.GetDirectoryName(path); folder is not null && folder != Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar); folder = Path.GetDirectoryName(folder))
        {
            File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        await RunAsync("chown", ["-R", "-P", $"{account}:{account}", path], stdin: null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WritePrivateFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var file = new FileStream(path, options);
        await file.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken).ConfigureAwait(false);
    }

    private static async Task RunAsync(string command, IReadOnlyList<string> args, string? stdin, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new DistributedApplicationException($"Could not start {command}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new DistributedApplicationException($"{Path.GetFileName(command)} {string.Join(' ', args)} did not finish within {StepTimeout.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException(
                $"{Path.GetFileName(command)} {string.Join(' ', args)} failed (exit code {process.ExitCode}):\n{await output.ConfigureAwait(false)}{await errors.ConfigureAwait(false)}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Initialised the PostgreSQL cluster in {DataDirectory} with the database(s) {Databases} in {Seconds:0.0} s.")]
    private static partial void LogInitialized(ILogger logger, string dataDirectory, string databases, double seconds);
}
