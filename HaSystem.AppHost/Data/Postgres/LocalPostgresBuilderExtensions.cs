using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>PostgreSQL without containers: the server binaries of the machine, run by the AppHost.</summary>
public static class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// Adds a PostgreSQL server run as a local process: its cluster is initialised into the run folder on first start
    /// (<c>initdb</c>, superuser <c>postgres</c> with <paramref name="password"/>, SCRAM authentication), it listens on
    /// 127.0.0.1 only, on a port Aspire allocates, and it has a health check. A server that dies unasked is started again
    /// at once by its keeper (<see cref="PostgresKeeper"/>), and a keeper that dies by the AppHost
    /// (<see cref="ProcessSupervisionExtensions.WithSupervision"/>); one that is stopped stays stopped. Add databases with <see cref="AddDatabase"/>.
    /// </summary>
    /// <param name="binDirectory">The folder of <c>initdb</c> and <c>postgres</c>; by default the newest Debian install, else PATH.</param>
    /// <exception cref="DistributedApplicationException">The server binaries cannot be found: the message says what to install.</exception>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, IResourceBuilder<ParameterResource> password, string? binDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(password);

        var installation = PostgresInstallation.Resolve(binDirectory);
        var folder = RunDirectory.For(builder).For(name);
        var (command, prefix) = PostgresKeeper.Command(installation, folder);
        var server = new LocalPostgresServerResource(name, command, password.Resource, installation, folder);

        var healthCheck = $"{name}_postgres";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheck, _ => new PostgresHealthCheck(server), failureStatus: null, tags: null));

        return builder.AddResource(server)
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                // The keeper and the server (PostgresKeeper), as the server's account.
                foreach (var arg in prefix)
                {
                    context.Args.Add(arg);
                }

                // TCP on loopback only, no Unix socket (its default folder belongs to the system's own cluster).
                context.Args.Add("-D");
                context.Args.Add(server.DataDirectory);
                context.Args.Add("-p");
                context.Args.Add(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("-c");
                context.Args.Add("listen_addresses=127.0.0.1");
                context.Args.Add("-c");
                context.Args.Add("unix_socket_directories=");

                // After a crash the server syncs its data directory before it replays the WAL: file by file (the
                // default) took 0.85 s of a 3.8 s outage after a kill -9 here; one syncfs() per file system is as safe.
                context.Args.Add("-c");
                context.Args.Add("recovery_init_sync_method=syncfs");
            })
            .OnBeforeResourceStarted(async (resource, e, cancellationToken) =>
            {
                var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
                await PostgresCluster.InitializeAsync(resource, logger, cancellationToken).ConfigureAwait(false);
                await PostgresKeeper.WriteAsync(resource.Folder, cancellationToken).ConfigureAwait(false);
            })
            .WithHealthCheck(healthCheck)
            .WithSupervision(LocalPostgresServerResource.RestartsProperty, restartLogMarker: PostgresKeeper.RestartMarker)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Adds the database <paramref name="databaseName"/> (by default <paramref name="name"/>), created with the cluster.
    /// Reference it from a service to give it <c>ConnectionStrings__{name}</c>; wait for the server so that the service
    /// starts once the server takes connections.
    /// </summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> server, [ResourceName] string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database)
            .WithParentRelationship(server)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Running,
                Properties = [new("postgres.database", database.DatabaseName)],
            })
            .ExcludeFromManifest();
    }
}
