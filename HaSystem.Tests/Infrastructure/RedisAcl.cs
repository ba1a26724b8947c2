using StackExchange.Redis;

namespace HaSystem.Tests.Infrastructure;

/// <summary>Connections as the services' own Redis users, and what the ACL refused them.</summary>
public static class RedisAcl
{
    // The Sentinel command set plus ACL, so that a Sentinel's ACL LOG can be read.
    private static readonly CommandMap SentinelWithAcl = CommandMap.Create(
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "auth", "hello", "ping", "info", "role", "sentinel", "subscribe", "psubscribe", "unsubscribe", "punsubscribe", "acl" },
        available: true);

    /// <summary>
    /// A connection to <paramref name="group"/> through the Sentinels with exactly the connection string the AppHost
    /// gives the service <paramref name="user"/>. Admin mode is on in the client, so that FLUSHALL, CONFIG and KEYS reach
    /// the server: Redis itself must refuse them.
    /// </summary>
    public static async Task<ConnectionMultiplexer> ConnectAsAsync(HaSystemApp system, string group, string user)
    {
        var resource = system.Resource<RedisMonitoredGroupResource>(group);
        var connectionString = await resource.ConnectionStringFor(resource.Topology.Users.Single(u => u.Name == user)).GetValueAsync(default)
            ?? throw new InvalidOperationException($"No connection string for {user} in {group}.");
        var options = ConfigurationOptions.Parse(connectionString);
        options.AllowAdmin = true;
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = options.AsyncTimeout = 2000;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>A direct connection to one Sentinel as <paramref name="user"/> with <paramref name="password"/>.</summary>
    public static async Task<ConnectionMultiplexer> ConnectToSentinelAsync(HaSystemApp system, RedisSentinelResource sentinel, string user, string password)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", await system.PortOfAsync(sentinel) } },
            User = user,
            Password = password,
            CommandMap = SentinelWithAcl,
            TieBreaker = string.Empty,
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            SyncTimeout = 2000,
            AsyncTimeout = 2000,
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The error a command gets from Redis, or <see langword="null"/> if it succeeds.</summary>
    public static async Task<string?> ErrorOfAsync(Func<Task> command)
    {
        try
        {
            await command();
            return null;
        }
        catch (RedisServerException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Every entry of every node's and Sentinel's <c>ACL LOG</c>, whoever was refused (a service, a replica, a Sentinel,
    /// or the append-only file's replay as <c>default</c>): "<c>state-0: worker refused command config|get</c>".
    /// </summary>
    public static async Task<List<string>> DenialsAsync(HaSystemApp system)
    {
        var admin = ConfigurationOptions.Parse(await system.App.GetConnectionStringAsync("state") ?? "");
        var denials = new List<string>();
        foreach (var resource in system.Model.Resources.OfType<IResourceWithConnectionString>().Where(r => r is RedisNodeResource or RedisSentinelResource))
        {
            try
            {
                await using var connection = resource is RedisSentinelResource sentinel
                    ? await ConnectToSentinelAsync(system, sentinel, admin.User!, admin.Password!)
                    : await system.ConnectDirectAsync(resource);
                var entries = (RedisResult[])(await connection.GetDatabase().ExecuteAsync("ACL", "LOG"))!;
                foreach (var entry in entries.Select(e => e.ToDictionary()))
                {
                    denials.Add($"{resource.Name}: {entry["username"]} refused {entry["reason"]} {entry["object"]} ({entry["count"]}×, {entry["context"]})");
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // A node being started again after a kill has an empty log anyway.
            }
        }

        return denials;
    }
}
