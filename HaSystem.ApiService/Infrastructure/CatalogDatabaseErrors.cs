using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>The database failures the API tells apart, on either provider.</summary>
public static class CatalogDatabaseErrors
{
    /// <summary><c>SQLITE_CONSTRAINT</c>: a unique index (or another constraint) refused the write.</summary>
    public const int SqliteConstraint = 19;

    /// <summary>Whether the save failed because a unique index refused it: someone wrote the same row first.</summary>
    public static bool IsConstraintViolation(this DbUpdateException exception) => exception?.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
