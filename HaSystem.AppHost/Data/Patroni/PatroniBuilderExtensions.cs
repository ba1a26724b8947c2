using Aspire.Hosting.ApplicationModel;
using HaSystem.AppHost.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>A PostgreSQL cluster under Patroni over etcd, all local processes run by the AppHost (no container engine).</summary>
public static partial class PatroniBuilderExtensions
{
    /// <summary>How long a service's first start waits for the cluster's first primary before it fails with the cluster's state.</summary>
    public static readonly TimeSpan FirstPrimaryTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Adds a cluster of three PostgreSQL nodes under Patroni (<c>{name}-0</c> … <c>{name}-2</c>: the first to take the
    /// leader key initialises the cluster, the others copy it and stream from it) over a three-member etcd
    /// (<c>{name}-etcd-0</c> … <c>{name}-etcd-2</c>), all on 127.0.0.1 on ports Aspire allocates, their data in the run
    /// folder, run as the PostgreSQL account when the AppHost is root (as the AppHost's user otherwise). The superuser's,
    /// the replication role's, the rewind role's and the REST API user's passwords are the secret parameters
    /// <c>{name}-superuser-password</c>, <c>{name}-replication-password</c>, <c>{name}-rewind-password</c> and
    /// <c>{name}-restapi-password</c>: Patroni gets them in its environment. Every process that dies unasked is started again.
    /// Add databases with <see cref="AddDatabase"/>.
    /// </summary>
    /// <exception cref="DistributedApplicationException">A program is missing (the message names the packages) or the timings break Patroni's rule.</exception>
    public static IResourceBuilder<PatroniClusterResource> AddPatroniCluster(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, PatroniOptions options, string? binDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var installation = PatroniInstallation.Resolve(binDirectory, options.PatroniExecutable, options.EtcdExecutable);
        var run = RunDirectory.For(builder);
        var cluster = new PatroniClusterResource(name, installation, options, run.For(name),
            builder.AddGeneratedSecret($"{name}-superuser-password", minLength: 32).Resource,
            builder.AddGeneratedSecret($"{name}-replication-password", minLength: 32).Resource,
            builder.AddGeneratedSecret($"{name}-rewind-password", minLength: 32).Resource,
            builder.AddGeneratedSecret($"{name}-restapi-password", minLength: 32).Resource);

        var clusterBuilder = builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PatroniCluster",
                State = KnownResourceStates.Starting,
                Properties = [new("postgres.folder", cluster.Folder)],
            })
            .WithHealthCheck(AddHealthCheck(builder, $"{name}_cluster", PatroniHealthChecks.Cluster(cluster)))
            .OnInitializeResource((resource, e, cancellationToken) =>
            {
                var monitor = new PatroniMonitor(e.Notifications, e.Services.GetRequiredService<ResourceLoggerService>());
                var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                // Runs until the AppHost stops; it logs its own failures and never ends on one.
                _ = Task.Run(() => monitor.WatchAsync(resource, stopping), stopping);
                return Task.CompletedTask;
            })
            .ExcludeFromManifest();

        for (var i = 0; i < 3; i++)
        {
            clusterBuilder.AddEtcdMember($"{name}-etcd-{i}");
        }

        for (var i = 0; i < 3; i++)
        {
            clusterBuilder.AddNode($"{name}-{i}");
        }

