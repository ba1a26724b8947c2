using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// Npgsql's retry on transient failures, bounded by time instead of a count: a unit of work is tried again, at most
/// <paramref name="maxRetryDelay"/> apart, so that it has ended by <paramref name="deadline"/> after its first try, or
/// after its request began (<see cref="Within"/>); then EF Core throws <see cref="RetryLimitExceededException"/>,
/// answered 503 with <c>Retry-After</c>. Npgsql's default (six tries up to 30 s apart) would hold a request for more
/// than a minute while the server restarts, and see it back late.
/// </summary>
/// <remarks>
/// A retry runs the whole unit again, transaction included: a unit that commits must be safe to run twice (the fence
/// lets the same holder write again; a lost commit's order is found by its key and token).
/// </remarks>
/// <param name="cancellationAllowance">
/// How long before the deadline the strategy stops trying and ends the try in flight: the time that may take. A
/// command's timeout is whole seconds, and Npgsql then sends the server a cancel request on a new connection, which a
/// server that stopped answering (frozen, cut off) holds for the connection timeout, and waits up to its cancellation
/// timeout. Without the allowance, orders held by a frozen server were answered after 10 s and more.
/// </param>
/// <param name="logger">
/// Where each unit of work that was tried more than once, took longer than <see cref="SlowUnit"/> or failed is told, with
/// its time, its tries and their errors: how long a fault held the requests, and on what.
/// </param>
public sealed partial class DeadlineRetryingExecutionStrategy(
    ExecutionStrategyDependencies dependencies, TimeSpan deadline, TimeSpan maxRetryDelay, TimeSpan cancellationAllowance = default, ILogger? logger = null)
    : NpgsqlRetryingExecutionStrategy(dependencies, maxRetryCount: int.MaxValue, maxRetryDelay, errorCodesToAdd: ShutdownErrors)
{
    /// <summary>A unit of work that took longer than this is logged even when it succeeded at its first try.</summary>
    public static readonly TimeSpan SlowUnit = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>
    /// The server ending sessions as it shuts down or restarts (<c>admin_shutdown</c>, <c>crash_shutdown</c>,
    /// <c>cannot_connect_now</c>), which Npgsql does not count as transient: a fast shutdown answered the orders in flight
    /// at that moment 503 at once. And a write that reached a server which is a standby now (<c>read_only_sql_transaction</c>,
    /// 25006): in a cluster, a primary demoted by a switchover or a failover, whose pooled connections answer so until
    /// they are dropped (see <see cref="OnRetry"/>).
    /// </summary>
    private static readonly string[] ShutdownErrors = ["57P01", "57P02", "57P03", PostgresErrorCodes.ReadOnlySqlTransaction];

    /// <summary>The calling flow's deadline, if a <see cref="Within"/> set one.</summary>
    private static readonly AsyncLocal<FlowDeadline?> Flow = new();

    /// <summary>The unit running in the calling flow: a unit nested in it keeps its stop time.</summary>
    private static readonly AsyncLocal<DeadlineRetryingExecutionStrategy?> Running = new();

    private long _stopTrying;

    /// <summary>When the unit of work running in the calling flow stops trying (a <see cref="Stopwatch"/> timestamp), if one runs.</summary>
    public static long? StopOfCallingUnit => Running.Value?._stopTrying;

    /// <summary>
    /// Holds all the units of work started in the calling flow, together, to <paramref name="deadline"/> from now, until the
    /// result is disposed: a request's, however many units it runs (an order runs up to seven, and with a deadline each
    /// could wait seven times as long), or the start-up's migration and seed, which wait for the other replicas' and get
    /// longer. Units outside such a flow (background work) each get the constructor's deadline.
    /// </summary>
    public static IDisposable Within(TimeSpan deadline)
    {
        var previous = Flow.Value;
        Flow.Value = new FlowDeadline(Stopwatch.GetTimestamp() + Ticks(deadline), deadline);
        return new Restore(previous);
    }

    /// <summary>
    /// Moves the calling flow's deadline later by <paramref name="waited"/>, until the result is disposed: for a request
    /// that waited for something other than the database (an order's lock, which rides through a Redis failover for up
    /// to its own deadline), so that the wait does not use up the database's time. Only the wait is given back: a
    /// request's database time stays its deadline (the earlier <c>StartAgain</c> gave a whole new one, and an order that
    /// had spent 3 s reading before its lock could then run 8 s more, past the client's 10 s). Without a flow deadline it
    /// does nothing.
    /// </summary>
    public static IDisposable ExtendBy(TimeSpan waited)
    {
        if (Flow.Value is not { } flow)
        {
            return new Restore(null, restores: false);
        }

        var previous = Flow.Value;
        Flow.Value = flow with { Ends = flow.Ends + Ticks(waited) };
        return new Restore(previous);
    }

    /// <summary>
    /// Runs the unit with the deadline as a cancellation, too: a server that stops answering without closing its sockets
    /// (frozen, cut off) fails no try, so the pauses between tries do not bound it; a try started just before the
    /// deadline, or waiting for a pooled connection, would run on for a connection or command timeout of its own.
    /// Passing the deadline is answered as running out of tries; a unit started after it is not tried at all.
    /// </summary>
    public override async Task<TResult> ExecuteAsync<TState, TResult>(
        TState state,
        Func<DbContext, TState, CancellationToken, Task<TResult>> operation,
        Func<DbContext, TState, CancellationToken, Task<ExecutionResult<TResult>>>? verifySucceeded,
        CancellationToken cancellationToken = default)
    {
        // Set here too, not only on the first try: a unit nested in another's runs without one, and keeps its stop time.
        _stopTrying = Running.Value is { } outer ? outer._stopTrying : StopTrying();
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _stopTrying);
        if (left <= TimeSpan.Zero)
        {
            throw new RetryLimitExceededException("The request's time for the database had passed before this unit of work.");
        }

        using var withinDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        withinDeadline.CancelAfter(left);
        var outermost = Running.Value is null;
        Running.Value ??= this;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await base.ExecuteAsync(state, WithCommandsEndingInTime(operation), verifySucceeded, withinDeadline.Token).ConfigureAwait(false);
            if (outermost)
            {
                LogIfSlow(started, left);
            }

            return result;
        }
        catch (Exception ex) when (withinDeadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested && IsCancellation(ex))
        {
            var timedOut = new RetryLimitExceededException($"The database did not complete the unit of work within {left.TotalSeconds:0.#} s.", ex);
            LogFailed(started, left, timedOut);
            throw timedOut;
        }
        catch (Exception ex) when (outermost && (ex is RetryLimitExceededException || ExceptionsEncountered.Count > 0))
        {
            // Told only when transient failures were tried: a refused write (a unique index, a stale fence) is the
            // caller's to handle, not a failure of the database.
            LogFailed(started, left, ex);
            throw;
        }
    }

    // The deadline's cancellation surfaces as itself, or wrapped: a transaction whose savepoint was being released when
    // its command was cancelled answers ObjectDisposedException (NpgsqlTransaction) around it, which was a 500.
    private static bool IsCancellation(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    private void LogIfSlow(long started, TimeSpan budget)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        var tries = ExceptionsEncountered.Count + 1;
        if (tries > 1 || elapsed > SlowUnit)
        {
            LogSucceededLate(_logger, elapsed.TotalMilliseconds, tries, budget.TotalMilliseconds, new TryErrors([.. ExceptionsEncountered]));
        }
    }

    private void LogFailed(long started, TimeSpan budget, Exception failure) =>
        LogGaveUp(_logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ExceptionsEncountered.Count + 1, budget.TotalMilliseconds,
            new TryErrors([.. ExceptionsEncountered, failure]));

    [LoggerMessage(Level = LogLevel.Information, Message = "A unit of work on the catalog database succeeded after {ElapsedMs:0} ms and {Tries} tries (it had {BudgetMs:0} ms); earlier tries: {Errors}.")]
    private static partial void LogSucceededLate(ILogger logger, double elapsedMs, int tries, double budgetMs, TryErrors errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A unit of work on the catalog database gave up after {ElapsedMs:0} ms and {Tries} tries (it had {BudgetMs:0} ms); tries: {Errors}.")]
    private static partial void LogGaveUp(ILogger logger, double elapsedMs, int tries, double budgetMs, TryErrors errors);

    // A connection broken inside a transaction (the server killed as it ran the order's SaveChanges) disposes the
    // transaction, and the commit that follows throws ObjectDisposedException with the break as its cause: transient as
    // that cause is. It was answered 503 at once (1 order in a kill -9 test run with one core busy). The commit was never
    // sent (the connection was gone); a commit whose answer is lost is told apart by the order's idempotency key.
    //
    // With a connection string that names several hosts (a cluster), a failover makes Npgsql answer "No suitable host was
    // found." (no host is the primary yet, or every host is marked down for Host Recheck Seconds) or "Unable to connect to
    // a suitable host" (each host's failure in an AggregateException): not transient to Npgsql, although a failover is
    // exactly what waiting cures (efcore.pg#2812).
    protected override bool ShouldRetryOn(Exception? exception) =>
        base.ShouldRetryOn(exception)
        || (exception is ObjectDisposedException { InnerException: { } cause } && base.ShouldRetryOn(cause))
        || IsNoSuitableHost(exception);

    /// <summary>Whether <paramref name="exception"/> is a multi-host connection string finding no primary to connect to.</summary>
    public static bool IsNoSuitableHost(Exception? exception) => exception is NpgsqlException { InnerException: null or AggregateException } npgsql
        && npgsql is not PostgresException
        && (npgsql.Message.StartsWith("No suitable host was found", StringComparison.Ordinal)
            || npgsql.Message.StartsWith("Unable to connect to a suitable host", StringComparison.Ordinal));

    // A write refused as read-only came on a pooled connection to a server that was the primary: every pooled connection
    // to it would be refused the same way until the pool is dropped (Npgsql hands an idle connection out as long as it
    // counts its host as the primary). The pools of every host go; new connections find the primary again.
    protected override void OnRetry()
    {
        base.OnRetry();
        if (ExceptionsEncountered.Count > 0 && IsReadOnlyRefusal(ExceptionsEncountered[^1])
            && Dependencies.CurrentContext.Context.Database.GetDbConnection() is NpgsqlConnection connection)
        {
            NpgsqlConnection.ClearPool(connection);
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is, or wraps (a save's <see cref="DbUpdateException"/>), a write refused because
    /// the server is a standby (25006).
    /// </summary>
    public static bool IsReadOnlyRefusal(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction })
            {
                return true;
            }
        }

        return false;
    }

    // The synchronous path (which the API does not use) only gets the stop time; the asynchronous one is bounded in full.
    protected override void OnFirstExecution()
    {
        base.OnFirstExecution();
        if (Running.Value is null)
        {
            _stopTrying = StopTrying();
        }
    }

    protected override TimeSpan? GetNextDelay(Exception lastException)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _stopTrying);
        if (left <= TimeSpan.Zero || base.GetNextDelay(lastException) is not { } delay)
        {
            return null;
        }

        return delay < left ? delay : left;
    }

    // The cancellation alone does not end a command in flight: Npgsql defers it while the answers to messages it sent
    // ahead of the command are unread (a transaction's BEGIN, a pooled connection's reset), and a frozen server never
    // sends them. Only the command timeout ends such a command, so each try gets the time left, in whole seconds.
    private Func<DbContext, TState, CancellationToken, Task<TResult>> WithCommandsEndingInTime<TState, TResult>(
        Func<DbContext, TState, CancellationToken, Task<TResult>> operation) => (context, state, ct) =>
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _stopTrying);
        context.Database.SetCommandTimeout(Math.Max(1, (int)Math.Ceiling(left.TotalSeconds)));
        return operation(context, state, ct);
    };

    // When this unit's tries must stop so that it has ended, its cancellation included, by its flow's or its own deadline.
    private long StopTrying() => (Flow.Value?.Ends ?? Stopwatch.GetTimestamp() + Ticks(deadline)) - Ticks(cancellationAllowance);

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Each try's error in one line, counted: which failure held the unit is the point, not its stack. Formatted only when logged.</summary>
    private readonly record struct TryErrors(IReadOnlyList<Exception> Errors)
    {
        public override string ToString() => Errors.Count == 0
            ? "none"
            : string.Join(", ", Errors.GroupBy(e => $"{e.GetType().Name}: {(e.InnerException ?? e).Message}").Select(g => $"{g.Count()}× {g.Key}"));
    }

    /// <param name="Ends">A <see cref="Stopwatch"/> timestamp.</param>
    private sealed record FlowDeadline(long Ends, TimeSpan Length);

    private sealed class Restore(FlowDeadline? previous, bool restores = true) : IDisposable
    {
        public void Dispose()
        {
            if (restores)
            {
                Flow.Value = previous;
            }
        }
    }
}
