using System.Collections.Concurrent;
using System.Diagnostics;

namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// A <c>HaSystem.LockBench</c> process (lock contenders in a process of their own), talking to a Redis group of the
/// running system. Its output lines are collected; it is killed on dispose if still running.
/// </summary>
public sealed class LockBenchProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private LockBenchProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _errors.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ProcessId => _process.Id;

    public IReadOnlyCollection<string> Lines => _lines;

    public static LockBenchProcess Start(string redisConnectionString, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HaSystem.LockBench.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Secrets go through the environment, never the command line (visible in ps).
        start.Environment["HASYSTEM_REDIS"] = redisConnectionString;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new LockBenchProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>The first output line starting with <paramref name="prefix"/>, waiting up to <paramref name="timeout"/>.</summary>
    public Task<string> WaitForLineAsync(string prefix, TimeSpan timeout) =>
        Poll.UntilAsync($"lockbench pid {ProcessId} printing '{prefix}…'", timeout,
            _ => Task.FromResult(_lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))),
            Describe, TimeSpan.FromMilliseconds(20));

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"lockbench pid {ProcessId} did not exit within {timeout.TotalSeconds:0} s.\n{Describe()}");
        }

        Assert.True(_process.ExitCode == 0, $"lockbench pid {ProcessId} exited with {_process.ExitCode}.\n{Describe()}");
    }

    public string Describe() => $"lockbench pid {ProcessId} output:\n  {string.Join("\n  ", _lines)}\nerrors:\n  {string.Join("\n  ", _errors.Take(30))}";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
