using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// While the database fails to take connections (they time out, are refused, or are told the server is starting), lets
/// only a few connections of this replica open at a time, until no such failure has been seen for the turn limit.
/// Without it every try of every waiting request opened a connection of its own, and two faults fed on themselves:
/// <list type="bullet">
/// <item>A server that stood still (frozen, cut off): each connection, given up at its connect timeout, stayed in the
/// server's accept queue; the thawed server forked a backend for each stale one in turn (30–100 a second on 2 busy
/// cores) while the connections opened meanwhile timed out behind them and were tried again. After a 12 s freeze orders
/// failed for over a minute, the accept queue full (244) the whole time.</item>
/// <item>A server killed and started again: the tries of every waiting request, refused while it recovered, all
/// connected at once when it took connections; 60 backends starting side by side on 2 cores took over the 1 s connect
/// timeout, were given up and opened again. Every order sent in the 4.7 s after a <c>kill -9</c> failed (41 of 300),
/// although the server took connections 1.7 s after it.</item>
/// </list>
/// </summary>
/// <remarks>
/// A try waits for its turn within its unit of work's time (its cancellation); a turn passes to the next waiting
/// opening as soon as one ends. Openings served from the pool pass through too, in microseconds. A turn is held at most
/// <paramref name="turnLimit"/>: an opening whose end EF Core does not report cannot keep a turn.
/// </remarks>
/// <param name="openingsAtOnce">How many connections of this replica may open at a time while the server fails to take them.</param>
/// <param name="turnLimit">
/// The longest one opening may hold a turn, and how long after the last failure the gate stays shut: longer than the
/// connect timeout, so that an outage's openings, each failing at the connect timeout, keep it shut.
/// </param>
public sealed class ConnectionOpeningGate(int openingsAtOnce, TimeSpan turnLimit) : DbConnectionInterceptor, IDisposable
{
    /// <summary>How often an opening waiting for a turn looks for turns held past their limit.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);

    private readonly long _turnLimitTicks = (long)(turnLimit.TotalSeconds * Stopwatch.Frequency);
    private readonly SemaphoreSlim _turns = new(openingsAtOnce, openingsAtOnce);
    private readonly ConcurrentDictionary<DbConnection, long> _holders = new(); // a turn's holder, and when it took it
    private long _failedAt; // a Stopwatch timestamp of the last failure of the server to take a connection

    /// <summary>Whether a connection failed to open, because of the server, within the last turn limit: few open at a time.</summary>
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
        while (Failing)
        {
            if (await _turns.WaitAsync(SweepInterval, cancellationToken).ConfigureAwait(false))
            {
                _holders[connection] = Stopwatch.GetTimestamp();
                break;
            }

            EndTurnsHeldPastTheirLimit();
        }

        return result;
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
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
        if (MeansTheServerTakesNoConnections(exception))
        {
            Volatile.Write(ref _failedAt, Stopwatch.GetTimestamp());
        }

        EndTurn(connection);
    }

    /// <summary>
    /// Whether a failed opening says the server takes no connections now: it timed out (frozen, cut off, or too busy to
    /// answer), refused it (down), or answered that it is starting or stopping. Not this replica's own full pool (a
    /// burst of orders: gating it serialised them); not an opening that was cancelled (its unit's time ran out). Npgsql
    /// has no type of its own for a full pool.
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
            if (e is TimeoutException or SocketException
                || e is PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.TooManyConnections })
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose() => _turns.Dispose();

    private void EndTurn(DbConnection connection)
    {
        if (_holders.TryRemove(connection, out _))
        {
            _turns.Release();
        }
    }

    private void EndTurnsHeldPastTheirLimit()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var holder in _holders)
        {
            if (now - holder.Value > _turnLimitTicks && _holders.TryRemove(holder))
            {
                _turns.Release();
            }
        }
    }
}
