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

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("hasystem-redis-").FullName;
        Port = FreePort();
        var start = new ProcessStartInfo("redis-server", ["--port", $"{Port}", "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not on PATH (Debian/Ubuntu: apt-get install redis-server).", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        var options = new ConfigurationOptions { EndPoints = { { IPAddress.Loopback, Port } }, AbortOnConnectFail = false, ConnectTimeout = 1000, AllowAdmin = true };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Connection = await ConnectionMultiplexer.ConnectAsync(options);
            if (Connection.IsConnected)
            {
                return;
            }

            await Connection.DisposeAsync();
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer within 10 s (exited: {_process.HasExited}).");
            }

            await Task.Delay(50);
        }
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
