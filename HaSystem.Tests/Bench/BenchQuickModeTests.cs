using System.Diagnostics;

namespace HaSystem.Tests.Bench;

/// <summary>
/// The chaos bench's quick mode, as CI runs it: the bench starts its own system, runs every scenario with short phases
/// and low rates, and must exit 0 (every invariant held: ledgers, report periods, recovery) with its report and one
/// chart per chaos scenario written. Timings are not asserted here; the full run reports them.
/// </summary>
public sealed class BenchQuickModeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    [Fact(Timeout = 720_000)]
    public async Task The_quick_bench_runs_every_scenario_and_its_invariants_hold()
    {
        var folder = Directory.CreateTempSubdirectory("hasystem-bench-");
        try
        {
            var (exitCode, log) = await RunBenchAsync("--quick", "--output", folder.FullName);
            output.WriteLine(log);
            Assert.True(exitCode == 0, $"The bench exited with {exitCode}:\n{log}");

            var report = await File.ReadAllTextAsync(Path.Combine(folder.FullName, "BENCHMARKS.md"));
            foreach (var scenario in new[] { "steady", "orders", "cache-outage", "leader-loss", "state-failover", "api-replica-loss" })
            {
                Assert.Contains($"## {scenario}", report, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("| **no** |", report, StringComparison.Ordinal);
            foreach (var chart in new[] { "cache-outage", "leader-loss", "state-failover", "api-replica-loss" })
            {
                var png = new FileInfo(Path.Combine(folder.FullName, $"bench-{chart}.png"));
                Assert.True(png.Exists && png.Length > 10_000, $"{png.Name} missing or empty.");
                Assert.Contains($"]({png.Name})", report, StringComparison.Ordinal);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_command_line_is_refused_with_the_usage()
    {
        var (exitCode, log) = await RunBenchAsync("--scenarios", "no-such-scenario");
        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown scenario(s): no-such-scenario", log, StringComparison.Ordinal);
        Assert.Contains("Usage:", log, StringComparison.Ordinal);
    }

    /// <summary>Runs the bench's build output (built with the solution) and returns its exit code and output.</summary>
    private static async Task<(int ExitCode, string Log)> RunBenchAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BenchAssembly());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Killing the whole tree stops DCP and every process the bench's system started.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"The bench did not finish within {Deadline.TotalMinutes:0} min.\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, $"{await stdout}\n{await stderr}");
    }

    /// <summary>The bench's own build output, in the configuration the tests were built in.</summary>
    private static string BenchAssembly()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory); // …/HaSystem.Tests/bin/{Configuration}/net10.0/
        var configuration = testBin.Parent!.Name;
        var root = testBin.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "bench", "HaSystem.Bench", "bin", configuration, testBin.Name, "HaSystem.Bench.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The bench is not built at {path}: build the solution first.", path);
    }
}
