using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace HaSystem.Tests.Infrastructure;

public static class RedisQueries
{
    /// <summary><c>INFO replication</c> of a node as a dictionary.</summary>
    public static async Task<Dictionary<string, string>> ReplicationAsync(ConnectionMultiplexer node)
    {
        var info = await node.GetServer(node.GetEndPoints()[0]).InfoAsync("replication");
        return info.SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
    }

    /// <summary>One <c>CONFIG GET</c> value.</summary>
    public static async Task<string> ConfigAsync(ConnectionMultiplexer node, string name)
    {
        var values = await node.GetServer(node.GetEndPoints()[0]).ConfigGetAsync(name);
        return values.Single(v => v.Key == name).Value;
    }

    /// <summary>
    /// What a client without a password hears: the first reply to a PING on a raw socket (the test checks the
    /// server's answer itself, so no client library can hide or reinterpret it).
    /// </summary>
    public static Task<string> FirstReplyWithoutPasswordAsync(int port) => ReplyAsync(port, "PING");

    /// <summary>The first reply to one inline command sent on a fresh raw socket.</summary>
    public static async Task<string> ReplyAsync(int port, string inlineCommand)
    {
        using var tcp = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await tcp.ConnectAsync("127.0.0.1", port, cts.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(inlineCommand + "\r\n"), cts.Token);
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, cts.Token);
        return Encoding.ASCII.GetString(buffer, 0, read).TrimEnd();
    }
}
