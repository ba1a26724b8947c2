using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HaSystem.Tests.Infrastructure;
using StackExchange.Redis;

namespace HaSystem.Tests.Redis;

/// <summary>The ACL rules the AppHost writes, against one real <c>redis-server</c> with an append-only file: no system needed.</summary>
public sealed class AclTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hasystem-acl-").FullName;
    private Process? _server;
    private int _port;

    // Guards against a restart that silently drops scripted writes. Redis replays the append-only file as the `default`
    // user and, before redis/redis#14541, re-checks its permissions at each EXEC: with a `default` user that may run
    // nothing, every Lua script's writes (a fencing counter, a lock holder) vanished from a restarted node, and its
    // fencing tokens could go backwards.
    [Fact(Timeout = 60_000)]
    public async Task A_restarted_node_keeps_the_scripted_writes_of_its_append_only_file_and_nobody_can_be_default()
    {
        await StartAsync();
        await using (var service = await ConnectAsync("svc"))
        {
            var db = service.GetDatabase();
            await db.ScriptEvaluateAsync("redis.call('SET', KEYS[1], 'holder', 'PX', 600000); return redis.call('INCR', KEYS[2])", ["lock:x", "lock:x:fence"]);
            await db.StringSetAsync("lock:plain", "1");
            Assert.StartsWith("NOPERM", await RedisAcl.ErrorOfAsync(() => db.StringSetAsync("other", "1")), StringComparison.Ordinal);
        }

        await using (var admin = await ConnectAsync("admin"))
        {
            try
            {
                await admin.GetDatabase().ExecuteAsync("SHUTDOWN");
            }
            catch (RedisException)
            {
                // The server closes the connection as it exits.
            }
        }

        Assert.True(_server!.WaitForExit(10_000), "redis-server did not shut down.");
        await StartAsync();
        await using (var admin = await ConnectAsync("admin"))
        {
            var db = admin.GetDatabase();
            Assert.Equal("1", (string?)await db.StringGetAsync("lock:plain"));
            Assert.Equal("1", (string?)await db.StringGetAsync("lock:x:fence"));
            Assert.Equal("holder", (string?)await db.StringGetAsync("lock:x"));
        }

        Assert.StartsWith("-NOAUTH", await RedisQueries.ReplyAsync(_port, "PING"), StringComparison.Ordinal);
        Assert.StartsWith("-WRONGPASS", await RedisQueries.ReplyAsync(_port, "AUTH anything"), StringComparison.Ordinal);
        Assert.StartsWith("-WRONGPASS", await RedisQueries.ReplyAsync(_port, "AUTH default anything"), StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task StartAsync()
    {
        if (_port == 0)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            _port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        await File.WriteAllLinesAsync(Path.Combine(_directory, "redis.conf"),
        [
            $"port {_port}", "bind 127.0.0.1", $"dir \"{_directory}\"", "save \"\"", "appendonly yes", "appendfsync always",
            RedisAclRules.NodeDefaultUser,
            "user admin on >admin-password ~* &* +@all",
            $"user svc on >svc-password resetkeys resetchannels -@all {RedisAclRules.ServiceCommands} ~lock:*",
        ]);
        _server?.Dispose();
        _server = Process.Start(new ProcessStartInfo("redis-server", [Path.Combine(_directory, "redis.conf")]) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("redis-server did not start.");
        _server.OutputDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        await Poll.UntilAsync("redis-server answering", TimeSpan.FromSeconds(10), async _ =>
        {
            try
            {
                return (await RedisQueries.ReplyAsync(_port, "PING")).Length > 0;
            }
            catch (SocketException)
            {
                return false;
            }
        }, () => $"redis-server on {_port}, exited: {_server.HasExited}");
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(string user) =>
        await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, _port } },
            User = user,
            Password = $"{user}-password",
            AllowAdmin = true,
            ConnectTimeout = 2000,
            AbortOnConnectFail = true,
        });
}