        return clusterBuilder;
    }

    /// <summary>
    /// Adds the database <paramref name="databaseName"/> (by default <paramref name="name"/>), created at the cluster's
    /// bootstrap and owned by the role <paramref name="userName"/> (by default the database's name), whose password is the
    /// secret parameter <c>{name}-password</c>. Reference it from a service to give it <c>ConnectionStrings__{name}</c>.
    /// </summary>
    public static IResourceBuilder<PatroniDatabaseResource> AddDatabase(
        this IResourceBuilder<PatroniClusterResource> cluster, [ResourceName] string name, string? databaseName = null, string? userName = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var builder = cluster.ApplicationBuilder;
        var owner = userName ?? databaseName ?? name;
        if (owner is PatroniClusterResource.SuperuserName or PatroniClusterResource.ReplicationUserName or PatroniClusterResource.RewindUserName)
        {
            throw new DistributedApplicationException($"'{owner}' is one of the roles Patroni manages: give the database's owner another name.");
        }

        var database = new PatroniDatabaseResource(name, databaseName ?? name, userName ?? databaseName ?? name,
            builder.AddGeneratedSecret($"{name}-password", minLength: 32).Resource, cluster.Resource);
        cluster.Resource.Databases.Add(database);
        return builder.AddResource(database)
            .WithParentRelationship(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Starting,
                Properties = [new("postgres.database", database.DatabaseName), new("postgres.user", database.UserName)],
            })
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Holds the resource's first start until the cluster has a primary and its databases answer (failing it, with the
    /// cluster's state, after <see cref="FirstPrimaryTimeout"/>). Unlike <c>WaitFor</c>, later starts are not held: a
    /// service restarted while the cluster fails over must come up and ride the failover out, not wait for it.
    /// </summary>
    public static IResourceBuilder<T> WaitForFirstPrimary<T>(this IResourceBuilder<T> resource, PatroniClusterResource cluster)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(cluster);
        return resource.OnBeforeResourceStarted(async (r, e, cancellationToken) =>
        {
            if (cluster.FirstPrimary.IsCompleted)
            {
                return;
            }

            var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(r);
            LogWaitingForFirstPrimary(logger, cluster.Name);
            try
            {
                await cluster.FirstPrimary.WaitAsync(FirstPrimaryTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new DistributedApplicationException(
                    $"{cluster.Name} had no primary whose databases answer within {FirstPrimaryTimeout.TotalSeconds:0} s: {cluster.LastView?.Health().Description ?? "no node answered"} See its nodes' logs.");
            }
        });
    }

    private static void AddEtcdMember(this IResourceBuilder<PatroniClusterResource> cluster, string name)
    {
        var builder = cluster.ApplicationBuilder;
        var installation = cluster.Resource.Installation;
        var (command, prefix) = installation.Postgres.RunAsAccount(installation.Etcd);
        var member = new EtcdMemberResource(name, command, RunDirectory.For(builder).For(name), cluster.Resource);
        cluster.Resource.EtcdMembers.Add(member);

        builder.AddResource(member)
            .WithParentRelationship(cluster)
            .WithEndpoint(name: EtcdMemberResource.ClientEndpointName, scheme: "http", isProxied: false)
            .WithEndpoint(name: EtcdMemberResource.PeerEndpointName, scheme: "http", isProxied: false)
            .WithArgs(async context =>
            {
                await PostgresCluster.GiveToAccountAsync(installation.Postgres, member.Folder, context.CancellationToken).ConfigureAwait(false);
                foreach (var arg in prefix)
                {
                    context.Args.Add(arg);
                }

                var client = await LoopbackEndpoints.UrlAsync(member.ClientEndpoint, "", context.CancellationToken).ConfigureAwait(false);
                var peer = await LoopbackEndpoints.UrlAsync(member.PeerEndpoint, "", context.CancellationToken).ConfigureAwait(false);
                var initialCluster = new List<string>();
                foreach (var other in cluster.Resource.EtcdMembers)
                {
                    initialCluster.Add($"{other.Name}={await LoopbackEndpoints.UrlAsync(other.PeerEndpoint, "", context.CancellationToken).ConfigureAwait(false)}");
                }

                // The initial-cluster flags matter on the first start only: a member started again rejoins from its data.
                string[] args =
                [
                    "--name", member.Name, "--data-dir", Path.Combine(member.Folder, "data"),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", string.Join(',', initialCluster), "--initial-cluster-state", "new",
                    "--initial-cluster-token", cluster.Resource.Name,
                ];
                foreach (var arg in args)
                {
                    context.Args.Add(arg);
                }
            })
            .WithHealthCheck(AddHealthCheck(builder, $"{name}_etcd", PatroniHealthChecks.Etcd(member)))
            .WithSupervision("etcd.restarts")
            .ExcludeFromManifest();
    }

    private static void AddNode(this IResourceBuilder<PatroniClusterResource> cluster, string name)
    {
        var builder = cluster.ApplicationBuilder;
        var resource = cluster.Resource;
        var installation = resource.Installation;
        var (command, prefix) = installation.Postgres.RunAsAccount(installation.Patroni);
        var node = new PatroniNodeResource(name, command, RunDirectory.For(builder).For(name), resource);
        resource.Nodes.Add(node);

        builder.AddResource(node)
            .WithParentRelationship(cluster)
            .WithEndpoint(name: PatroniNodeResource.PostgresEndpointName, scheme: "tcp", isProxied: false)
            .WithEndpoint(name: PatroniNodeResource.RestEndpointName, scheme: "http", isProxied: false)
            .WithEnvironment(context =>
            {
                // Never on a command line (ps shows it) nor in patroni.yml: Patroni reads them from its environment, and the
                // post-bootstrap script's psql reads each database owner's.
                context.EnvironmentVariables["PATRONI_SUPERUSER_PASSWORD"] = resource.SuperuserPassword;
                context.EnvironmentVariables["PATRONI_REPLICATION_PASSWORD"] = resource.ReplicationPassword;
                context.EnvironmentVariables["PATRONI_REWIND_PASSWORD"] = resource.RewindPassword;
                context.EnvironmentVariables["PATRONI_RESTAPI_USERNAME"] = PatroniClusterResource.RestApiUserName;
                context.EnvironmentVariables["PATRONI_RESTAPI_PASSWORD"] = resource.RestApiPassword;
                foreach (var database in resource.Databases)
                {
                    context.EnvironmentVariables[PatroniConfigFiles.PasswordVariable(database)] = database.Password;
                }
            })
            .WithArgs(async context =>
            {
                await PostgresCluster.GiveToAccountAsync(installation.Postgres, node.Folder, context.CancellationToken).ConfigureAwait(false);
                await resource.EnsurePostBootstrapAsync().ConfigureAwait(false);
                foreach (var arg in prefix)
                {
                    context.Args.Add(arg);
                }

                context.Args.Add(await PatroniConfigFiles.WriteNodeAsync(node, context.CancellationToken).ConfigureAwait(false));
            })
            .WithHealthCheck(AddHealthCheck(builder, $"{name}_patroni", PatroniHealthChecks.Node(node)))
            .WithSupervision("patroni.restarts", PatroniPrimaryRestart.WaitForPromotionAsync)
            .ExcludeFromManifest();
    }

    private static string AddHealthCheck(IDistributedApplicationBuilder builder, string key, IHealthCheck check)
    {
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => check, failureStatus: null, tags: null));
        return key;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the first primary of {Cluster} and its databases.")]
    private static partial void LogWaitingForFirstPrimary(ILogger logger, string cluster);
}
