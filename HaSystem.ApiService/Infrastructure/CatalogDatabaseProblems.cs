using HaSystem.ApiService.Chaos;
using HaSystem.ApiService.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>How the catalog database's failures are answered.</summary>
public static class CatalogDatabaseProblems
{
    /// <summary>
    /// The database failing, busy past its wait, unreachable past its retry deadline, or failing by injected fault: 503
    /// with <c>Retry-After</c>.
    /// </summary>
    public static IServiceCollection AddCatalogDatabaseProblems(this IServiceCollection services)
    {
        const string Title = "The catalog database is unavailable";
        return services
            .AddUnavailableProblem<CatalogBusyException>(Title)
            .AddUnavailableProblem<RetryLimitExceededException>(Title)
            .AddUnavailableProblem<SqliteException>(Title)
            .AddUnavailableProblem<NpgsqlException>(Title)
            .AddUnavailableProblem<DatabaseUnavailableException>(Title);
    }
}
