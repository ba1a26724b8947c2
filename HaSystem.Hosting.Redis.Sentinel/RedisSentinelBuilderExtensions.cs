using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Models a Sentinel-managed Redis deployment made of local <c>redis-server</c> and <c>redis-sentinel</c>
/// processes: groups of one primary and its replicas, monitored by a set of Sentinels.
/// </summary>
public static partial class RedisSentinelBuilderExtensions
{
    /// <summary>
    /// Adds the Sentinels (<c>{name}-0</c>, <c>{name}-1</c>, …) of a Redis topology. Add the monitored groups with
    /// <see cref="AddMonitoredGroup"/> and a user per service with <see cref="AddUser"/>. Options are read from the
    /// <c>Redis</c> configuration section.
    /// </summary>
    /// <remarks>
    /// Every node and Sentinel has the ACL users of <see cref="RedisAclRules"/>, and the <c>default</c> user is off.
    /// <paramref name="password"/> is the <c>admin</c> user's. The replicas and the Sentinels get users of their own,
    /// with passwords generated into the secret parameters <c>{name}-replication-password</c> and <c>{name}-auth-password</c>.
    /// </remarks>
    /// <example>
    /// <code>
    /// var sentinels = builder.AddRedisSentinels("sentinel", adminPassword);
    /// var state = sentinels.AddMonitoredGroup("state", replicas: 2).WithDurablePersistence("256mb");
    /// var apiUser = sentinels.AddUser("api", apiPassword).WithKeys(state, "orders:");
    /// builder.AddProject&lt;Projects.Api&gt;("api").WithReference(state, apiUser).WaitForFirstElection(state);
    /// </code>
    /// </example>
    /// <exception cref="DistributedApplicationException">
    /// <c>redis-server</c> or <c>redis-sentinel</c> cannot be found, or the options are invalid.
    /// </exception>
    public static IResourceBuilder<RedisSentinelTopologyResource> AddRedisSentinels(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<ParameterResource> password)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(password);

        var options = builder.Configuration.GetSection(RedisTopologyOptions.SectionName).Get<RedisTopologyOptions>() ?? new();
        options.Validate();
        var (serverPath, sentinelPath) = RedisExecutables.Resolve(options);
        options.ServerExecutable = serverPath;
        options.SentinelExecutable = sentinelPath;

