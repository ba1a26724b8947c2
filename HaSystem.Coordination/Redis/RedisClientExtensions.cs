using HaSystem.Coordination.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Connects a service to the Redis groups through the Sentinels.</summary>
public static class RedisClientExtensions
{
    /// <summary>Connects to every Redis group (<see cref="RedisRoles.All"/>), each behind breakers of its own.</summary>
    public static TBuilder AddRedisRoles<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        foreach (var role in RedisRoles.All)
        {
            builder.AddRedisRole(role);
        }

        builder.AddRedisResilience();
        return builder;
    }

    /// <summary>
    /// Registers a keyed <see cref="IConnectionMultiplexer"/> for <paramref name="role"/> from
    /// <c>ConnectionStrings:{role}</c> (the Sentinel form the AppHost provides), tuned for outages: the service starts
    /// while Redis is down and reconnects in the background with exponential back-off; a command fails at once while
    /// no connection is up rather than wait in a backlog, because the callers that must survive a failover try again
    /// themselves, within a deadline (<c>Redis:Resilience</c>), and nothing runs after its caller gave up. Also
    /// registers a keyed <see cref="RedisSentinelWatch"/> and replaces Aspire's Redis health check, which reports
    /// Unhealthy, with <see cref="RedisRoleHealthCheck"/>, which reports lost redundancy as Degraded.
    /// </summary>
    public static TBuilder AddRedisRole<TBuilder>(this TBuilder builder, string role) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(role);

        // Shared by every role: bind and validate once, however many roles the service connects to.
        if (!builder.Services.Any(d => d.ServiceType == typeof(IValidateOptions<RedisConnectionOptions>)))
        {
            builder.Services.AddOptions<RedisConnectionOptions>().BindConfiguration(RedisConnectionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        }

        builder.AddKeyedRedisClient(role, settings => settings.DisableHealthChecks = true);

        // Runs after Aspire's own configuration of the same named options.
        builder.Services.AddOptions<ConfigurationOptions>(role)
            .Configure<IOptions<RedisConnectionOptions>>((redis, connection) => Apply(redis, connection.Value, role));

        builder.Services.AddOptions<RedisRoleTopologyOptions>(role)
            .BindConfiguration($"{RedisRoleTopologyOptions.SectionName}:{role}")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddKeyedSingleton(role, (sp, _) => new RedisSentinelWatch(
            role,
            sp.GetRequiredService<IOptionsMonitor<ConfigurationOptions>>().Get(role),
            sp.GetRequiredService<IOptionsMonitor<RedisRoleTopologyOptions>>().Get(role),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<RedisSentinelWatch>>()));
        builder.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<RedisSentinelWatch>(role));
        builder.Services.AddKeyedSingleton(role, (sp, _) => new RedisPrimaryFollower(
            role,
            sp.GetRequiredKeyedService<IConnectionMultiplexer>(role),
            sp.GetRequiredKeyedService<RedisSentinelWatch>(role),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<RedisPrimaryFollower>>()));
        builder.Services.AddSingleton<IHostedService>(sp => new RedisConnectionLog(
            role, () => sp.GetRequiredKeyedService<IConnectionMultiplexer>(role), sp.GetRequiredService<ILogger<RedisConnectionLog>>()));

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"redis-{role}",
            sp => new RedisRoleHealthCheck(sp.GetRequiredKeyedService<IConnectionMultiplexer>(role), sp.GetRequiredKeyedService<RedisSentinelWatch>(role)),
            failureStatus: HealthStatus.Degraded,
            tags: null,
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
        redis.BacklogPolicy = BacklogPolicy.FailFast;

        // A service's Redis user may not run CONFIG (CONFIG GET would show the replication password); without this the
        // client would try CONFIG GET on every connect, to learn settings it does not need.
        redis.CommandMap = CommandMap.Create(new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "CONFIG" }, available: false);
        redis.SentinelUser ??= redis.User;
        redis.SentinelPassword ??= redis.Password;
        redis.ClientName ??= $"{AppDomain.CurrentDomain.FriendlyName}-{role}";
    }
}
