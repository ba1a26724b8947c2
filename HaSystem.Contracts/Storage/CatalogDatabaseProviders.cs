namespace HaSystem.Contracts.Storage;

/// <summary>
/// The stores the catalog database runs on. The AppHost's <c>Database:Provider</c> takes one of these names and passes
/// it to the API as <c>Catalog:Database:Provider</c>, beside the connection string <c>ConnectionStrings:catalog</c>.
/// </summary>
public static class CatalogDatabaseProviders
{
    /// <summary>One SQLite file shared by the API replicas of one machine: the zero-setup default.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>A PostgreSQL server (Npgsql): the store for replicas on more than one machine.</summary>
    public const string Postgres = "postgres";

    /// <summary>Every provider, for validation and messages.</summary>
    public static readonly IReadOnlyList<string> All = [Sqlite, Postgres];

    /// <summary>The connection string's name, in the AppHost and in the API's configuration.</summary>
    public const string ConnectionName = "catalog";
}
