namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A Redis ACL user of one service, created on every node and Sentinel of a topology with
/// <see cref="RedisSentinelBuilderExtensions.AddUser"/>. It may run the data commands (no <c>@dangerous</c> ones:
/// no <c>FLUSHALL</c>, <c>CONFIG</c>, <c>KEYS</c>, <c>DEBUG</c>), on the key prefixes granted to it per group, and may only ask the
/// Sentinels where the primaries are. A service that writes outside its grants gets <c>NOPERM</c>.
/// </summary>
public sealed class RedisUser(string name, ParameterResource password)
{
    private readonly List<RedisKeyGrant> _grants = [];

    /// <summary>The ACL user name (the service's connection string carries it as <c>user=</c>).</summary>
    public string Name { get; } = name;

    /// <summary>The user's password: a secret parameter, shown in the dashboard.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>What the user may touch in each group.</summary>
    public IReadOnlyList<RedisKeyGrant> Grants => _grants;

    /// <summary>Lets the user read and write the keys that start with one of <paramref name="prefixes"/> in <paramref name="group"/>.</summary>
    public RedisUser WithKeys(IResourceBuilder<RedisMonitoredGroupResource> group, params string[] prefixes) =>
        Grant(group, RedisKeyAccess.ReadWrite, prefixes);

    /// <summary>Lets the user read (never write) the keys that start with one of <paramref name="prefixes"/> in <paramref name="group"/>.</summary>
    public RedisUser WithReadOnlyKeys(IResourceBuilder<RedisMonitoredGroupResource> group, params string[] prefixes) =>
        Grant(group, RedisKeyAccess.Read, prefixes);

    /// <summary>Lets the user publish and subscribe on the channels that start with one of <paramref name="prefixes"/> in <paramref name="group"/>.</summary>
    public RedisUser WithChannels(IResourceBuilder<RedisMonitoredGroupResource> group, params string[] prefixes) =>
        Grant(group, RedisKeyAccess.Channel, prefixes);

    private RedisUser Grant(IResourceBuilder<RedisMonitoredGroupResource> group, RedisKeyAccess access, string[] prefixes)
    {
        ArgumentNullException.ThrowIfNull(group);
        foreach (var prefix in prefixes)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
            if (prefix.IndexOfAny(['*', '?', '[', ' ', '"']) >= 0)
            {
                throw new ArgumentException($"The prefix '{prefix}' of Redis user '{Name}' must be literal: no glob characters, spaces or quotes.", nameof(prefixes));
            }

            _grants.Add(new RedisKeyGrant(group.Resource, access, prefix));
        }

        return this;
    }
}

/// <summary>One prefix of keys (or channels) a <see cref="RedisUser"/> may use in one group.</summary>
public sealed record RedisKeyGrant(RedisMonitoredGroupResource Group, RedisKeyAccess Access, string Prefix);

/// <summary>What a <see cref="RedisKeyGrant"/> allows.</summary>
public enum RedisKeyAccess
{
    /// <summary>Read and write the keys (<c>~prefix*</c>).</summary>
    ReadWrite,

    /// <summary>Read the keys only (<c>%R~prefix*</c>).</summary>
    Read,

    /// <summary>Publish and subscribe on the channels (<c>&amp;prefix*</c>).</summary>
    Channel,
}
