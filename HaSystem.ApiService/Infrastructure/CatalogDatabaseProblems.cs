using HaSystem.ApiService.Chaos;
using HaSystem.ApiService.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>How the catalog database's failures are answered.</summary>
public static class CatalogDatabaseProblems
{
    /// <summary>
    /// A lost race on a row: 409. The database failing, busy past its wait, unreachable past its retry deadline, or failing by injected fault: 503
    /// with <c>Retry-After</c>.
    /// </summary>
    public static IServiceCollection AddCatalogDatabaseProblems(this IServiceCollection services)
    {
        const string Title = "The catalog database is unavailable";
        return services
            // Another request changed the row between this one's read and its write (a product's version), or a write
            // retried after a commit whose answer was lost: the client reads again.
            .AddExceptionProblem<DbUpdateConcurrencyException>(StatusCodes.Status409Conflict, "The data was changed by another request")
            .AddUnavailableProblem<CatalogBusyException>(Title)
            .AddUnavailableProblem<RetryLimitExceededException>(Title)
            .AddUnavailableProblem<SqliteException>(Title)
            .AddUnavailableProblem<NpgsqlException>(Title)
            .AddUnavailableProblem<DatabaseUnavailableException>(Title);
    }
}
