using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>The SQLite failures the API tells apart.</summary>
public static class SqliteErrors
{
    /// <summary><c>SQLITE_CONSTRAINT</c>: a unique index (or another constraint) refused the write.</summary>
    public const int Constraint = 19;

    /// <summary>Whether the save failed because a unique index (or another constraint) refused it: someone wrote the same row first.</summary>
    public static bool IsConstraintViolation(this DbUpdateException exception) =>
        exception?.InnerException is SqliteException { SqliteErrorCode: Constraint };
}
