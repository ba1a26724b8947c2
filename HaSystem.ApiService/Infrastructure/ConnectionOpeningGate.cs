using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// While the database does not answer (connections time out), lets one connection of this replica try to open at a
/// time, until one opens. Without it, a replica whose server stood still (frozen, cut off) opened a connection for every try of
/// every request, each given up after its connect timeout but left in the server's accept queue; the server, thawed,
/// forked a backend for each stale one in turn (30–100 a second on 2 busy cores) while the connections opened meanwhile
/// timed out behind them and were tried again: a queue that never drained. After a 12 s freeze orders failed for over a
/// minute, PostgreSQL's accept queue full (244) the whole time. With the gate each replica adds about one a second.
/// </summary>
/// <remarks>
/// Once a connection opens (a new one, or one from the pool), every connection opens freely again, and so it does when
/// no failure of the server has been seen for <paramref name="turnLimit"/>: the gate cannot stay shut on a replica
/// whose openings stopped failing but did not succeed either (cancelled, or waiting for its own full pool). A try
/// waits for its turn within its unit of work's time (its cancellation). A turn is held at most
/// <paramref name="turnLimit"/>: an opening whose end EF Core does not report cannot keep the gate shut.
/// </remarks>
/// <param name="turnLimit">
/// The longest one opening may hold the turn, and how long the gate stays shut after the last failure: longer than the
/// connect timeout, so that an outage's openings, each failing at the connect timeout, keep it shut.
/// </param>
public sealed class ConnectionOpeningGate(TimeSpan turnLimit) : DbConnectionInterceptor
{
    /// <summary>How often a waiting opening looks whether the turn is free.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// A timeout does not shut the gate while connections opened this recently: the server answers, slowly (a burst of
    /// new connections after a restart, each forked and authenticated in turn), and gating it slowed the recovery from a
    /// <c>kill -9</c> (7 orders answered 503 in 1 run of 2). A server that stopped answering opens none.
    /// </summary>
    public static readonly TimeSpan RecentOpening = TimeSpan.FromMilliseconds(500);

    private readonly long _turnLimitTicks = (long)(turnLimit.TotalSeconds * Stopwatch.Frequency);
    private DbConnection? _holder;
    private long _turnTakenAt; // a Stopwatch timestamp; 0 while nobody holds the turn
    private long _failedAt; // a Stopwatch timestamp of the last failure of the server; 0 once a connection opened
    private long _openedAt; // a Stopwatch timestamp of the last connection that opened

    /// <summary>
    /// Whether a connection failed to open, because of the server, within the last turn limit and none opened since:
    /// only one tries at a time.
    /// </summary>
    public bool Failing
    {
        get
        {
            var failedAt = Volatile.Read(ref _failedAt);
            return failedAt != 0 && Stopwatch.GetTimestamp() - failedAt < _turnLimitTicks;
        }
    }

    public override async ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        while (Failing && !TryTakeTurn(connection))
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _failedAt, 0);
        Volatile.Write(ref _openedAt, Stopwatch.GetTimestamp());
        EndTurn(connection);
        return Task.CompletedTask;
    }

    public override Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(connection, eventData.Exception);
        return Task.CompletedTask;
    }

    /// <summary>A connection failed to open with <paramref name="exception"/>: its turn ends, and the gate shuts if the server is why.</summary>
    public void Failed(DbConnection connection, Exception? exception)
    {
        var now = Stopwatch.GetTimestamp();
        var openedAt = Volatile.Read(ref _openedAt);
        if (MeansTheServerTakesNoConnections(exception) && (openedAt == 0 || Stopwatch.GetElapsedTime(openedAt, now) > RecentOpening))
        {
            Volatile.Write(ref _failedAt, now);
        }

        EndTurn(connection);
    }

    /// <summary>
    /// Whether a failed opening says the server stopped answering: it timed out, and so left an entry in the server's
    /// accept queue. Not a refused connection or a server that answered that it is starting or stopping (they fail at
    /// once and leave nothing queued; gating them slowed the recovery from a <c>kill -9</c>, measured as 5 orders
    /// answered 503 in 1 run of 10); not this replica's own full pool (a burst of orders: gating it serialised them);
    /// not an opening that was cancelled (its unit's time ran out). Npgsql has no type of its own for a full pool.
    /// </summary>
    public static bool MeansTheServerTakesNoConnections(Exception? exception)
    {
        if (exception is null or OperationCanceledException
            || (exception is NpgsqlException full && full.Message.Contains("pool has been exhausted", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private bool TryTakeTurn(DbConnection connection)
    {
        var now = Stopwatch.GetTimestamp();
        var taken = Volatile.Read(ref _turnTakenAt);
        if ((taken == 0 || now - taken > _turnLimitTicks) && Interlocked.CompareExchange(ref _turnTakenAt, now, taken) == taken)
        {
            Volatile.Write(ref _holder, connection);
            return true;
        }

        return false;
    }

    private void EndTurn(DbConnection connection)
    {
        if (Interlocked.CompareExchange(ref _holder, null, connection) == connection)
        {
            Volatile.Write(ref _turnTakenAt, 0);
        }
    }
}
