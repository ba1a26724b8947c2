using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Infrastructure;

public static class CatalogDatabaseExtensions
{
    /// <summary>
    /// SQLite at <c>ConnectionStrings:catalog</c>, seeded with the demo data on first migration; its writes take turns
    /// through <see cref="CatalogWriteLock"/>.
    /// </summary>
    public static IHostApplicationBuilder AddCatalogDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DemoUserOptions>(DemoUserOptions.SectionName);
        builder.Services.AddValidatedOptions<CatalogDatabaseOptions>(CatalogDatabaseOptions.SectionName);
        var connectionString = builder.Configuration.GetConnectionString("catalog")
            ?? throw new InvalidOperationException("ConnectionStrings:catalog is missing: the AppHost provides it.");
        builder.Services.AddCatalogDatabaseProblems();
        builder.Services.AddSingleton(services => new CatalogWriteLock(
            connectionString, services.GetRequiredService<IOptions<CatalogDatabaseOptions>>(), services.GetRequiredService<TimeProvider>()));

        // Pooled: the options are built once, not per request. Every catalog request resolves the store and its
        // context, also those the cache answers, and building EF Core's options each time was most of the
        // allocation of a cached read (the bench's allocation profile).
        builder.Services.AddDbContextPool<CatalogDbContext>((services, options) => options
            .UseSqlite(connectionString)
            .AddInterceptors(new SqliteBusyTimeoutInterceptor(services.GetRequiredService<IOptions<CatalogDatabaseOptions>>().Value.WriteWait))
            .UseAsyncSeeding((context, _, cancellationToken) =>
                CatalogSeed.SeedAsync(context, services.GetRequiredService<IOptions<DemoUserOptions>>().Value, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, cancellationToken))
            .UseSeeding((_, _) => throw new NotSupportedException("Seed asynchronously.")));
        return builder;
    }

    /// <summary>
    /// Applies pending migrations and seeds. EF Core serialises concurrent migrators with a lock table, so the three
    /// replicas can all call this at start-up; WAL lets readers proceed while one replica writes.
    /// </summary>
    public static async Task MigrateCatalogDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await db.Database.MigrateAsync();
    }
}
