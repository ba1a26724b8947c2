using System.Globalization;
using System.Text;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The ACL users every node and Sentinel starts with (<c>user</c> lines of its configuration file). The <c>default</c>
/// user is off: every connection names its user. Each user may do its job and no more:
/// <list type="bullet">
/// <item><c>admin</c>: everything; the AppHost's health checks and role tracking, and the operator's tools.</item>
/// <item><c>replication</c>: what a replica needs from its primary (<c>PSYNC</c>, <c>REPLCONF</c>, <c>PING</c>).</item>
/// <item><c>sentinel</c>: what a Sentinel needs to monitor and fail over a group (Redis's documented list), and to talk to the
/// other Sentinels.</item>
/// <item>one user per service (<see cref="RedisUser"/>): data commands on its granted prefixes only.</item>
/// </list>
/// </summary>
internal static class RedisAclRules
{
    public const string AdminUser = "admin";
    public const string ReplicationUser = "replication";
    public const string SentinelUser = "sentinel";

    // StackExchange.Redis reads INFO and ROLE on connect, and the services' health checks read INFO memory: both are
    // @dangerous only because they describe the server, not because they touch data. CONFIG stays refused (CONFIG GET
    // would show masterauth); the services' clients do not send it (RedisClientExtensions). Key patterns do not filter
    // SCAN or RANDOMKEY, which would list every service's key names (session ids among them), and the script and
    // function caches are shared by all users: none of these is the business of one service.
    public const string ServiceCommands = "+@all -@dangerous +info +role -scan -randomkey -script|flush -script|kill -function";

    // A service may ask the Sentinels where the primaries are and hear about failovers, never change or fail over a group.
    private const string ServiceSentinelCommands =
        "+ping +hello +info +role +client|setname +client|getname +subscribe +psubscribe +unsubscribe +punsubscribe " +
        "+sentinel|get-master-addr-by-name +sentinel|master +sentinel|masters +sentinel|replicas +sentinel|slaves +sentinel|sentinels";

    /// <summary>
    /// The <c>default</c> user of a node: off, with no password, so that no connection can be it. It keeps every
    /// permission for one reader only: Redis replays the append-only file as <c>default</c>, and before the fix of
    /// redis/redis#14541 (Debian's 7.0 has it) EXEC re-checks that user's permissions, so with <c>-@all</c> every
    /// MULTI/EXEC in the file (each Lua script's writes: fencing counters, lock holders) is silently dropped when a node
    /// restarts. <c>AclTests</c> keeps this honest against a real redis-server.
    /// </summary>
    public const string NodeDefaultUser = "user default off resetpass ~* &* +@all";

    /// <summary>The <c>default</c> user of a Sentinel, which has no data and no append-only file: off, and nothing allowed.</summary>
    public const string SentinelDefaultUser = "user default off resetpass resetkeys resetchannels -@all";

    /// <summary>The lines a node of <paramref name="group"/> starts with.</summary>
    public static async Task<StringBuilder> AppendNodeUsersAsync(StringBuilder config, RedisMonitoredGroupResource group, CancellationToken cancellationToken)
    {
        var topology = group.Topology;
        config.AppendLine(NodeDefaultUser);
        AppendUser(config, AdminUser, await ValueOfAsync(topology.PasswordParameter, cancellationToken).ConfigureAwait(false), "~* &* +@all");
        AppendUser(config, ReplicationUser, await ValueOfAsync(topology.ReplicationPasswordParameter, cancellationToken).ConfigureAwait(false),
            "resetkeys resetchannels -@all +psync +replconf +ping");
        AppendUser(config, SentinelUser, await ValueOfAsync(topology.SentinelPasswordParameter, cancellationToken).ConfigureAwait(false),
            "resetkeys allchannels -@all +multi +exec +slaveof +ping +subscribe +publish +config|rewrite +role +info +client|setname +client|kill +script|kill");

        foreach (var user in topology.Users)
        {
            var rules = new StringBuilder("resetkeys resetchannels -@all ").Append(ServiceCommands)
                .Append(CultureInfo.InvariantCulture, $" %R~{StackExchangeRedisDefaults.TieBreaker} &{StackExchangeRedisDefaults.ConfigurationChannel}");
            foreach (var grant in user.Grants.Where(g => g.Group == group))
            {
                rules.Append(' ').Append(grant.Access switch
                {
                    RedisKeyAccess.ReadWrite => $"~{grant.Prefix}*",
                    RedisKeyAccess.Read => $"%R~{grant.Prefix}*",
                    _ => $"&{grant.Prefix}*",
                });
            }

            AppendUser(config, user.Name, await ValueOfAsync(user.PasswordParameter, cancellationToken).ConfigureAwait(false), rules.ToString());
        }

        return config;
    }

    /// <summary>The lines a Sentinel of <paramref name="topology"/> starts with.</summary>
    public static async Task<StringBuilder> AppendSentinelUsersAsync(StringBuilder config, RedisSentinelTopologyResource topology, CancellationToken cancellationToken)
    {
        config.AppendLine(SentinelDefaultUser);
        AppendUser(config, AdminUser, await ValueOfAsync(topology.PasswordParameter, cancellationToken).ConfigureAwait(false), "~* &* +@all");
        AppendUser(config, SentinelUser, await ValueOfAsync(topology.SentinelPasswordParameter, cancellationToken).ConfigureAwait(false), "~* &* +@all");
        foreach (var user in topology.Users)
        {
            AppendUser(config, user.Name, await ValueOfAsync(user.PasswordParameter, cancellationToken).ConfigureAwait(false),
                $"resetkeys allchannels -@all {ServiceSentinelCommands}");
        }

        return config;
    }

    public static async Task<string> ValueOfAsync(ParameterResource parameter, CancellationToken cancellationToken) =>
        await parameter.GetValueAsync(cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"The parameter '{parameter.Name}' has no value.");

    private static void AppendUser(StringBuilder config, string name, string password, string rules) =>
        config.AppendLine(CultureInfo.InvariantCulture, $"user {name} on {RedisConfigFiles.Quote(">" + password)} {rules}");
}
