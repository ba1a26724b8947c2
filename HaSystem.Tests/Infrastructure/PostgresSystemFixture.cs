using HaSystem.Contracts.Storage;

namespace HaSystem.Tests.Infrastructure;

/// <summary>The system the <see cref="PostgresSystem"/> tests share: its catalog on a PostgreSQL server the AppHost runs.</summary>
public sealed class PostgresSystemFixture() : SystemFixture(Arguments)
{
    /// <summary>PostgreSQL as the store; workers report every 2 s so that the report tests see several periods quickly.</summary>
    public static readonly string[] Arguments =
    [
        $"Database:Provider={CatalogDatabaseProviders.Postgres}",
        "Worker:Environment:Worker__Reports__Interval=00:00:02",
    ];

    public override string Store => CatalogDatabaseProviders.Postgres;
}
