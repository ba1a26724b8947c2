using System.Globalization;
using System.Text;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Writes the configuration file each process starts with. Files rather than arguments keep the passwords out of
/// process listings and out of the dashboard's argument view; the ACL users are in <see cref="RedisAclRules"/>.
/// </summary>
internal static class RedisConfigFiles
{
    public const string LoopbackAddress = "127.0.0.1";

    /// <summary>Writes a node's file; <paramref name="primaryPort"/> makes it a replica of that port.</summary>
    public static async Task<string> WriteNodeAsync(RedisNodeResource node, int? primaryPort, CancellationToken cancellationToken)
    {
        var port = await GetPortAsync(node.PrimaryEndpoint, cancellationToken).ConfigureAwait(false);
        var topology = node.Group.Topology;
        var directory = topology.RunDirectory.For(node.Name);
        var settings = node.Group.Settings;

        var config = await RedisAclRules.AppendNodeUsersAsync(Header(port, directory), node.Group, cancellationToken).ConfigureAwait(false);
        config
            .AppendLine(CultureInfo.InvariantCulture, $"masteruser {RedisAclRules.ReplicationUser}")
            .AppendLine(CultureInfo.InvariantCulture, $"masterauth {Quote(await RedisAclRules.ValueOfAsync(topology.ReplicationPasswordParameter, cancellationToken).ConfigureAwait(false))}")
            // No RDB snapshots on any role: the cache is rebuildable and the state role persists through its AOF.
            .AppendLine("save \"\"")
            .AppendLine(CultureInfo.InvariantCulture, $"appendonly {(settings.AppendOnly ? "yes" : "no")}")
            .AppendLine(CultureInfo.InvariantCulture, $"appendfsync {settings.AppendFsync}")
            .AppendLine(CultureInfo.InvariantCulture, $"maxmemory-policy {settings.MaxMemoryPolicy}")
            // A replica's full sync streams straight from memory, and without the default 5 s wait for more replicas.
            .AppendLine("repl-diskless-sync yes")
            .AppendLine("repl-diskless-sync-delay 0");
        if (settings.MaxMemory is { } maxMemory)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"maxmemory {maxMemory}");
        }

        if (settings.MinReplicasToWrite > 0)
        {
            config
                .AppendLine(CultureInfo.InvariantCulture, $"min-replicas-to-write {settings.MinReplicasToWrite}")
                .AppendLine(CultureInfo.InvariantCulture, $"min-replicas-max-lag {settings.MinReplicasMaxLagSeconds}");
        }

        if (primaryPort is { } primary)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"replicaof {LoopbackAddress} {primary}");
        }

        return await WriteAsync(directory, "redis.conf", config.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a Sentinel's file the first time it starts. A Sentinel rewrites its own file as the topology
    /// changes, so on a restart the file it left is kept: it names the current primaries, not the first ones.
    /// </summary>
    public static async Task<string> WriteSentinelAsync(RedisSentinelResource sentinel, CancellationToken cancellationToken)
    {
        var topology = sentinel.Topology;
        var directory = topology.RunDirectory.For(sentinel.Name);
        var path = Path.Combine(directory, "sentinel.conf");
        if (File.Exists(path))
        {
            return path;
        }

        var port = await GetPortAsync(sentinel.PrimaryEndpoint, cancellationToken).ConfigureAwait(false);
        var password = Quote(await RedisAclRules.ValueOfAsync(topology.SentinelPasswordParameter, cancellationToken).ConfigureAwait(false));
        var options = topology.Options;

        var config = await RedisAclRules.AppendSentinelUsersAsync(Header(port, directory), topology, cancellationToken).ConfigureAwait(false);
        config
            .AppendLine(CultureInfo.InvariantCulture, $"sentinel sentinel-user {RedisAclRules.SentinelUser}")
            .AppendLine(CultureInfo.InvariantCulture, $"sentinel sentinel-pass {password}");
        foreach (var group in topology.Groups)
        {
            var primaryPort = await GetPortAsync(group.LastKnownPrimary.PrimaryEndpoint, cancellationToken).ConfigureAwait(false);
            config
                .AppendLine(CultureInfo.InvariantCulture, $"sentinel monitor {group.Name} {LoopbackAddress} {primaryPort} {options.Quorum}")
                .AppendLine(CultureInfo.InvariantCulture, $"sentinel auth-user {group.Name} {RedisAclRules.SentinelUser}")
                .AppendLine(CultureInfo.InvariantCulture, $"sentinel auth-pass {group.Name} {password}")
                .AppendLine(CultureInfo.InvariantCulture, $"sentinel down-after-milliseconds {group.Name} {options.DownAfterMilliseconds}")
                .AppendLine(CultureInfo.InvariantCulture, $"sentinel failover-timeout {group.Name} {options.FailoverTimeoutMilliseconds}")
                .AppendLine(CultureInfo.InvariantCulture, $"sentinel parallel-syncs {group.Name} 1");
        }

        return await WriteAsync(directory, "sentinel.conf", config.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What every process shares: loopback only, its own folder, logs to stdout (the dashboard).</summary>
    private static StringBuilder Header(int port, string directory) => new StringBuilder()
        .AppendLine(CultureInfo.InvariantCulture, $"port {port}")
        .AppendLine(CultureInfo.InvariantCulture, $"bind {LoopbackAddress}")
        .AppendLine(CultureInfo.InvariantCulture, $"dir {Quote(directory)}")
        .AppendLine("daemonize no")
        .AppendLine("logfile \"\"");

    public static async Task<int> GetPortAsync(EndpointReference endpoint, CancellationToken cancellationToken)
    {
        var port = await endpoint.Property(EndpointProperty.TargetPort).GetValueAsync(cancellationToken).ConfigureAwait(false);
        return int.Parse(port ?? throw new InvalidOperationException($"No port allocated for '{endpoint.Resource.Name}'."), CultureInfo.InvariantCulture);
    }

    private static async Task<string> WriteAsync(string directory, string fileName, string content, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, fileName);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(content.AsMemory(), cancellationToken).ConfigureAwait(false);
        return path;
    }

    public static string Quote(string value) => $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
