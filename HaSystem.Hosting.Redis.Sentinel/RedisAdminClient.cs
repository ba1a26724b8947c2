using System.Collections.Concurrent;
using System.Net;
using StackExchange.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The AppHost's own connections to each node and Sentinel, as the <c>admin</c> user, for health checks, role tracking
/// and an AppHost's own monitors (resolve it from the AppHost's services). One multiplexer per process, created on
/// first use, fail-fast: a node that is down answers "not connected" at once instead of queueing commands until a timeout.
/// </summary>
public sealed class RedisAdminClient : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Lazy<Task<ConnectionMultiplexer>>> _connections = new();

    /// <summary>The node as a server, to read <c>INFO</c> and <c>CONFIG</c>.</summary>
    public Task<IServer> GetServerAsync(RedisNodeResource node, CancellationToken cancellationToken) =>
        GetServerAsync(node.Name, node.PrimaryEndpoint, node.Group.Topology.PasswordParameter, sentinel: false, cancellationToken);

    /// <summary>The Sentinel as a server, restricted to the Sentinel command map.</summary>
    public Task<IServer> GetServerAsync(RedisSentinelResource sentinel, CancellationToken cancellationToken) =>
        GetServerAsync(sentinel.Name, sentinel.PrimaryEndpoint, sentinel.Topology.PasswordParameter, sentinel: true, cancellationToken);

    /// <summary>Reads <c>INFO replication</c> of a node; <see langword="null"/> when it cannot be reached.</summary>
    internal async Task<RedisReplicationInfo?> TryGetReplicationAsync(RedisNodeResource node, CancellationToken cancellationToken)
    {
        try
        {
            var server = await GetServerAsync(node, cancellationToken).ConfigureAwait(false);
            if (!server.IsConnected)
            {
                return null;
            }

            var info = await server.InfoAsync("replication").WaitAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
            return RedisReplicationInfo.Parse(info.SelectMany(group => group));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Asks one Sentinel where the primary of a group is; <see langword="null"/> when it cannot say.</summary>
    internal async Task<EndPoint?> TryGetPrimaryAsync(RedisSentinelResource sentinel, string group, CancellationToken cancellationToken)
    {
        try
        {
            var server = await GetServerAsync(sentinel, cancellationToken).ConfigureAwait(false);
            if (!server.IsConnected)
            {
                return null;
            }

            return await server.SentinelGetMasterAddressByNameAsync(group).WaitAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values.Where(c => c.IsValueCreated))
        {
            try
            {
                await (await connection.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
            }
        }
    }

    private async Task<IServer> GetServerAsync(string name, EndpointReference endpoint, ParameterResource password, bool sentinel, CancellationToken cancellationToken)
    {
        var connection = _connections.GetOrAdd(name, _ => new Lazy<Task<ConnectionMultiplexer>>(() => ConnectAsync(endpoint, password, sentinel)));
        var multiplexer = await connection.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return multiplexer.GetServer(multiplexer.GetEndPoints()[0]);
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(EndpointReference endpoint, ParameterResource password, bool sentinel)
    {
        var port = await endpoint.Property(EndpointProperty.TargetPort).GetValueAsync().ConfigureAwait(false);
        var options = new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, int.Parse(port!, System.Globalization.CultureInfo.InvariantCulture) } },
            User = RedisAclRules.AdminUser,
            Password = await password.GetValueAsync(default).ConfigureAwait(false),
            AbortOnConnectFail = false,
            ConnectTimeout = 1000,
            SyncTimeout = 1000,
            AsyncTimeout = 1000,
            ConnectRetry = 1,
            ReconnectRetryPolicy = new LinearRetry(500),
            BacklogPolicy = BacklogPolicy.FailFast,
            ClientName = "aspire-apphost",
            AllowAdmin = true,
        };
        if (sentinel)
        {
            options.CommandMap = CommandMap.Sentinel;
            options.TieBreaker = string.Empty;
        }

        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }
}
