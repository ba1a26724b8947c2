using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// Npgsql's retry on transient failures, bounded by time instead of a count: a unit of work is tried again, at most
/// <paramref name="maxRetryDelay"/> apart, until <paramref name="deadline"/> has passed since its first try; then EF Core
/// throws <see cref="RetryLimitExceededException"/>, answered 503 with <c>Retry-After</c>. Npgsql's default (six tries
/// up to 30 s apart) would hold a request for more than a minute while the server restarts, and see it back late.
/// </summary>
/// <remarks>
/// A retry runs the whole unit again, transaction included: a unit that commits must be safe to run twice (the fence
/// lets the same holder write again; a lost commit's order is found by its key and token).
/// </remarks>
public sealed class DeadlineRetryingExecutionStrategy(ExecutionStrategyDependencies dependencies, TimeSpan deadline, TimeSpan maxRetryDelay)
    : NpgsqlRetryingExecutionStrategy(dependencies, maxRetryCount: int.MaxValue, maxRetryDelay, errorCodesToAdd: ShutdownErrors)
{
    /// <summary>
    /// The server ending sessions as it shuts down or restarts (<c>admin_shutdown</c>, <c>crash_shutdown</c>,
    /// <c>cannot_connect_now</c>), which Npgsql does not count as transient: a fast shutdown answered the orders in flight
    /// at that moment 503 at once.
    /// </summary>
    private static readonly string[] ShutdownErrors = ["57P01", "57P02", "57P03"];

    private static readonly AsyncLocal<TimeSpan?> Extended = new();

    private long _firstTry;

    private TimeSpan _deadline;

    /// <summary>
    /// Gives the units of work started in the calling flow <paramref name="longer"/> instead of the request deadline, until
    /// the result is disposed: for the start-up's migration and seed, which EF Core runs as one unit and which waits for
    /// the other replicas' (measured: a few seconds each; the request deadline would fail a replica's start).
    /// </summary>
    public static IDisposable ExtendDeadline(TimeSpan longer)
    {
        var previous = Extended.Value;
        Extended.Value = longer;
        return new Restore(previous);
    }

    /// <summary>
    /// Runs the unit with the deadline as a cancellation, too: a server that stops answering without closing its sockets
    /// (frozen, cut off) fails no try, so the pauses between tries do not bound it; a try started just before the
    /// deadline, or waiting for a pooled connection, would run on for a connection or command timeout of its own.
    /// Passing the deadline is answered as running out of tries. It does not end every wait: with a frozen server, some
    /// orders were still unanswered after 10 s with and without it (README, Known limits).
    /// </summary>
    public override async Task<TResult> ExecuteAsync<TState, TResult>(
        TState state,
        Func<DbContext, TState, CancellationToken, Task<TResult>> operation,
        Func<DbContext, TState, CancellationToken, Task<ExecutionResult<TResult>>>? verifySucceeded,
        CancellationToken cancellationToken = default)
    {
        _deadline = Extended.Value ?? deadline;
        using var withinDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        withinDeadline.CancelAfter(_deadline);
        try
        {
            return await base.ExecuteAsync(state, operation, verifySucceeded, withinDeadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (withinDeadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RetryLimitExceededException($"The database did not complete the unit of work within {_deadline.TotalSeconds:0.#} s.", ex);
        }
    }

    protected override void OnFirstExecution()
    {
        base.OnFirstExecution();
        _firstTry = Stopwatch.GetTimestamp();
    }

    protected override TimeSpan? GetNextDelay(Exception lastException)
    {
        var left = (_deadline > TimeSpan.Zero ? _deadline : deadline) - Stopwatch.GetElapsedTime(_firstTry);
        if (left <= TimeSpan.Zero || base.GetNextDelay(lastException) is not { } delay)
        {
            return null;
        }

        return delay < left ? delay : left;
    }

    private sealed class Restore(TimeSpan? previous) : IDisposable
    {
        public void Dispose() => Extended.Value = previous;
    }
}
