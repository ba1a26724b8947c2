using Aspire.Hosting.ApplicationModel;
using HaSystem.AppHost.Data;
using HaSystem.Contracts.Storage;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>The catalog database on the store that <c>Database:Provider</c> names.</summary>
internal static class CatalogDatabaseExtensions
{
    /// <summary>
    /// SQLite (a file in the run folder), a local PostgreSQL server with the database <c>catalog</c>, its superuser's
    /// password the secret parameter <c>postgres-password</c>, or (<c>Database:Postgres:Topology=patroni</c>) a cluster of
    /// three under Patroni with the database <c>catalog</c> owned by the role <c>catalog</c>. In container mode, <c>AddPostgres("postgres", password: …).AddDatabase("catalog")</c>
    /// from Aspire.Hosting.PostgreSQL would take the local server's place here.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddCatalogDatabase(this IDistributedApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new();
        const string Name = CatalogDatabaseProviders.ConnectionName;
        return options.Provider.Trim().ToLowerInvariant() switch
        {
            CatalogDatabaseProviders.Sqlite => builder.AddSqliteDatabase(Name),
            CatalogDatabaseProviders.Postgres => options.Postgres.Topology.Trim().ToLowerInvariant() switch
            {
                PostgresTopologies.SingleServer => builder
                    .AddLocalPostgres("postgres", builder.AddGeneratedSecret("postgres-password", minLength: 32), options.Postgres.BinDirectory)
                    .AddDatabase(Name),
                PostgresTopologies.Patroni => builder
                    .AddPatroniCluster("postgres", options.Postgres.Patroni, options.Postgres.BinDirectory)
                    .AddDatabase(Name),
                _ => throw new DistributedApplicationException(
                    $"Database:Postgres:Topology is '{options.Postgres.Topology}': use {string.Join(" or ", PostgresTopologies.All)}."),
            },
            _ => throw new DistributedApplicationException(
                $"Database:Provider is '{options.Provider}': use {string.Join(" or ", CatalogDatabaseProviders.All)}."),
        };
    }

    /// <summary>
    /// Gives the API the catalog's connection string and provider (<c>Catalog__Database__Provider</c>); with a server,
    /// the API starts once the server takes connections (it migrates the database at start-up).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithCatalogDatabase(this IResourceBuilder<ProjectResource> api, IResourceBuilder<IResourceWithConnectionString> catalog)
    {
        api.WithReference(catalog);
        if (catalog.Resource is LocalPostgresDatabaseResource database)
        {
            return api
                .WithEnvironment("Catalog__Database__Provider", CatalogDatabaseProviders.Postgres)
                .WaitFor(api.ApplicationBuilder.CreateResourceBuilder(database.Parent));
        }

        if (catalog.Resource is PatroniDatabaseResource clustered)
        {
            return api
                .WithEnvironment("Catalog__Database__Provider", CatalogDatabaseProviders.Postgres)
                .WaitForFirstPrimary(clustered.Parent);
        }

        return api.WithEnvironment("Catalog__Database__Provider", CatalogDatabaseProviders.Sqlite);
    }
}
