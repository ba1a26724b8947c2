using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// While the database fails to take connections (they time out, are refused, or are told the server is starting),
/// limits how many connections of this replica open at once, so that the waiting requests' tries cannot feed the fault:
/// <list type="bullet">
/// <item>A server that stood still (frozen, cut off): each connection, given up at its connect timeout, stayed in the
/// server's accept queue; the thawed server forked a backend for each stale one in turn (30–100 a second on 2 busy
/// cores) while the connections opened meanwhile timed out behind them and were tried again. After a 12 s freeze orders
/// failed for over a minute, the accept queue full (244) the whole time. The limit halves with each timeout (down to
/// one), and the first connection that opens opens the gate: the queue is behind it.</item>
/// <item>A server killed and started again: the tries of every waiting request, refused while it recovered, all
/// connected at once when it took connections; 60 backends starting side by side on 2 cores took over the 1 s connect
/// timeout, were given up and opened again. Every order sent in the 4.7 s after a <c>kill -9</c> failed (41 of 300),
/// although the server took connections 1.7 s after it. Once the server has refused a connection the limit grows by
/// one with each connection that opens and halves with each failure, until none has failed for the turn limit.</item>
/// </list>
/// </summary>
/// <remarks>
/// An opening that the pool likely serves (a connection went back to it healthy since the server first failed, and no
/// opening took it since) needs no turn: it adds nothing to the server's queue. A timeout while connections opened
/// within <see cref="RecentOpening"/> does not shut the gate: the server answers, slowly. A try waits for its turn
/// within its unit of work's time (its cancellation); a turn passes on as soon as one ends, and is held at most
/// <paramref name="turnLimit"/>: an opening whose end EF Core does not report cannot keep it. A limit that stayed (or
/// grew one by one) after a frozen server's first connection opened held the thawed replica's orders: the first came
/// 3.1–3.9 s after a 12 s freeze's thaw, against 1.3–2.5 s once that connection opens the gate.
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

    /// <summary>A timeout does not count as a failure of the server while connections opened this recently.</summary>
    public static readonly TimeSpan RecentOpening = TimeSpan.FromMilliseconds(500);

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
    private long _openedAt; // a Stopwatch timestamp of the last connection that opened
    private bool _refused; // whether the server refused a connection, or said it was starting, since it first failed

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
            place = _waiting.AddFirst(waiter);
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
            Volatile.Write(ref _openedAt, Stopwatch.GetTimestamp());
            if (Failing && !_refused)
            {
                Volatile.Write(ref _failedAt, 0); // a server that stood still answers again: its queue is behind this one
            }
            else if (Failing && _limit < MostAtOnce)
            {
                _limit++; // a server starting again takes the waiting connections as fast as they open, no faster
            }

            EndTurnLocked(connection);
        }

        return Task.CompletedTask;
    }

    public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Closing(connection);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Closing(connection);
        return result;
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
            var refused = MeansTheServerRefusedIt(exception);
            if (MeansTheServerTakesNoConnections(exception) && (refused || (Failing && _refused) || !OpenedRecently()))
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
                    _refused = false;
                    Volatile.Write(ref _idle, 0);
                }

                _refused |= refused;

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

    /// <summary>Whether the server refused the connection or answered that it is starting or stopping: it is (re)starting.</summary>
    private static bool MeansTheServerRefusedIt(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException
                || e is PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.TooManyConnections })
            {
                return true;
            }
        }

        return false;
    }

    // A timeout while connections open is a server slow to answer a burst of them, not one that stopped: gating a burst of
    // new connections after a restart on such a timeout slowed the recovery from a kill -9 (7 orders 503 in 1 run of 2).
    private bool OpenedRecently()
    {
        var openedAt = Volatile.Read(ref _openedAt);
        return openedAt != 0 && Stopwatch.GetElapsedTime(openedAt) < RecentOpening;
    }

    // A connection closed open goes back to the pool; a broken one (its server gone) does not.
    private void Closing(DbConnection connection)
    {
        if (connection.State == ConnectionState.Open)
        {
            Interlocked.Increment(ref _idle);
        }
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

    // Under _sync: the newest waiting openings take the turns free under the limit (all of them once the gate is open).
    // Newest first: their units of work have the most time left. First come, first served gave the turns to tries about
    // to run out of time, and the first order after a 12 s freeze came 3.4-4.1 s after the thaw.
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
