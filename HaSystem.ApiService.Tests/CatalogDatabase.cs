using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HaSystem.ApiService.Tests;

/// <summary>
/// A catalog database in a temporary SQLite file, migrated (not seeded), with the services a test needs: connections
/// with the API's busy timeout, and the API's write turns.
/// </summary>
public sealed class CatalogDatabase : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hasystem-catalog-").FullName;

    public ServiceProvider Services { get; private set; } = null!;

    public string ConnectionString => $"Data Source={Path.Combine(_directory, "catalog.db")}";

    public static CatalogDatabaseOptions Options { get; } = new();

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddDbContext<CatalogDbContext>(o => o.UseSqlite(ConnectionString).AddInterceptors(new SqliteBusyTimeoutInterceptor(Options.WriteWait)));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new CatalogWriteLock(ConnectionString, Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System));
        services.AddSingleton(new HaSystem.ServiceDefaults.Replicas.ReplicaIdentity("apiservice", "apiservice-test", "localhost", Environment.ProcessId));
        Services = services.BuildServiceProvider();
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
