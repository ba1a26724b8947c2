using HaSystem.ServiceDefaults.Health;
using HaSystem.ServiceDefaults.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Connects a service to the Redis groups through the Sentinels.</summary>
public static class RedisClientExtensions
{
    /// <summary>Connects to every Redis group (<see cref="RedisRoles.All"/>), each behind its own circuit breaker.</summary>
    public static TBuilder AddRedisRoles<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // The cache is optional: while it is disconnected a command should fail at once (a miss), not wait in the
        // backlog for a reconnect. State commands wait, so that a write survives a failover's short reconnect.
        builder.AddRedisRole(RedisRoles.Cache, failFastWhileDisconnected: true);
        builder.AddRedisRole(RedisRoles.State, failFastWhileDisconnected: false);
        builder.AddRedisResilience();

        return builder;
    }

    /// <summary>
    /// Registers a keyed <see cref="IConnectionMultiplexer"/> for <paramref name="role"/> from
    /// <c>ConnectionStrings:{role}</c> (the Sentinel form the AppHost provides), tuned for outages: the service starts
    /// while Redis is down and reconnects in the background with exponential back-off. Replaces Aspire's Redis health
    /// check, which reports Unhealthy, with one that reports Degraded. With <paramref name="failFastWhileDisconnected"/>
    /// a command fails at once while the connection is down instead of waiting in the backlog up to the async timeout.
    /// </summary>
    public static TBuilder AddRedisRole<TBuilder>(this TBuilder builder, string role, bool failFastWhileDisconnected = false) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);

        // Shared by every role: bind and validate once, however many roles the service connects to.
        if (!builder.Services.Any(d => d.ServiceType == typeof(IValidateOptions<RedisConnectionOptions>)))
        {
            builder.Services.AddValidatedOptions<RedisConnectionOptions>(RedisConnectionOptions.SectionName);
        }

        builder.AddKeyedRedisClient(role, settings => settings.DisableHealthChecks = true);

        // Runs after Aspire's own configuration of the same named options.
        builder.Services.AddOptions<ConfigurationOptions>(role)
            .Configure<IOptions<RedisConnectionOptions>>((redis, connection) =>
            {
                Apply(redis, connection.Value, role);
                redis.BacklogPolicy = failFastWhileDisconnected ? BacklogPolicy.FailFast : BacklogPolicy.Default;
            });

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"redis-{role}",
            sp => new RedisRoleHealthCheck(sp.GetRequiredKeyedService<IConnectionMultiplexer>(role), role),
            failureStatus: HealthStatus.Degraded,
            tags: [HealthEndpoints.ReadyTag],
            timeout: TimeSpan.FromSeconds(2)));

        return builder;
    }

    private static void Apply(ConfigurationOptions redis, RedisConnectionOptions connection, string role)
    {
        redis.AbortOnConnectFail = false;
        redis.ConnectRetry = 1;
        redis.ConnectTimeout = connection.ConnectTimeoutMilliseconds;
        redis.SyncTimeout = connection.SyncTimeoutMilliseconds;
        redis.AsyncTimeout = connection.AsyncTimeoutMilliseconds;
        redis.ReconnectRetryPolicy = new ExponentialRetry(connection.ReconnectBaseDelayMilliseconds, connection.ReconnectMaxDelayMilliseconds);
        redis.HeartbeatInterval = TimeSpan.FromMilliseconds(connection.HeartbeatIntervalMilliseconds);
        redis.KeepAlive = connection.KeepAliveSeconds;
        redis.SentinelPassword ??= redis.Password;
        redis.ClientName ??= $"{AppDomain.CurrentDomain.FriendlyName}-{role}";
    }
}
