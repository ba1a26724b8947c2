using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace HaSystem.Coordination.Tests;

/// <summary>
/// One real <c>redis-server</c> on a free loopback port, in a temporary folder, for a test class; stopped (by its PID)
/// and removed when the class is done. Fails with the install hint when redis-server is not on PATH.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;
    private string? _directory;

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public int Port { get; private set; }

    public async Task InitializeAsync() => await StartAsync(FreePort);

    /// <summary>
    /// Starts redis-server on a port from <paramref name="choosePort"/>, and again on the next one while the port chosen
    /// turns out taken. A free port is only free until someone binds it: two classes starting at once can be given the
    /// same one, and the server that loses the race exits while its fixture, connecting to the port, would reach the
    /// winner's server and share (and flush) its keys. So the fixture only accepts a server whose process is its own.
    /// </summary>
    internal async Task StartAsync(Func<int> choosePort)
    {
        _directory = Directory.CreateTempSubdirectory("hasystem-redis-").FullName;
        var failures = new List<string>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Port = choosePort();
            if (await TryStartOnAsync(Port) is { } failure)
            {
                failures.Add($"port {Port}: {failure}");
                continue;
            }

            return;
        }

        throw new InvalidOperationException($"redis-server did not start on any of 5 ports: {string.Join("; ", failures)}");
    }

    private async Task<string?> TryStartOnAsync(int port)
    {
        var start = new ProcessStartInfo("redis-server", ["--port", $"{port}", "--bind", "127.0.0.1", "--dir", _directory!, "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not on PATH (Debian/Ubuntu: apt-get install redis-server).", ex);
        }

        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { output.Enqueue(line); } };
        process.BeginOutputReadLine();
        var options = new ConfigurationOptions { EndPoints = { { IPAddress.Loopback, port } }, AbortOnConnectFail = false, ConnectTimeout = 1000, AllowAdmin = true };
        var deadline = Stopwatch.StartNew();
        while (!process.HasExited)
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(options);
            if (connection.IsConnected && await ServesAsync(connection, process.Id))
            {
                _process = process;
                Connection = connection;
                return null;
            }

            await connection.DisposeAsync();
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                process.Kill();
                await process.WaitForExitAsync();
                throw new TimeoutException($"redis-server on port {port} did not answer within 10 s. Its output: {string.Join(" | ", output)}");
            }

            await Task.Delay(50);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        return $"redis-server exited ({string.Join(" | ", output.TakeLast(3))})";
    }

    // The process that answers on the port: ours, or (when ours lost the port) someone else's.
    private static async Task<bool> ServesAsync(ConnectionMultiplexer connection, int processId)
    {
        var info = await connection.GetServer(connection.GetEndPoints()[0]).InfoAsync("server");
        return info.SelectMany(group => group).Any(pair => pair.Key == "process_id" && pair.Value == processId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
