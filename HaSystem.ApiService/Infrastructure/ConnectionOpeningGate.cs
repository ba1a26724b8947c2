using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// While the database fails to take connections (they time out, are refused, or are told the server is starting),
/// limits how many connections of this replica open at once, so that the waiting requests' tries cannot feed the fault:
/// <list type="bullet">
/// <item>A server that stood still (frozen, cut off): each connection, given up at its connect timeout, stayed in the
/// server's accept queue; the thawed server forked a backend for each stale one in turn (30–100 a second on 2 busy
/// cores) while the connections opened meanwhile timed out behind them and were tried again. After a 12 s freeze orders
/// failed for over a minute, the accept queue full (244) the whole time. The first connection that opens opens the gate:
/// the queue is behind it. With a probe, no opening waits on such a server at all: one connection of the replica, given
/// a long connect timeout, waits in the queue for it, is sent again while the server answers it late (it still serves
/// its queue), and its quick answer hands out turns as after a restart. Without one, a turn at a time,
/// each given up at the connect timeout, still left an entry a second per replica, so that with one core busy the first
/// order came 3.5–4.4 s after a 12 s freeze's thaw.</item>
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
/// <param name="probe">
/// Opens one connection to the server, waiting long for it (<see cref="CatalogDatabaseOptions.ProbeTimeout"/>), and
/// closes it; run, again and again, while the server stands still. None: turns are handed out as after a restart.
/// </param>
/// <param name="logger">Where the probe says when the server stood still and when it answered again.</param>
/// <param name="stopOfCallingUnit">
/// When the calling opening's unit of work stops trying (a <see cref="Stopwatch"/> timestamp), if known: the turns go to
/// the waiting opening that stops first among those with half the turn limit left (one that stops sooner could not use
/// its turn), then to the newest. None: newest first.
/// </param>
public sealed partial class ConnectionOpeningGate(
    int openingsAtOnce, TimeSpan turnLimit, Func<CancellationToken, Task>? probe = null, ILogger<ConnectionOpeningGate>? logger = null,
    Func<long?>? stopOfCallingUnit = null)
    : DbConnectionInterceptor, IDisposable
{
    /// <summary>How often an opening waiting for a turn looks whether the gate opened or a turn was held past its limit.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>A timeout does not count as a failure of the server while connections opened this recently.</summary>
    public static readonly TimeSpan RecentOpening = TimeSpan.FromMilliseconds(500);

    /// <summary>How many late answers the probe is sent again after, at most, before the openings take turns anyway.</summary>
    private const int MostSlowAnswers = 5;

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
    private bool _refused; // whether the server refused a connection, said it was starting, or answered the probe, since it first failed
    private volatile bool _probing; // whether the probe waits for a server that stood still: no opening takes a turn
    private int _episode; // counts the probes started, so that a probe's late answer cannot end a later one's wait
    private readonly ILogger _logger = logger ?? NullLogger<ConnectionOpeningGate>.Instance;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Whether a connection failed to open, because of the server, within the last turn limit: openings are limited.</summary>
    public bool Failing
    {
        get
        {
            var failedAt = Volatile.Read(ref _failedAt);
            return _probing || (failedAt != 0 && Stopwatch.GetTimestamp() - failedAt < _turnLimitTicks);
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
            if (!_probing && _holders.Count < _limit)
            {
                _holders[connection] = Stopwatch.GetTimestamp();
                return result;
            }

            waiter = new Waiter(connection, stopOfCallingUnit?.Invoke());
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
            // While the probe waits, an opening can only have been served by the pool: the probe tells when the server answers.
            if (Failing && !_refused && !_probing)
            {
                EndStandingStill(); // a server that stood still answers again: its queue is behind this one
            }
            else if (Failing && _refused && _limit < MostAtOnce)
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
                if (!_refused && probe is not null && !_probing)
                {
                    StartProbe();
                }
                else if (_refused && _probing)
                {
                    _probing = false; // it was restarted meanwhile: it refuses fast, and turns show when it takes connections
                    HandOutTurns();
                }
            }

            EndTurnLocked(connection);
        }
    }

    /// <summary>Stops the probe, if one waits.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    // Under _sync.
    private void EndStandingStill()
    {
        Volatile.Write(ref _failedAt, 0);
        _probing = false;
        HandOutTurns();
    }

    // Under _sync: one connection waits in the server's queue instead of a turn's every connect timeout; the openings wait.
    private void StartProbe()
    {
        _probing = true;
        var episode = ++_episode;
        var stopping = _stop.Token;
        _ = Task.Run(() => ProbeAsync(episode, stopping), CancellationToken.None);
    }

    private async Task ProbeAsync(int episode, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var slowAnswers = 0;
        LogStandingStill(_logger);
        try
        {
            for (var tries = 1; ; tries++)
            {
                Exception? failure = null;
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    await probe!(stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    failure = ex;
                }

                lock (_sync)
                {
                    if (!_probing || _episode != episode)
                    {
                        return; // ended otherwise: a connection opened, or the server refused one (restarted)
                    }

                    if (failure is null && Stopwatch.GetElapsedTime(sent) > RecentOpening && slowAnswers++ < MostSlowAnswers)
                    {
                        // Answered late: the server is still serving what its queue held behind the probe (cancel
                        // requests, other replicas' probes). Sent again, the probe waits at the end of that queue, where
                        // the openings would have been given up at their connect timeout and been queued once more.
                        continue;
                    }

                    if (failure is null)
                    {
                        // It takes connections again, but what its queue held behind the probe's is still there, and all
                        // the waiting openings at once (up to a pool per replica) took over the connect timeout with one
                        // core busy: as after a restart, one more opens with each that opens.
                        var answeredAt = Stopwatch.GetTimestamp();
                        Volatile.Write(ref _openedAt, answeredAt);
                        Volatile.Write(ref _failedAt, answeredAt);
                        _refused = true;
                        _limit = _openingsAtOnce;
                        _probing = false;
                        HandOutTurns();
                        var seconds = Stopwatch.GetElapsedTime(started, answeredAt).TotalSeconds;
                        LogAnsweredAgain(_logger, seconds, tries);
                        return;
                    }

                    if (!MeansTheServerTakesNoConnections(failure) || MeansTheServerRefusedIt(failure))
                    {
                        // Restarted (it refuses fast, and turns show when it takes connections), or failing otherwise
                        // (a password, a full server): the waiting openings find out for themselves.
                        _refused |= MeansTheServerRefusedIt(failure);
                        Volatile.Write(ref _failedAt, Stopwatch.GetTimestamp());
                        _probing = false;
                        HandOutTurns();
                        LogProbeEnded(_logger, failure.GetType().Name, failure.Message);
                        return;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nobody awaits the probe: its failure is logged, and the openings take turns again.
            LogProbeFailed(_logger, ex);
            lock (_sync)
            {
                if (_episode == episode)
                {
                    _probing = false;
                    HandOutTurns();
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalog database stands still (a connection timed out): one connection waits for it, the others wait for that one.")]
    private static partial void LogStandingStill(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The catalog database answers again, {Seconds:0.00} s after it stood still ({Tries} tries): connections open, a few more with each that opens.")]
    private static partial void LogAnsweredAgain(ILogger logger, double seconds, int tries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The catalog database failed the probe otherwise than by standing still ({Error}: {Reason}): connections take turns.")]
    private static partial void LogProbeEnded(ILogger logger, string error, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The probe of a catalog database that stood still failed: connections take turns.")]
    private static partial void LogProbeFailed(ILogger logger, Exception exception);

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

    // Under _sync: the waiting openings take the turns free under the limit (all of them once the gate is open).
    private void HandOutTurns()
    {
        var failing = Failing;
        while (_waiting.First is { } newest && (!failing || (!_probing && _holders.Count < _limit)))
        {
            var next = failing ? NextTurn() ?? newest : newest;
            _waiting.Remove(next);
            if (failing)
            {
                _holders[next.Value.Connection] = Stopwatch.GetTimestamp();
            }

            next.Value.Turn.TrySetResult();
        }
    }

    // The waiting opening whose unit stops first among those with half the turn limit left; none: the newest is next.
    // First come, first served gave the turns to tries about to run out of time (the first order after a 12 s freeze
    // came 3.4-4.1 s after the thaw); newest first, to tries that could wait, while with one core busy the orders sent at
    // a kill -9 waited behind the newer ones until their time ran out.
    private LinkedListNode<Waiter>? NextTurn()
    {
        var useful = Stopwatch.GetTimestamp() + (_turnLimitTicks / 2);
        LinkedListNode<Waiter>? next = null;
        for (var node = _waiting.First; node is not null; node = node.Next)
        {
            if (node.Value.StopAt is { } stop && stop >= useful && (next is null || stop < next.Value.StopAt))
            {
                next = node;
            }
        }

        return next;
    }

    private sealed class Waiter(DbConnection connection, long? stopAt)
    {
        public DbConnection Connection { get; } = connection;

        /// <summary>When its unit of work stops trying, if known.</summary>
        public long? StopAt { get; } = stopAt;

        public TaskCompletionSource Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
