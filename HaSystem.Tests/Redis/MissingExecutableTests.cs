using System.Diagnostics;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Redis;

/// <summary>Without <c>redis-server</c> the AppHost stops at once and says what to install.</summary>
public sealed class MissingExecutableTests
{
    // Guards against an AppHost that starts half a system, hangs, or fails with an unhelpful message.
    [Fact(Timeout = 120_000)]
    public async Task Building_the_app_fails_at_once_naming_the_packages_to_install()
    {
        var timer = Stopwatch.StartNew();
        var error = await Record.ExceptionAsync(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HaSystem_AppHost>(
                ["Redis:ServerExecutable=redis-server-not-installed"], cts.Token);
        });

        Assert.NotNull(error);
        var messages = string.Join("\n", ExceptionChain.Flatten(error).Select(e => e.Message));
        Assert.Contains("'redis-server-not-installed'", messages, StringComparison.Ordinal);
        Assert.Contains("apt-get install redis-server redis-sentinel", messages, StringComparison.Ordinal);
        Assert.Contains("brew install redis", messages, StringComparison.Ordinal);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(30), $"It took {timer.Elapsed.TotalSeconds:0.0} s to fail.");
    }

    // Guards against the message being lost when the AppHost is run as a program, as users run it.
    [Fact(Timeout = 120_000)]
    public async Task Running_the_apphost_without_redis_on_path_exits_with_the_install_hint()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(Projects.HaSystem_AppHost.ProjectPath, "bin", configuration, "net10.0", "HaSystem.AppHost.dll");
        Assert.True(File.Exists(dll), $"{dll} not built.");

        var start = new ProcessStartInfo(Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Projects.HaSystem_AppHost.ProjectPath,
        };
        start.Environment["PATH"] = "/nonexistent";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";

        var timer = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The AppHost did not exit within 60 s.\n{await stdout}\n{await stderr}");
        }

        var output = await stdout + await stderr;
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("apt-get install redis-server redis-sentinel", output, StringComparison.Ordinal);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(30), $"It took {timer.Elapsed.TotalSeconds:0.0} s to exit.");
    }
}
