namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A set of Sentinels and the Redis groups they monitor. It is the parent of everything Redis in the dashboard;
/// it runs no process of its own.
/// </summary>
public sealed class RedisSentinelTopologyResource(string name, ParameterResource password, RedisTopologyOptions options, RunDirectory runDirectory)
    : Resource(name)
{
    private readonly List<RedisSentinelResource> _sentinels = [];
    private readonly List<RedisMonitoredGroupResource> _groups = [];

    /// <summary>The password every node and Sentinel requires (and uses to talk to the others).</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Quorum, timings and executables, bound from the <c>Redis</c> configuration section.</summary>
    public RedisTopologyOptions Options { get; } = options;

    /// <summary>The per-run folder that holds every node's data and every generated configuration file.</summary>
    public RunDirectory RunDirectory { get; } = runDirectory;

    /// <summary>The Sentinels, in ordinal order.</summary>
    public IReadOnlyList<RedisSentinelResource> Sentinels => _sentinels;

    /// <summary>The monitored groups (roles).</summary>
    public IReadOnlyList<RedisMonitoredGroupResource> Groups => _groups;

    internal void AddSentinel(RedisSentinelResource sentinel) => _sentinels.Add(sentinel);

    internal void AddGroup(RedisMonitoredGroupResource group) => _groups.Add(group);
}