        var runDirectory = RunDirectory.For(builder);
        builder.Services.TryAddSingleton<RedisAdminClient>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisRoleMonitor>());

        var replicationPassword = builder.AddGeneratedSecret($"{name}-replication-password", minLength: 32);
        var sentinelPassword = builder.AddGeneratedSecret($"{name}-auth-password", minLength: 32);
        var topology = builder.AddResource(new RedisSentinelTopologyResource(name, password.Resource, replicationPassword.Resource, sentinelPassword.Resource, options, runDirectory))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RedisSentinelTopology",
                State = KnownResourceStates.Active,
                Properties = [new("redis.folder", runDirectory.Path)],
            })
            .ExcludeFromManifest();

        for (var i = 0; i < options.Sentinels; i++)
        {
            topology.AddSentinel($"{name}-{i}", i);
        }

        return topology;
    }

    /// <summary>
    /// Adds the ACL user <paramref name="userName"/> to every node and Sentinel, with <paramref name="password"/>. It can
    /// reach no key until granted prefixes (<see cref="RedisUser.WithKeys"/>); give it to a service with
    /// <see cref="WithReference(IResourceBuilder{ProjectResource}, IResourceBuilder{RedisMonitoredGroupResource}, RedisUser)"/>.
    /// </summary>
    public static RedisUser AddUser(
        this IResourceBuilder<RedisSentinelTopologyResource> topology, string userName, IResourceBuilder<ParameterResource> password)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(password);
        if (string.IsNullOrEmpty(userName) || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"'{userName}' is not a Redis user name: use letters, digits, '-' and '_'.", nameof(userName));
        }

        var user = new RedisUser(userName, password.Resource);
        topology.Resource.AddUser(user);
        return user;
    }

    /// <summary>
    /// Gives <paramref name="service"/> the Sentinel connection string of <paramref name="group"/> as <paramref name="user"/>
    /// (<c>ConnectionStrings__{group}</c>), so that it follows the primary across failovers with nothing but that user's rights.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<RedisMonitoredGroupResource> group, RedisUser user)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(user);
        if (!group.Resource.Topology.Users.Contains(user))
        {
            throw new DistributedApplicationException($"The Redis user '{user.Name}' was not added to '{group.Resource.Topology.Name}'.");
        }

        return service
            .WithEnvironment($"ConnectionStrings__{group.Resource.Name}", group.Resource.ConnectionStringFor(user))
            .WithReferenceRelationship(group);
    }

    /// <summary>
    /// Adds a group monitored by the Sentinels under <paramref name="name"/> as the service name: node
    /// <c>{name}-0</c> (the first primary) and <paramref name="replicas"/> replicas. Reference the returned
    /// resource from a service to give it the Sentinel connection string; wait for it so that the service starts
    /// once a primary is elected and every Sentinel is ready to fail over.
    /// </summary>
    public static IResourceBuilder<RedisMonitoredGroupResource> AddMonitoredGroup(
        this IResourceBuilder<RedisSentinelTopologyResource> topology,
        [ResourceName] string name,
        int replicas)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);

        var builder = topology.ApplicationBuilder;
        var group = new RedisMonitoredGroupResource(name, topology.Resource);
        topology.Resource.AddGroup(group);

        var groupBuilder = builder.AddResource(group)
            .WithParentRelationship(topology)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RedisSentinelService",
                State = KnownResourceStates.NotStarted,
                Properties = [new(RedisResourceProperties.CurrentPrimary, $"{name}-0")],
            })
            .OnInitializeResource(StartGroupAsync)
            .WithHealthCheck(AddHealthCheck(builder, $"{name}_primary", sp => new RedisGroupHealthCheck(sp.GetRequiredService<RedisAdminClient>(), group)))
            .ExcludeFromManifest();

        for (var i = 0; i <= replicas; i++)
        {
            groupBuilder.AddNode($"{name}-{i}", i);
        }

        return groupBuilder;
    }

    private static string ValidMemorySize(string maxMemory, string group) =>
        !string.IsNullOrWhiteSpace(maxMemory) && System.Text.RegularExpressions.Regex.IsMatch(maxMemory, "^[0-9]+(b|k|kb|m|mb|g|gb)?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)
            ? maxMemory
            : throw new DistributedApplicationException($"The maxmemory of Redis group '{group}' must be a Redis memory size such as 256mb, not '{maxMemory}'.");

    /// <summary>
    /// Makes the group an evicting cache: at most <paramref name="maxMemory"/> (a Redis size such as <c>256mb</c>) with
    /// <c>allkeys-lru</c>, and no persistence. Only data that
    /// can be rebuilt belongs here.
    /// </summary>
    public static IResourceBuilder<RedisMonitoredGroupResource> WithEvictingCache(
        this IResourceBuilder<RedisMonitoredGroupResource> group, string maxMemory)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.Resource.Settings.MaxMemory = ValidMemorySize(maxMemory, group.Resource.Name);
        group.Resource.Settings.MaxMemoryPolicy = "allkeys-lru";
        group.Resource.Settings.AppendOnly = false;
        return group;
    }

    /// <summary>
    /// Makes the group durable: <c>noeviction</c> (a full instance refuses writes instead of dropping keys), at most
    /// <paramref name="maxMemory"/> (a Redis size such as <c>256mb</c>), and an append-only file synced every second.
    /// </summary>
    public static IResourceBuilder<RedisMonitoredGroupResource> WithDurablePersistence(
        this IResourceBuilder<RedisMonitoredGroupResource> group, string maxMemory)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.Resource.Settings.MaxMemory = ValidMemorySize(maxMemory, group.Resource.Name);
        group.Resource.Settings.MaxMemoryPolicy = "noeviction";
        group.Resource.Settings.AppendOnly = true;
        group.Resource.Settings.AppendFsync = "everysec";
        return group;
    }

    /// <summary>
    /// Keeps a primary that has lost its replicas from taking writes: it refuses them (<c>NOREPLICAS</c>) unless
    /// <paramref name="replicas"/> replicas are connected and acknowledged within <paramref name="maxLag"/>. A primary
    /// that comes back after a pause or a partition, after the Sentinels promoted another node, has none: so it cannot
    /// accept writes meant for the new primary (which would be lost when it is turned into a replica). The price: with
    /// every replica down the group takes no writes, which its health check reports as lost redundancy beforehand.
    /// </summary>
    public static IResourceBuilder<RedisMonitoredGroupResource> WithWritesConfirmedByReplicas(
        this IResourceBuilder<RedisMonitoredGroupResource> group, int replicas, TimeSpan maxLag)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicas, group.Resource.Nodes.Count - 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLag, TimeSpan.FromSeconds(1));
        group.Resource.Settings.MinReplicasToWrite = replicas;
        group.Resource.Settings.MinReplicasMaxLagSeconds = (int)Math.Ceiling(maxLag.TotalSeconds);
        return group;
    }

    /// <summary>
    /// Holds the resource's first start until the group has elected its first primary and every Sentinel is ready to
    /// fail over. Unlike <c>WaitFor</c>, later starts (a replica restarted during a Redis outage) are not held: a
    /// service must come back and serve from its fallbacks while Redis is down, not wait for Redis to return.
    /// </summary>
    public static IResourceBuilder<T> WaitForFirstElection<T>(
        this IResourceBuilder<T> resource, IResourceBuilder<RedisMonitoredGroupResource> group)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(group);

        return resource.OnBeforeResourceStarted(async (r, e, cancellationToken) =>
        {
            if (!group.Resource.FirstElection.IsCompleted)
            {
                var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(r);
                LogWaitingForFirstElection(logger, group.Resource.Name);
                await group.Resource.FirstElection.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        });
    }

    private static IResourceBuilder<RedisSentinelResource> AddSentinel(
        this IResourceBuilder<RedisSentinelTopologyResource> topology, string name, int ordinal)
    {
        var builder = topology.ApplicationBuilder;
        var sentinel = new RedisSentinelResource(name, topology.Resource.Options.SentinelExecutable, topology.Resource, ordinal);
        topology.Resource.AddSentinel(sentinel);

        return builder.AddResource(sentinel)
            .WithParentRelationship(topology)
            .OnBeforeResourceStarted(WaitForEveryNodeOnFirstStartAsync)
            .WithEndpoint(name: RedisSentinelResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(async context => context.Args.Add(await RedisConfigFiles.WriteSentinelAsync(sentinel, context.CancellationToken).ConfigureAwait(false)))
            .WithHealthCheck(AddHealthCheck(builder, $"{name}_sentinel", sp => new RedisSentinelHealthCheck(sp.GetRequiredService<RedisAdminClient>(), sentinel)))
            .WithSupervision(RedisResourceProperties.Restarts)
            .ExcludeFromManifest();
    }

    private static IResourceBuilder<RedisNodeResource> AddNode(
        this IResourceBuilder<RedisMonitoredGroupResource> group, string name, int ordinal)
    {
        var builder = group.ApplicationBuilder;
        var node = new RedisNodeResource(name, group.Resource.Topology.Options.ServerExecutable, group.Resource, ordinal);
        group.Resource.AddNode(node);

        return builder.AddResource(node)
            .WithParentRelationship(group)
            .WithEndpoint(name: RedisNodeResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(async context =>
            {
                var services = context.ExecutionContext.Services;
                var primaryPort = await RedisPrimaryResolver.ResolvePrimaryPortForAsync(node, services, context.CancellationToken).ConfigureAwait(false);
                context.Args.Add(await RedisConfigFiles.WriteNodeAsync(node, primaryPort, context.CancellationToken).ConfigureAwait(false));
            })
            .WithHealthCheck(AddHealthCheck(builder, $"{name}_node", sp => new RedisNodeHealthCheck(sp.GetRequiredService<RedisAdminClient>(), node)))
            .WithSupervision(RedisResourceProperties.Restarts, RedisPrimaryRestart.WaitForPromotionAsync)
            .ExcludeFromManifest();
    }

    // A Sentinel that starts before a replica's first sync does not learn of it and refuses to fail over: the first
    // start waits for every node to be healthy. Unlike WaitFor, a later start (the supervisor replacing a Sentinel that
    // died, an operator's Start) does not: a Sentinel is needed most when some node is down.
    private static async Task WaitForEveryNodeOnFirstStartAsync(RedisSentinelResource sentinel, BeforeResourceStartedEvent e, CancellationToken cancellationToken)
    {
        if (!sentinel.MarkStarted())
        {
            return;
        }

        var client = e.Services.GetRequiredService<RedisAdminClient>();
        foreach (var node in sentinel.Topology.Groups.SelectMany(g => g.Nodes))
        {
            await RedisFirstStart.UntilHealthyAsync(new RedisNodeHealthCheck(client, node), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task StartGroupAsync(RedisMonitoredGroupResource group, InitializeResourceEvent e, CancellationToken cancellationToken)
    {
        // Every Sentinel ready to fail over (it knows every replica and every other Sentinel), then the group Running
        // with its health check on, as Aspire's own connection-string resources do.
        await e.Notifications.PublishUpdateAsync(group, s => s with { State = KnownResourceStates.Waiting }).ConfigureAwait(false);
        var client = e.Services.GetRequiredService<RedisAdminClient>();
        foreach (var sentinel in group.Topology.Sentinels)
        {
            await RedisFirstStart.UntilHealthyAsync(new RedisSentinelHealthCheck(client, sentinel), cancellationToken).ConfigureAwait(false);
        }

        await e.Eventing.PublishAsync(new BeforeResourceStartedEvent(group, e.Services), cancellationToken).ConfigureAwait(false);
        await e.Notifications.PublishUpdateAsync(group, s => s with { State = KnownResourceStates.Running }).ConfigureAwait(false);
        await e.Eventing.PublishAsync(new ConnectionStringAvailableEvent(group, e.Services), cancellationToken).ConfigureAwait(false);

        // The first election, which releases the services that wait for it (WaitForFirstElection): the group's check
        // marks it when a majority of Sentinels name a primary that answers as one.
        await RedisFirstStart.UntilElectedAsync(new RedisGroupHealthCheck(client, group), group, cancellationToken).ConfigureAwait(false);
    }

    private static string AddHealthCheck(IDistributedApplicationBuilder builder, string key, Func<IServiceProvider, IHealthCheck> factory)
    {
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, factory, failureStatus: null, tags: null));
        return key;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the first primary election of Redis group '{Group}'.")]
    private static partial void LogWaitingForFirstElection(ILogger logger, string group);
}
