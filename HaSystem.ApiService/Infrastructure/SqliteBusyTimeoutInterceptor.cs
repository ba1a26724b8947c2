using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// Sets SQLite's busy timeout on every connection the catalog opens. Without one SQLite answers "busy" at once and
/// Microsoft.Data.Sqlite sleeps the thread 150 ms per try; writes that do not queue through
/// <see cref="CatalogWriteLock"/> (migrations at start-up) at least wait in SQLite's busy handler, a few ms at a time.
/// </summary>
public sealed class SqliteBusyTimeoutInterceptor(TimeSpan busyTimeout) : DbConnectionInterceptor
{
    private readonly string _pragma = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        // Microsoft.Data.Sqlite runs every command synchronously: an async form would only add a state machine.
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }
}
