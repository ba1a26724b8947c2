using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace HaSystem.Bench.Baselines;

/// <summary>
/// Raw Redis on this machine: <c>redis-benchmark</c> GET (50 clients, no pipelining) against a throwaway
/// <c>redis-server</c> on a free loopback port, started and stopped by the bench. The ceiling no Redis-backed request
/// of the system can beat.
/// </summary>
public static class RawRedisBaseline
{
    public sealed record Result(double RequestsPerSecond, double P50Ms, double P99Ms, string Version);

    public static async Task<Result> MeasureAsync(int requests, CancellationToken cancellationToken)
    {
        var port = FreePort();
        using var server = Start("redis-server", ["--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"]);
        try
        {
            await WaitForPingAsync(port, cancellationToken);
            var output = await RunAsync("redis-benchmark", ["-h", "127.0.0.1", "-p", $"{port}", "-t", "get", "-n", $"{requests}", "-c", "50", "--csv"], cancellationToken);
            // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
            var row = output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("\"GET\"", StringComparison.Ordinal)).Split(',').Select(f => f.Trim('"')).ToArray();
            var version = (await RunAsync("redis-benchmark", ["--version"], cancellationToken)).Trim();
            return new Result(Number(row[1]), Number(row[4]), Number(row[6]), version);
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Until the server answers a PING, at most 10 s (connect, write and read all inside that deadline).</summary>
    private static async Task WaitForPingAsync(int port, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
                    await client.GetStream().WriteAsync("PING\r\n"u8.ToArray(), deadline.Token);
                    if (await client.GetStream().ReadAsync(new byte[16], deadline.Token) > 0)
                    {
                        return;
                    }
                }
                catch (SocketException)
                {
                    // Not listening yet.
                }

                await Task.Delay(50, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The baseline redis-server on port {port} did not answer PING within 10 s.");
        }
    }

    private static Process Start(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{program} is not installed (Debian: apt-get install redis-server redis-tools).", ex);
        }
    }

    private static async Task<string> RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Start(program, arguments);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await error}");
    }
}
