using HaSystem.Contracts.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HaSystem.ApiService.Infrastructure;

public static class CatalogDatabaseExtensions
{
    /// <summary>The health check of the catalog database (PostgreSQL only: SQLite is a file of this machine).</summary>
    public const string HealthCheckName = "catalog-database";

    /// <summary>How long a replica's start-up migration and seed may take, its wait for the other replicas' included.</summary>
    public static readonly TimeSpan MigrationDeadline = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The catalog database at <c>ConnectionStrings:catalog</c>, on the provider <c>Catalog:Database:Provider</c> names
    /// (<see cref="CatalogDatabaseProviders"/>), seeded with the demo data on first migration. On SQLite its writes take
    /// turns through <see cref="CatalogWriteLock"/>; on PostgreSQL they run side by side and transient failures are
    /// tried again within <see cref="CatalogDatabaseOptions.RetryDeadline"/>.
    /// </summary>
    public static IHostApplicationBuilder AddCatalogDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DemoUserOptions>(DemoUserOptions.SectionName);
        builder.Services.AddValidatedOptions<CatalogDatabaseOptions>(CatalogDatabaseOptions.SectionName);
        var connectionString = builder.Configuration.GetConnectionString(CatalogDatabaseProviders.ConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{CatalogDatabaseProviders.ConnectionName} is missing: the AppHost provides it.");
        builder.Services.AddCatalogDatabaseProblems();

        var provider = builder.Configuration[$"{CatalogDatabaseOptions.SectionName}:Provider"] ?? CatalogDatabaseProviders.Sqlite;
        return provider switch
        {
            CatalogDatabaseProviders.Sqlite => builder.AddSqliteCatalog(connectionString),
            CatalogDatabaseProviders.Postgres => builder.AddPostgresCatalog(connectionString),
            _ => throw new InvalidOperationException(
                $"{CatalogDatabaseOptions.SectionName}:Provider is '{provider}': use {string.Join(" or ", CatalogDatabaseProviders.All)}."),
        };
    }

