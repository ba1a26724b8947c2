namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// The order, ledger, fencing and report tests again, with the catalog on PostgreSQL (the same test bodies as on the
/// SQLite system), and the database server's restart under load. The restart test heals the system before it ends.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresSystem : ICollectionFixture<PostgresSystemFixture>
{
    public const string Name = "postgres system";
}
