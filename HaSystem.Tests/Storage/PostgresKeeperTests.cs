using System.Collections.Concurrent;
using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using HaSystem.Testing;

namespace HaSystem.Tests.Storage;

/// <summary>
/// The keeper that runs a local PostgreSQL server, tried on a stand-in server (a shell loop that writes its PID and the
/// signal that stopped it): no PostgreSQL is needed to see what it starts again, what it stops and when it gives up.
/// </summary>
public sealed class PostgresKeeperTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private const string StandIn = """
        trap 'echo INT > "$1/signal"; exit 0' INT
        echo $$ > "$1/pid"
        while :; do sleep 0.05; done
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("hasystem-keeper-").FullName;
    private readonly ConcurrentQueue<string> _output = new();

    // Guards against a killed server coming back only when the AppHost notices (2.3-3.8 s after a kill -9, against the
    // server's own 0.2 s), and against a stop that PostgreSQL reads as a smart shutdown (it waits for the services'
    // pooled sessions, which never end).
    [Fact]
    public async Task A_killed_server_is_started_again_at_once_and_a_stop_is_a_fast_shutdown()
    {
        using var keeper = await StartAsync(StandInPath());
        var first = await ServerAsync(previous: 0);

        var killed = Stopwatch.StartNew();
        Signals.KillNow(first);
        var second = await ServerAsync(previous: first);
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(2), $"Started again {killed.Elapsed.TotalSeconds:0.00} s after the kill.");
        await Poll.UntilAsync("the keeper's line that it started the server again", Bound,
            _ => Task.FromResult(_output.Any(l => l.StartsWith(PostgresKeeper.RestartMarker, StringComparison.Ordinal))), Output);

        Signals.Terminate(keeper.Id);

        await keeper.WaitForExitAsync().WaitAsync(Bound);
        Assert.Equal(0, keeper.ExitCode);
        Assert.Equal("INT", (await File.ReadAllTextAsync(Path.Combine(_folder, "signal"))).Trim());
        Assert.False(IsAlive(second));
    }

    // Guards against a planned restart going through the AppHost's Stop and Start (2.2-7.8 s, DCP's time to see the
    // process exit and to start it again) where the server itself needs half a second.
    [Fact]
    public async Task A_restart_request_stops_the_server_fast_and_starts_it_again()
    {
        using var keeper = await StartAsync(StandInPath());
        var first = await ServerAsync(previous: 0);

        Signals.RequestRestart(keeper.Id);

        var second = await ServerAsync(previous: first);
        Assert.Equal("INT", (await File.ReadAllTextAsync(Path.Combine(_folder, "signal"))).Trim());
        Assert.False(keeper.HasExited);
        await Poll.UntilAsync("the keeper's line that it restarted the server", Bound,
            _ => Task.FromResult(_output.Any(l => l.StartsWith(PostgresKeeper.RestartMarker, StringComparison.Ordinal) && l.Contains("SIGUSR1", StringComparison.Ordinal))), Output);
        Signals.Terminate(keeper.Id);
        await keeper.WaitForExitAsync().WaitAsync(Bound);
        Assert.False(IsAlive(second));
    }

    // Guards against a server left running without its keeper (the next start would find its port and data taken).
    [Fact]
    public async Task A_server_dies_with_its_keeper()
    {
        using var keeper = await StartAsync(StandInPath());
        var server = await ServerAsync(previous: 0);

        Signals.KillNow(keeper.Id);

        await Poll.UntilAsync($"the server (pid {server}) gone with its keeper", Bound, _ => Task.FromResult(!IsAlive(server)), Output);
    }

    // Guards against a keeper that starts a server that cannot start (a bad setting, a port taken) for ever: it gives up
    // with the server's exit code, and the AppHost's supervisor takes over with its back-off.
    [Fact]
    public async Task A_server_that_keeps_failing_to_start_is_given_up_after_five_tries()
    {
        using var keeper = await StartAsync("/bin/false");

        await keeper.WaitForExitAsync().WaitAsync(Bound);

        Assert.Equal(1, keeper.ExitCode);
        Assert.Contains(_output, l => l.Contains("failed to start 5 times in a row", StringComparison.Ordinal));
    }

    // Guards against a keeper asked to stop (the AppHost stopping) in its pause before a start again, which then started
    // the server once more.
    [Fact]
    public async Task A_stop_during_the_pause_before_a_start_again_starts_nothing()
    {
        var failing = Path.Combine(_folder, "failing.sh");
        await File.WriteAllTextAsync(failing, "echo start >> \"$1/starts\"\nexit 1\n");
        var starts = Path.Combine(_folder, "starts");
        using var keeper = await StartAsync(failing); // fails at once: the keeper pauses 0.2 s, then 0.4 s … between tries
        await Poll.UntilAsync("the first start", Bound, _ => Task.FromResult(File.Exists(starts)), Output, TimeSpan.FromMilliseconds(10));

        Signals.Terminate(keeper.Id); // within the 0.2 s pause
        var startsWhenAsked = File.ReadAllLines(starts).Length;

        await keeper.WaitForExitAsync().WaitAsync(Bound);
        Assert.Equal(startsWhenAsked, File.ReadAllLines(starts).Length);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string StandInPath()
    {
        var path = Path.Combine(_folder, "stand-in.sh");
        File.WriteAllText(path, StandIn.ReplaceLineEndings("\n"));
        return path;
    }

    private async Task<Process> StartAsync(string server)
    {
        var keeperPath = await PostgresKeeper.WriteAsync(_folder, CancellationToken.None);
        string[] args = server == "/bin/false" ? [keeperPath, server] : [keeperPath, "/bin/sh", server, _folder];
        var start = new ProcessStartInfo("/bin/sh", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        var keeper = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start.");
        keeper.OutputDataReceived += (_, e) => { if (e.Data is { } line) { _output.Enqueue(line); } };
        keeper.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { _output.Enqueue(line); } };
        keeper.BeginOutputReadLine();
        keeper.BeginErrorReadLine();
        return keeper;
    }

    // The stand-in server's PID once one other than previous runs.
    private async Task<int> ServerAsync(int previous)
    {
        var pidFile = Path.Combine(_folder, "pid");
        var pid = 0;
        await Poll.UntilAsync("the stand-in server running", Bound, async cancellationToken =>
        {
            pid = File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile, cancellationToken)).Trim(), out var p) ? p : 0;
            return pid != 0 && pid != previous && IsAlive(pid);
        }, Output, TimeSpan.FromMilliseconds(20));
        return pid;
    }

    // Running, not a zombie waiting to be reaped.
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..] is [not ('Z' or 'X'), ..];
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string Output() => $"The keeper's output:\n{string.Join('\n', _output)}";
}
