namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A set of Sentinels and the Redis groups they monitor. It is the parent of everything Redis in the dashboard;
/// it runs no process of its own.
/// </summary>
public sealed class RedisSentinelTopologyResource(
    string name, ParameterResource password, ParameterResource replicationPassword, ParameterResource sentinelPassword, RedisTopologyOptions options, RunDirectory runDirectory)
    : Resource(name)
{
    private readonly List<RedisSentinelResource> _sentinels = [];
    private readonly List<RedisMonitoredGroupResource> _groups = [];
    private readonly List<RedisUser> _users = [];

    /// <summary>The password of the <c>admin</c> user of every node and Sentinel (the <c>default</c> user is off).</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>The password of the <c>replication</c> user, with which replicas connect to their primary.</summary>
    public ParameterResource ReplicationPasswordParameter { get; } = replicationPassword;

    /// <summary>The password of the <c>sentinel</c> user, with which the Sentinels talk to the nodes and to one another.</summary>
    public ParameterResource SentinelPasswordParameter { get; } = sentinelPassword;

    /// <summary>The services' users, each created on every node and Sentinel.</summary>
    public IReadOnlyList<RedisUser> Users => _users;

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

    internal void AddUser(RedisUser user)
    {
        if (_users.Any(u => u.Name == user.Name) || user.Name is RedisAclRules.AdminUser or RedisAclRules.ReplicationUser or RedisAclRules.SentinelUser or "default")
        {
            throw new DistributedApplicationException($"The Redis user '{user.Name}' exists already in '{Name}'.");
        }

        _users.Add(user);
    }
}
