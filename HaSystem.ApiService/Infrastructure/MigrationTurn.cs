using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// One replica at a time migrates and seeds the catalog on PostgreSQL: a session-level advisory lock on a connection of
/// its own, held from before EF Core reads the migration history until the seed has committed.
/// </summary>
/// <remarks>
/// Being session state, it needs a direct connection or a pooler in session mode, not one in transaction mode.
/// EF Core's own migration lock on PostgreSQL lasts one transaction, that is one migration, and the seed runs after it.
/// Measured with two pending migrations on a fresh database: a replica that waited behind the first migration read the
/// history once, applied the second, and the replica that had applied the first then applied the second again and
/// failed its start on <c>PK___EFMigrationsHistory</c>. With one migration, two replicas seeded at once and one failed
/// on the tenants' key. SQLite's migration lock is a lock table held for the whole migration, seed included.
/// </remarks>
public static class MigrationTurn
{
    /// <summary>The advisory lock's key: any number no other code of this database takes.</summary>
    public const long AdvisoryLockKey = 20261126;

    /// <summary>
    /// Waits for this replica's turn (PostgreSQL only), one try: run it in the same unit of the execution strategy as the
    /// migration, so that a retry takes the turn again. Disposing it ends the turn.
    /// </summary>
    public static async Task<IAsyncDisposable> TakeAsync(CatalogDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return NoTurn.Instance;
        }

        // Unpooled: a pooled connection would carry the session's lock back into the pool instead of ending it.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({AdvisoryLockKey})", connection);
            command.CommandTimeout = db.Database.GetCommandTimeout() ?? command.CommandTimeout;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class NoTurn : IAsyncDisposable
    {
        public static readonly NoTurn Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
