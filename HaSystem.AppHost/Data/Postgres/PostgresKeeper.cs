namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The process the AppHost runs for a local PostgreSQL server: a small shell script that runs the server and starts it
/// again at once when it dies without being asked to (<c>kill -9</c>, a crash), as a service manager does on a
/// database's own machine (systemd's <c>Restart=on-failure</c>, or Patroni).
/// </summary>
/// <remarks>
/// Started again through the AppHost instead (DCP noticing the exit, the Start command, DCP starting the process), a
/// killed server took connections again 2.3–3.8 s after the kill, although the server itself needs 0.15–0.2 s for it
/// (crash recovery included, measured by hand on the same data directory); 1.2–2.1 s of that went between DCP's
/// "Starting process" and the server's first line. Orders sent at the kill then had too little of their 8 s left, and
/// with one core kept busy up to 62 of them failed in one run. The AppHost's supervisor
/// (<see cref="ProcessSupervisionExtensions.WithSupervision"/>) still starts the keeper again when the keeper itself dies.
/// <list type="bullet">
/// <item>SIGTERM (the dashboard's Stop, the AppHost stopping) and SIGINT are a fast shutdown: PostgreSQL's own meaning
/// of SIGTERM, a smart shutdown, waits for the services' pooled sessions, which never end.</item>
/// <item>SIGUSR1 restarts the server (a fast shutdown, then a start), as <c>pg_ctl restart -m fast</c> or
/// <c>systemctl restart</c> does on its own machine, in about half a second: a Stop and a Start through the AppHost
/// took 2.2–7.8 s (DCP's time to see the keeper exit, then to start it), longer than an order can wait.</item>
/// <item>The server gets SIGKILL if the keeper dies (<c>setpriv --pdeathsig</c>): none is left running without it.</item>
/// <item>A server that keeps failing to start (its exit code, not a signal) is tried 5 times in a row, with a growing
/// pause, then the keeper exits with its code and the supervisor's back-off takes over.</item>
/// <item>Each start again writes a line with <see cref="RestartMarker"/>: the supervisor counts them in the
/// <c>postgres.restarts</c> property.</item>
/// </list>
/// </remarks>
internal static class PostgresKeeper
{
    /// <summary>How a line of the keeper that says it started the server again begins.</summary>
    public const string RestartMarker = "postgres-keeper: started again";

    private const string FileName = "keep-running.sh";

    private const string Script = $$"""
        #!/bin/sh
        # Written by the AppHost (PostgresKeeper.cs): runs PostgreSQL, and starts it again at once when it dies unasked.
        # Usage: keep-running.sh <postgres> <its arguments...>
        stopping=
        restarting=
        server=
        stop() { stopping=1; [ -n "$server" ] && kill -INT "$server" 2> /dev/null; }
        restart() { restarting=1; [ -n "$server" ] && kill -INT "$server" 2> /dev/null; }
        trap stop TERM INT
        trap restart USR1
        if command -v setpriv > /dev/null 2>&1; then set -- setpriv --pdeathsig KILL -- "$@"; fi
        # A job started with & by a shell without job control ignores SIGINT; the server must get it (PostgreSQL sets its
        # own handlers, a shell script could not trap it).
        if env --default-signal=INT true > /dev/null 2>&1; then set -- env --default-signal=INT "$@"; fi
        failures=0
        pause=0.1
        while :; do
          started=$(date +%s)
          "$@" &
          server=$!
          if [ -n "$stopping" ]; then kill -INT "$server" 2> /dev/null; fi # asked to stop as it started: stop() saw no server
          while :; do
            wait "$server"
            status=$?
            kill -0 "$server" 2> /dev/null || break # wait ended for a signal the keeper trapped: the server still runs
          done
          server=
          if [ -n "$stopping" ]; then exit "$status"; fi
          if [ -n "$restarting" ]; then
            restarting=
            echo "{{RestartMarker}}: PostgreSQL restarted on request (SIGUSR1), its fast shutdown ended with status $status"
            continue
          fi
          if [ "$status" -eq 0 ]; then exit 0; fi
          if [ "$status" -le 128 ] && [ $(( $(date +%s) - started )) -lt 10 ]; then
            failures=$((failures + 1))
            if [ "$failures" -ge 5 ]; then
              echo "postgres-keeper: PostgreSQL failed to start $failures times in a row (exit code $status): giving up" >&2
              exit "$status"
            fi
            pause=$(awk "BEGIN { print $pause * 2 }")
          else
            failures=0
            pause=0.1
          fi
          sleep "$pause"
          if [ -n "$stopping" ]; then exit 0; fi # asked to stop during the pause: nothing to start
          echo "{{RestartMarker}}: PostgreSQL ended with status $status (a signal when above 128)"
        done
        """;

    /// <summary>
    /// The command that runs the server of <paramref name="installation"/> under its keeper in <paramref name="folder"/>,
    /// as the server's account, and its first arguments; the server's own arguments follow. On Windows (no POSIX shell,
    /// no signals) the server itself, started again by the AppHost's supervisor only.
    /// </summary>
    public static (string Command, IReadOnlyList<string> Args) Command(PostgresInstallation installation, string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return installation.Command("postgres");
        }

        var (shell, args) = installation.RunAsAccount("/bin/sh");
        return (shell, [.. args, Path.Combine(folder, FileName), Path.Combine(installation.BinDirectory, "postgres")]);
    }

    /// <summary>Writes the keeper into <paramref name="folder"/> (readable and runnable by the server's account) and returns its path.</summary>
    public static async Task<string> WriteAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, FileName);
        await File.WriteAllTextAsync(path, Script.ReplaceLineEndings("\n") + "\n", cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return path;
    }
}
