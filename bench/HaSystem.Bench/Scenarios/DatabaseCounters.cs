using System.Globalization;
using Aspire.Hosting.Testing;
using HaSystem.Testing;
using Npgsql;

namespace HaSystem.Bench.Scenarios;

/// <summary>
/// PostgreSQL's own counters around a measured step: commits and WAL flushes (<c>pg_stat_database</c>, <c>pg_stat_wal</c>),
/// and how many sessions were seen waiting on a lock (<c>pg_stat_activity</c>, sampled every 100 ms). SQLite has none to read.
/// </summary>
public sealed class DatabaseCounters(string connectionString)
{
    public static async Task<DatabaseCounters?> ConnectAsync(HaSystemApp system)
    {
        var connectionString = await system.App.GetConnectionStringAsync("catalog");
        return connectionString is null || connectionString.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase)
            ? null
            : new DatabaseCounters(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
    }

    /// <summary>Runs <paramref name="measure"/> and describes the counters' change over it, per order of <paramref name="orders"/>.</summary>
    public async Task<string> DuringAsync(Func<Task> measure, int orders)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var before = await ReadAsync(connection);
        using var sampling = new CancellationTokenSource();
        var waits = SampleLockWaitsAsync(sampling.Token);
        await measure();
        await sampling.CancelAsync();
        var (samples, waiting) = await waits;
        var after = await ReadAsync(connection);
        var per = Math.Max(1, orders);
        return string.Create(CultureInfo.InvariantCulture,
            $"{(after.Commits - before.Commits) / (double)per:0.0} transactions (reads included), {(after.WalSyncs - before.WalSyncs) / (double)per:0.00} WAL flushes; {waiting / (double)Math.Max(1, samples):0.00} sessions waiting on a lock (mean)");
    }

    private static async Task<(long Commits, long WalSyncs)> ReadAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), (SELECT wal_sync FROM pg_stat_wal)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<(int Samples, long Waiting)> SampleLockWaitsAsync(CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        var (samples, waiting) = (0, 0L);
        while (!stop.IsCancellationRequested)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'", connection);
            waiting += (long)(await command.ExecuteScalarAsync(CancellationToken.None))!;
            samples++;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (samples, waiting);
    }
}
