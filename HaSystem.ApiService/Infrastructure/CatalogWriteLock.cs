using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// One writer at a time across every replica that shares the catalog's SQLite file, taking turns instead of drawing
/// lots. SQLite has no queue between processes: a writer that finds the file locked sleeps and tries again, each sleep
/// longer (up to 100 ms in SQLite's busy handler, 150 ms in Microsoft.Data.Sqlite's retry, a blocked thread either
/// way). Under a burst, such as the orders a Redis failover held back all let through at once, the writers that had
/// waited longest kept losing to fresh ones, and an order took more than 10 s. Here the writes of one replica wait
/// for their turn asynchronously, in order, and the replicas hand the file over through an OS lock on a file beside
/// the database (<see cref="ProcessFileLock"/>), which a waiting replica sees free within a millisecond.
/// </summary>
/// <remarks>
/// Hold a turn for a write transaction only, never across a call to Redis or the payment provider. On Windows the
/// replicas' turns are not kept apart (SQLite's busy timeout still makes them wait for each other). On PostgreSQL
/// (<see cref="Unqueued"/>) a turn is given at once: the server queues writers itself, row by row, so writes to
/// different rows run side by side and writes to the same row wait for each other's commit.
/// </remarks>
public sealed class CatalogWriteLock : IDisposable
{
    private static readonly Task<IAsyncDisposable> NoTurn = Task.FromResult<IAsyncDisposable>(new Turn(null, null));

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ProcessFileLock? _replicas;
    private readonly TimeSpan _wait;
    private readonly TimeProvider _time;
    private readonly bool _queued;

    /// <summary>The turns of the replicas that share the SQLite file of <paramref name="connectionString"/>.</summary>
    public CatalogWriteLock(string connectionString, IOptions<CatalogDatabaseOptions> options, TimeProvider time)
    {
        var lockFile = LockFileOf(connectionString);
        _replicas = lockFile is not null && ProcessFileLock.IsSupported ? new ProcessFileLock(lockFile, time) : null;
        _wait = options.Value.WriteWait;
        _time = time;
        _queued = true;
    }

    private CatalogWriteLock(TimeProvider time) => _time = time;

    /// <summary>No turns: for a database server, which keeps concurrent writers apart with its own row locks.</summary>
    public static CatalogWriteLock Unqueued(TimeProvider time) => new(time);

    /// <summary>The file whose OS lock the replicas hand over; <see langword="null"/> for an in-memory database (one process only).</summary>
    public static string? LockFileOf(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:"
            ? null
            : Path.GetFullPath(builder.DataSource) + "-writer";
    }

    /// <summary>Waits for this caller's turn to write; dispose the result when the write transaction has ended.</summary>
    /// <exception cref="CatalogBusyException">No turn within <see cref="CatalogDatabaseOptions.WriteWait"/>.</exception>
    public Task<IAsyncDisposable> EnterAsync(CancellationToken cancellationToken) => _queued ? QueueAsync(cancellationToken) : NoTurn;

    public void Dispose()
    {
        _replicas?.Dispose();
        _turn.Dispose();
    }

    private async Task<IAsyncDisposable> QueueAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (!await _turn.WaitAsync(_wait, cancellationToken))
        {
            throw new CatalogBusyException(_wait);
        }

        try
        {
            var replicas = _replicas is null ? null : await _replicas.TakeAsync(Remaining(started), cancellationToken);
            return new Turn(this, replicas);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            _turn.Release();
            throw new CatalogBusyException(_wait, ex);
        }
        catch
        {
            _turn.Release();
            throw;
        }
    }

    private TimeSpan Remaining(long started) => _wait - _time.GetElapsedTime(started) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    // A null owner is an unqueued turn: nothing to give back.
    private sealed class Turn(CatalogWriteLock? owner, IDisposable? replicas) : IAsyncDisposable
    {
        private int _ended;

        public ValueTask DisposeAsync()
        {
            if (owner is not null && Interlocked.Exchange(ref _ended, 1) == 0)
            {
                try
                {
                    replicas?.Dispose();
                }
                finally
                {
                    // Whatever happened to the file lock, this replica's next write must not wait for ever.
                    owner._turn.Release();
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
