using HaSystem.Contracts.Storage;

namespace HaSystem.AppHost.Data;

/// <summary>Which store the catalog runs on, bound from the AppHost's <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Database";

    /// <summary>
    /// <see cref="CatalogDatabaseProviders.Sqlite"/> (the default: one file, nothing to install) or
    /// <see cref="CatalogDatabaseProviders.Postgres"/> (a local PostgreSQL server): <c>--Database:Provider=postgres</c>.
    /// </summary>
    public string Provider { get; set; } = CatalogDatabaseProviders.Sqlite;

    /// <summary>PostgreSQL's settings.</summary>
    public PostgresSettings Postgres { get; set; } = new();

    public sealed class PostgresSettings
    {
        /// <summary>The folder of <c>initdb</c> and <c>postgres</c>; by default the newest <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>, else PATH.</summary>
        public string? BinDirectory { get; set; }

        /// <summary>
        /// <see cref="PostgresTopologies.SingleServer"/> (the default: one server, started again by its keeper when it dies) or
        /// <see cref="PostgresTopologies.Patroni"/> (three servers under Patroni over a three-member etcd, one primary and
        /// two streaming standbys): <c>--Database:Postgres:Topology=patroni</c>.
        /// </summary>
        public string Topology { get; set; } = PostgresTopologies.SingleServer;

        /// <summary>The cluster's timings (<see cref="PostgresTopologies.Patroni"/> only).</summary>
        public PatroniOptions Patroni { get; set; } = new();
    }
}
