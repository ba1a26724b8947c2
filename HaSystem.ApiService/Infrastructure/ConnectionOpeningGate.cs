using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// While the database fails to take connections (they time out, are refused, or are told the server is starting),
/// limits how many connections of this replica open at once: the limit halves with each failure (down to one) and grows
/// by one with each connection that opens, until no failure has been seen for the turn limit and every connection
/// opens freely again. Without it every try of every waiting request opened a connection of its own, and two faults
/// fed on themselves:
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
/// An opening that the pool likely serves (a connection went back to it healthy since the server last failed, and no
/// opening took it since) needs no turn: it adds nothing to the server's queue. With a fixed limit of two and every
/// opening waiting its turn, a thawed replica's pooled connections waited behind new ones stuck in the accept queue,
/// and the first order after a 12 s freeze came 3.5–3.9 s after the thaw (2 runs of 3); with a limit that grew with
/// each success but no such pass, 3.4–3.5 s. A try waits for its turn within its unit of work's time (its
/// cancellation); a turn passes on as soon as one ends. A turn is held at most <paramref name="turnLimit"/>: an opening
/// whose end EF Core does not report cannot keep it.
/// </remarks>
/// <param name="openingsAtOnce">How many connections of this replica may open at once when the server first fails to take one.</param>
/// <param name="turnLimit">
/// The longest one opening may hold a turn, and how long after the last failure the gate stays shut: longer than the
/// connect timeout, so that an outage's openings, each failing at the connect timeout, keep it shut.
/// </param>
public sealed class ConnectionOpeningGate(int openingsAtOnce, TimeSpan turnLimit) : DbConnectionInterceptor
{
    /// <summary>How often an opening waiting for a turn looks whether the gate opened or a turn was held past its limit.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Beyond any pool: the limit stops growing here.</summary>
    private const int MostAtOnce = 1000;

    private readonly long _turnLimitTicks = (long)(turnLimit.TotalSeconds * Stopwatch.Frequency);
    private readonly Lock _sync = new();
    private readonly Dictionary<DbConnection, long> _holders = []; // a turn's holder, and when it took it
    private readonly LinkedList<Waiter> _waiting = [];
    private readonly int _openingsAtOnce = openingsAtOnce;
    private int _limit = openingsAtOnce;
    private int _idle; // connections this replica returned to the pool healthy, less those taken since the server last failed
    private long _failedAt; // a Stopwatch timestamp of the last failure of the server to take a connection

    /// <summary>Whether a connection failed to open, because of the server, within the last turn limit: openings are limited.</summary>
    public bool Failing
    {
        get
        {
            var failedAt = Volatile.Read(ref _failedAt);
            return failedAt != 0 && Stopwatch.GetTimestamp() - failedAt < _turnLimitTicks;
        }
    }

    /// <summary>How many connections of this replica may open at once while <see cref="Failing"/>.</summary>
    public int Limit
    {
        get
        {
            lock (_sync)
            {
                return _limit;
            }
        }
    }

    public override async ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (!Failing)
        {
            TakeIdle();
            return result;
        }

        Waiter waiter;
        LinkedListNode<Waiter> place;
        lock (_sync)
        {
            if (TakeIdle())
            {
                return result; // served from the pool: it adds nothing to the server's queue
            }

            EndTurnsHeldPastTheirLimit();
            if (_holders.Count < _limit)
            {
                _holders[connection] = Stopwatch.GetTimestamp();
                return result;
            }

            waiter = new Waiter(connection);
            place = _waiting.AddLast(waiter);
        }

        while (true)
        {
            try
            {
                await waiter.Turn.Task.WaitAsync(SweepInterval, cancellationToken).ConfigureAwait(false);
                return result; // its turn was given to it (HandOutTurns)
            }
            catch (TimeoutException)
            {
                lock (_sync)
                {
                    if (waiter.Turn.Task.IsCompleted)
                    {
                        return result;
                    }

                    if (!Failing)
                    {
                        _waiting.Remove(place);
                        return result;
                    }

                    EndTurnsHeldPastTheirLimit();
                }
            }
            catch (OperationCanceledException)
            {
                lock (_sync)
                {
                    if (waiter.Turn.Task.IsCompleted)
                    {
                        EndTurnLocked(connection); // given a turn as it gave up: the turn goes to the next one
                    }
                    else
                    {
                        _waiting.Remove(place);
                    }
                }

                throw;
            }
        }
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (Failing && _limit < MostAtOnce)
            {
                _limit++;
            }

            EndTurnLocked(connection);
        }

        return Task.CompletedTask;
    }

    public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        // A connection closed open goes back to the pool; a broken one (its server gone) does not.
        if (connection.State == ConnectionState.Open)
        {
            Interlocked.Increment(ref _idle);
        }

        return ValueTask.FromResult(result);
    }

    public override Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(connection, eventData.Exception);
        return Task.CompletedTask;
    }

    /// <summary>A connection failed to open with <paramref name="exception"/>: its turn ends, and the limit halves if the server is why.</summary>
    public void Failed(DbConnection connection, Exception? exception)
    {
        lock (_sync)
        {
            if (MeansTheServerTakesNoConnections(exception))
            {
                if (Failing)
                {
                    _limit = Math.Max(1, _limit / 2);
                }
                else
                {
                    // The first failure: what was pooled before may be gone (a crash, or Npgsql clearing the pool); only
                    // what is returned from now on counts.
                    _limit = _openingsAtOnce;
                    Volatile.Write(ref _idle, 0);
                }

                Volatile.Write(ref _failedAt, Stopwatch.GetTimestamp());
            }

            EndTurnLocked(connection);
        }
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

    // Whether this opening is likely served from the pool: a connection was returned to it healthy and not taken since.
    private bool TakeIdle()
    {
        var idle = Volatile.Read(ref _idle);
        while (idle > 0)
        {
            var seen = Interlocked.CompareExchange(ref _idle, idle - 1, idle);
            if (seen == idle)
            {
                return true;
            }

            idle = seen;
        }

        return false;
    }

    private void EndTurnLocked(DbConnection connection)
    {
        if (_holders.Remove(connection))
        {
            HandOutTurns();
        }
    }

    private void EndTurnsHeldPastTheirLimit()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var holder in _holders.Where(h => now - h.Value > _turnLimitTicks).Select(h => h.Key).ToList())
        {
            _holders.Remove(holder);
        }

        HandOutTurns();
    }

    // Under _sync: the longest-waiting openings take the turns free under the limit (all of them once the gate is open).
    private void HandOutTurns()
    {
        var failing = Failing;
        while (_waiting.First is { } first && (!failing || _holders.Count < _limit))
        {
            _waiting.RemoveFirst();
            if (failing)
            {
                _holders[first.Value.Connection] = Stopwatch.GetTimestamp();
            }

            first.Value.Turn.TrySetResult();
        }
    }

    private sealed class Waiter(DbConnection connection)
    {
        public DbConnection Connection { get; } = connection;

        public TaskCompletionSource Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