    /// <summary>
    /// Applies pending migrations and seeds. The replicas take turns (EF Core's lock table on SQLite,
    /// <see cref="MigrationTurn"/> on PostgreSQL), so the three can all call this at start-up and the seed runs once. On
    /// SQLite, WAL lets readers proceed while one replica writes.
    /// </summary>
    public static async Task MigrateCatalogDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        // Replicas migrating at once wait for each other's turn and seed: longer than a request's command timeout and
        // retry deadline allow (EF Core runs the whole migration, seed included, as one unit of the execution strategy).
        // One unit, turn included: a server restarting half-way ends the turn's session, and the retry takes it again.
        db.Database.SetCommandTimeout(MigrationDeadline);
        using (DeadlineRetryingExecutionStrategy.Within(MigrationDeadline))
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                await using var turn = await MigrationTurn.TakeAsync(db, ct);
                await db.Database.MigrateAsync(ct);
            }, CancellationToken.None);
        }
    }

    /// <summary>
    /// Holds all of a request's work on the catalog database to one <see cref="CatalogDatabaseOptions.RetryDeadline"/>
    /// from the request's start, however many queries and transactions it runs (PostgreSQL; SQLite's writes wait their
    /// turn within <see cref="CatalogDatabaseOptions.WriteWait"/>). A wait for something else may be given back
    /// (<see cref="DeadlineRetryingExecutionStrategy.ExtendBy"/>).
    /// </summary>
    public static IApplicationBuilder UseCatalogDatabaseDeadline(this IApplicationBuilder app)
    {
        var deadline = app.ApplicationServices.GetRequiredService<IOptions<CatalogDatabaseOptions>>().Value.RetryDeadline;
        return app.Use(async (context, next) =>
        {
            using (DeadlineRetryingExecutionStrategy.Within(deadline))
            {
                await next(context);
            }
        });
    }

    private static IHostApplicationBuilder AddSqliteCatalog(this IHostApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddSingleton(services => new CatalogWriteLock(
            connectionString, services.GetRequiredService<IOptions<CatalogDatabaseOptions>>(), services.GetRequiredService<TimeProvider>()));

        // Pooled: the options are built once, not per request. Every catalog request resolves the store and its
        // context, also those the cache answers, and building EF Core's options each time was most of the
        // allocation of a cached read (the bench's allocation profile).
        builder.Services.AddDbContextPool<CatalogDbContext>((services, options) => options
            .UseSqlite(connectionString)
            .AddInterceptors(new SqliteBusyTimeoutInterceptor(services.GetRequiredService<IOptions<CatalogDatabaseOptions>>().Value.WriteWait))
            .WithCatalogSeed(services));
        return builder;
    }

    // Through Aspire's Npgsql EF Core integration: tracing and metrics from it, the retry ours (bounded by time, see
    // DeadlineRetryingExecutionStrategy), and a health check that reports an outage as Degraded, as Redis's do: the
    // replicas keep serving the catalog from the cache, so a load balancer must keep them in rotation.
    private static IHostApplicationBuilder AddPostgresCatalog(this IHostApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddSingleton(services => CatalogWriteLock.Unqueued(services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(services =>
        {
            var settings = services.GetRequiredService<IOptions<CatalogDatabaseOptions>>().Value;
            var probe = new NpgsqlConnectionStringBuilder(WithinRetryDeadline(connectionString, settings).ConnectionString)
            {
                Pooling = false,
                Timeout = SecondsOf(settings.ProbeTimeout),
            }.ConnectionString;
            return new ConnectionOpeningGate(settings.OpeningsWhileFailing, TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds + 1),
                cancellationToken => OpenOnceAsync(probe, cancellationToken), services.GetRequiredService<ILogger<ConnectionOpeningGate>>(),
                () => DeadlineRetryingExecutionStrategy.StopOfCallingUnit);
        });
        builder.Services.AddDbContextPool<PostgresCatalogDbContext>((services, options) =>
        {
            var settings = services.GetRequiredService<IOptions<CatalogDatabaseOptions>>().Value;
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<DeadlineRetryingExecutionStrategy>();
            var gate = services.GetRequiredService<ConnectionOpeningGate>();
            var connection = WithinRetryDeadline(connectionString, settings);
            LetEveryConnectionCancelAtOnce(connection);
            options
                .UseNpgsql(connection.ConnectionString, npgsql => npgsql
                    .CommandTimeout(SecondsOf(settings.RetryDeadline))
                    .ExecutionStrategy(dependencies => new DeadlineRetryingExecutionStrategy(
                        dependencies, settings.RetryDeadline, settings.MaxRetryDelay, settings.CancellationAllowance, logger)))
                .AddInterceptors(gate)
                .WithCatalogSeed(services)
                .WithEachFailureLoggedOnce();
        });
        builder.Services.AddScoped<CatalogDbContext>(services => services.GetRequiredService<PostgresCatalogDbContext>());
        builder.EnrichNpgsqlDbContext<PostgresCatalogDbContext>(settings => settings.DisableHealthChecks = true);
        builder.Services.AddHealthChecks().AddDbContextCheck<PostgresCatalogDbContext>(
            HealthCheckName, failureStatus: HealthStatus.Degraded, customTestQuery: CanQueryOnceAsync);
        return builder;
    }

    // A server that stops answering without closing its sockets (frozen, or a network partition) fails no call: each
    // would wait Npgsql's 15 s to connect and 30 s per command. The strategy ends each try in time (its command timeout
    // is the time left) and stops trying by the time Npgsql then takes to cancel: a cancel request on a new connection
    // (held to the connect timeout by a frozen server), then the wait for its answer (the cancellation timeout). GSS
    // encryption is not tried first: a failed cancel connection is tried again without it, which doubled that wait.
    // Measured with a 12 s freeze: before, 4 to 22 orders per run were answered only past the client's 10 s. The pool is
    // bounded too (CatalogDatabaseOptions.MaxPoolSize): what a frozen server's accept queue may fill with.
    private static NpgsqlConnectionStringBuilder WithinRetryDeadline(string connectionString, CatalogDatabaseOptions settings)
    {
        // Zero means no limit to Npgsql: it is held to the settings, too.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.MaxPoolSize = Math.Min(builder.MaxPoolSize, settings.MaxPoolSize);
        builder.MinPoolSize = Math.Min(builder.MinPoolSize, builder.MaxPoolSize);
        builder.Timeout = builder.Timeout > 0 ? Math.Min(builder.Timeout, settings.ConnectTimeoutSeconds) : settings.ConnectTimeoutSeconds;
        var cancellationWait = (int)CatalogDatabaseOptions.CancellationWait.TotalMilliseconds;
        builder.CancellationTimeout = builder.CancellationTimeout > 0 ? Math.Min(builder.CancellationTimeout, cancellationWait) : cancellationWait;
        if (builder.GssEncryptionMode == GssEncryptionMode.Prefer)
        {
            builder.GssEncryptionMode = GssEncryptionMode.Disable;
        }

        return builder;
    }

    // Npgsql sends a cancel request synchronously, on the thread that cancels, and a frozen server holds it for the
    // connect timeout. Every command in flight is cancelled at about the same time, each holding a pool thread, and the
    // pool starts with one thread per core and adds threads slowly: measured with a lone client on 2 cores and a 1 s
    // connect timeout, 10 cancels at once took 3 s, and 1 s with one thread allowed per connection.
    private static void LetEveryConnectionCancelAtOnce(NpgsqlConnectionStringBuilder connection)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        if (workers < connection.MaxPoolSize)
        {
            ThreadPool.SetMinThreads(connection.MaxPoolSize, completionPorts);
        }
    }

    // EF Core logs every failed try (the connection's error, the command's, the query's or the save's, then "will be
    // retried"), each with its stack, at Error and Information: ~2,400 lines a second from three replicas during a 12 s
    // freeze, 168,000 in a test run. It did not cause the storm after the thaw (cutting it 5.6× changed nothing), but
    // it buried what did. Each unit of work is logged once instead, with its tries' errors
    // (DeadlineRetryingExecutionStrategy), and an exception that reaches a request once, by the problem handler. These
    // events stay at Debug.
    private static DbContextOptionsBuilder WithEachFailureLoggedOnce(this DbContextOptionsBuilder options) => options
        .ConfigureWarnings(events => events.Log(
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (CoreEventId.ExecutionStrategyRetrying, LogLevel.Debug)));

    private static int SecondsOf(TimeSpan timeout) => Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));

    private static DbContextOptionsBuilder WithCatalogSeed(this DbContextOptionsBuilder options, IServiceProvider services) => options
        .UseAsyncSeeding((context, _, cancellationToken) =>
            CatalogSeed.SeedAsync(context, services.GetRequiredService<IOptions<DemoUserOptions>>().Value, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, cancellationToken))
        .UseSeeding((_, _) => throw new NotSupportedException("Seed asynchronously."));

    // The gate's probe of a server that stood still: one connection, opened and closed, outside the pool.
    private static async Task OpenOnceAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
    }

    // One try, outside the execution strategy: a health check must report an outage, not ride it out for the retry deadline.
    private static async Task<bool> CanQueryOnceAsync(PostgresCatalogDbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        try
        {
            // Npgsql's default 30 s would hold the check on a frozen server (its cancellation waits like a request's).
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            command.CommandTimeout = connection.ConnectionTimeout + 1;
            return await command.ExecuteScalarAsync(cancellationToken) is not null;
        }
        finally
        {
            await connection.CloseAsync();
        }
    }
}
