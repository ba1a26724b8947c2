using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>The server is healthy when it takes a connection to each of its databases and answers a query there.</summary>
internal sealed class PostgresHealthCheck(LocalPostgresServerResource server) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
        foreach (var database in server.Databases.Select(d => d.DatabaseName).DefaultIfEmpty("postgres"))
        {
            // No pool: the check must see the server as a new client would, not through a connection opened before a restart.
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = false, Timeout = 3 };
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy($"{server.Name}/{database}: {ex.Message}");
            }
        }

        return HealthCheckResult.Healthy();
    }
}
