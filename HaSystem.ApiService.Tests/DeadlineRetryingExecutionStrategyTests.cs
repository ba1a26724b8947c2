using System.Diagnostics;
using System.Net.Sockets;
using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace HaSystem.ApiService.Tests;

/// <summary>
/// PostgreSQL's retry as the API configures it: a unit of work is tried again while its failures are transient (a server
/// restarting included) until its deadline, then given up with the exception the API answers 503; a refused write is not
/// tried again. The units here fail by themselves: no server is needed to decide what is retried.
/// </summary>
public sealed class DeadlineRetryingExecutionStrategyTests
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(50);

    // Guards against a retry that holds a request far past its deadline (Npgsql's default: six tries up to 30 s apart)
    // or that gives up at once.
    [Fact]
    public async Task A_transient_failure_is_tried_again_until_the_deadline_and_then_given_up()
    {
        await using var db = Context(TimeSpan.FromMilliseconds(400));
        var tries = 0;
        var timer = Stopwatch.StartNew();

        await Assert.ThrowsAsync<RetryLimitExceededException>(() => db.Database.CreateExecutionStrategy().ExecuteAsync(_ =>
        {
            tries++;
            throw Refused();
        }, CancellationToken.None));

        Assert.True(tries >= 4, $"Tried {tries} times in {timer.Elapsed.TotalMilliseconds:0} ms.");
        Assert.InRange(timer.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5));
    }

    // Guards against the start-up's migration and seed (one unit that waits behind the other replicas') failing on the
    // request deadline, and against the longer deadline leaking past its scope into the requests.
    [Fact]
    public async Task A_longer_flow_deadline_holds_within_its_scope_only()
    {
        await using var db = Context(TimeSpan.FromMilliseconds(200));
        var timer = Stopwatch.StartNew();
        var tries = 0;

        using (DeadlineRetryingExecutionStrategy.Within(TimeSpan.FromSeconds(5)))
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(_ =>
                timer.Elapsed < TimeSpan.FromMilliseconds(600) ? throw Refused() : Task.FromResult(++tries),
                CancellationToken.None);
        }

        Assert.Equal(1, tries);
        timer.Restart();
        await Assert.ThrowsAsync<RetryLimitExceededException>(() => db.Database.CreateExecutionStrategy().ExecuteAsync(_ => Task.FromException(Refused()), CancellationToken.None));
        Assert.InRange(timer.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));
    }

    // Guards against a request that runs several units (an order runs seven) each waiting out a deadline of its own: a
    // server frozen for 12 s held orders past the client's 10 s timeout although each unit gave up at 8 s.
    [Fact]
    public async Task The_units_of_a_flow_share_its_deadline_and_none_starts_after_it()
    {
        await using var db = Context(TimeSpan.FromSeconds(5));
        var timer = Stopwatch.StartNew();
        var lateTries = 0;

        using (DeadlineRetryingExecutionStrategy.Within(TimeSpan.FromMilliseconds(600)))
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(_ =>
                timer.Elapsed < TimeSpan.FromMilliseconds(300) ? throw Refused() : Task.CompletedTask, CancellationToken.None);
            await Assert.ThrowsAsync<RetryLimitExceededException>(() =>
                db.Database.CreateExecutionStrategy().ExecuteAsync(_ => Task.FromException(Refused()), CancellationToken.None));
            Assert.InRange(timer.Elapsed, TimeSpan.FromMilliseconds(550), TimeSpan.FromSeconds(3));

            // The unit above may end a moment before the deadline (its cancellation's timer): the next starts past it.
            if (TimeSpan.FromMilliseconds(650) - timer.Elapsed is { Ticks: > 0 } beforeDeadline)
            {
                await Task.Delay(beforeDeadline);
            }

            await Assert.ThrowsAsync<RetryLimitExceededException>(() =>
                db.Database.CreateExecutionStrategy().ExecuteAsync(_ => Task.FromResult(++lateTries), CancellationToken.None));
        }

        Assert.Equal(0, lateTries);
    }

    // Guards against a request answered past its deadline because the try in flight was cancelled at the deadline:
    // Npgsql's cancellation of a command on a frozen server takes up to its connect timeout and more.
    [Fact]
    public async Task Tries_stop_before_the_deadline_by_the_cancellation_allowance()
    {
        await using var db = Context(TimeSpan.FromMilliseconds(1000), cancellationAllowance: TimeSpan.FromMilliseconds(600));
        var timer = Stopwatch.StartNew();

        await Assert.ThrowsAsync<RetryLimitExceededException>(() =>
            db.Database.CreateExecutionStrategy().ExecuteAsync(_ => Task.FromException(Refused()), CancellationToken.None));

        Assert.InRange(timer.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromMilliseconds(900));
    }

    // Guards against a command in flight outliving the deadline: on a frozen server Npgsql defers the cancellation of a
    // command sent after a transaction's BEGIN or a pooled connection's reset, and only the command timeout ends it.
    [Fact]
    public async Task Each_try_gets_the_time_left_as_its_command_timeout()
    {
        await using var db = Context(TimeSpan.FromSeconds(30), cancellationAllowance: TimeSpan.FromSeconds(2));
        int? timeout = null;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(_ => Task.FromResult(timeout = db.Database.GetCommandTimeout()), CancellationToken.None);
        Assert.Equal(28, timeout);

        using (DeadlineRetryingExecutionStrategy.Within(TimeSpan.FromSeconds(4.5)))
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(_ => Task.FromResult(timeout = db.Database.GetCommandTimeout()), CancellationToken.None);
        }

        Assert.Equal(3, timeout);
    }

    // Guards against a unit nested in another (a delete batch inside a pruning unit) starting a deadline of its own, and
    // against an order's wait for its lock (through a Redis failover) using up the database's time.
    [Fact]
    public async Task A_nested_unit_keeps_the_outer_stop_time_and_a_flow_gets_back_the_time_it_waited_for_something_else()
    {
        await using var db = Context(TimeSpan.FromSeconds(30));
        int? nested = null;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1.1), ct); // the outer unit's own work
            await db.Database.CreateExecutionStrategy().ExecuteAsync(_ => Task.FromResult(nested = db.Database.GetCommandTimeout()), CancellationToken.None);
        }, CancellationToken.None);
        Assert.Equal(29, nested);

        int? afterWait = null;
        using (DeadlineRetryingExecutionStrategy.Within(TimeSpan.FromSeconds(3.5)))
        {
            var waited = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(1.1)); // a wait for something else: the lock
            using (DeadlineRetryingExecutionStrategy.ExtendBy(waited.Elapsed))
            {
                await db.Database.CreateExecutionStrategy().ExecuteAsync(_ => Task.FromResult(afterWait = db.Database.GetCommandTimeout()), CancellationToken.None);
            }
        }

        Assert.Equal(4, afterWait);

        // Only the wait is given back: time the request spent on anything else stays spent (a whole new deadline let an
        // order that had read for 3 s before its lock run on past the client's 10 s).
        int? afterWork = null;
        using (DeadlineRetryingExecutionStrategy.Within(TimeSpan.FromSeconds(3.5)))
        {
            await Task.Delay(TimeSpan.FromSeconds(1.1)); // the request's own work before the lock
            using (DeadlineRetryingExecutionStrategy.ExtendBy(TimeSpan.Zero))
            {
                await db.Database.CreateExecutionStrategy().ExecuteAsync(_ => Task.FromResult(afterWork = db.Database.GetCommandTimeout()), CancellationToken.None);
            }
        }

        Assert.Equal(3, afterWork);
    }

    // Guards against a 500 when the deadline's cancellation comes back wrapped: a transaction whose savepoint was being
    // released when its command was cancelled answers ObjectDisposedException (NpgsqlTransaction) around it.
    [Fact]
    public async Task A_cancellation_at_the_deadline_that_comes_back_wrapped_is_answered_as_the_deadline_passing()
    {
        await using var db = Context(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAsync<RetryLimitExceededException>(() => db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException cancelled)
            {
                throw new ObjectDisposedException("NpgsqlTransaction", cancelled);
            }
        }, CancellationToken.None));
    }

    // Guards against the orders in flight when the server shuts down (fast shutdown ends their sessions with 57P01,
    // which Npgsql does not count as transient) being answered 503 at once.
    [Fact]
    public async Task A_server_ending_sessions_as_it_shuts_down_is_tried_again()
    {
        await using var db = Context(TimeSpan.FromSeconds(5));
        var tries = 0;

        await db.Database.CreateExecutionStrategy().ExecuteAsync(_ =>
            ++tries == 1 ? throw new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01") : Task.CompletedTask,
            CancellationToken.None);

        Assert.Equal(2, tries);
    }

    // Guards against an order whose session the kill ended inside its transaction being answered 503 at once: the commit
    // after it throws ObjectDisposedException, with the break as its cause.
    [Fact]
    public async Task A_transaction_its_broken_connection_disposed_is_tried_again()
    {
        await using var db = Context(TimeSpan.FromSeconds(5));
        var tries = 0;
        var killed = new PostgresException("terminating connection due to unexpected postmaster exit", "FATAL", "FATAL", "57P01");

        await db.Database.CreateExecutionStrategy().ExecuteAsync(_ =>
            ++tries == 1 ? throw new ObjectDisposedException("NpgsqlTransaction", killed) : Task.CompletedTask,
            CancellationToken.None);

        Assert.Equal(2, tries);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => db.Database.CreateExecutionStrategy().ExecuteAsync(_ =>
            Task.FromException(new ObjectDisposedException("NpgsqlTransaction")), CancellationToken.None));
    }

    // Guards against a refused write (a unique index: another holder recorded the order) being tried again until the
    // deadline instead of reaching the code that tells the two cases apart.
    [Fact]
    public async Task A_unique_violation_is_not_tried_again()
    {
        await using var db = Context(TimeSpan.FromSeconds(5));
        var tries = 0;

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.Database.CreateExecutionStrategy().ExecuteAsync(_ =>
        {
            tries++;
            throw new DbUpdateException("save failed", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation));
        }, CancellationToken.None));

        Assert.Equal(1, tries);
        Assert.True(error.IsConstraintViolation());
    }

    // Guards against a cluster's failover answering orders 503 at once: with every node named in the connection string,
    // Npgsql reports a moment without a primary as "no suitable host", which it does not count as transient, and a write
    // that reached the demoted primary as 25006 (read-only transaction).
    [Theory]
    [InlineData("no suitable host")]
    [InlineData("unable to connect to a suitable host")]
    [InlineData("read-only transaction")]
    public async Task A_moment_without_a_primary_in_a_cluster_is_tried_again(string failure)
    {
        await using var db = Context(TimeSpan.FromSeconds(5));
        var tries = 0;
        Exception error = failure switch
        {
            "no suitable host" => new NpgsqlException("No suitable host was found."),
            "unable to connect to a suitable host" => new NpgsqlException("Unable to connect to a suitable host. Check inner exception for more details.", new AggregateException(Refused(), Refused())),
            // As a save reports it: EF Core wraps the server's refusal.
            _ => new DbUpdateException("save failed", new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", PostgresErrorCodes.ReadOnlySqlTransaction)),
        };

        await db.Database.CreateExecutionStrategy().ExecuteAsync(_ => ++tries == 1 ? throw error : Task.CompletedTask, CancellationToken.None);

        Assert.Equal(2, tries);
    }

    // Guards against every Npgsql error without a cause counting as a host search: only the multi-host messages do.
    [Fact]
    public void Only_the_multi_host_messages_count_as_finding_no_primary()
    {
        Assert.True(DeadlineRetryingExecutionStrategy.IsNoSuitableHost(new NpgsqlException("No suitable host was found.")));
        Assert.False(DeadlineRetryingExecutionStrategy.IsNoSuitableHost(new NpgsqlException("The connection pool has been exhausted")));
        Assert.False(DeadlineRetryingExecutionStrategy.IsNoSuitableHost(new PostgresException("No suitable host was found.", "ERROR", "ERROR", "XX000")));
    }

    // Guards the pools' clearing after a write reached a demoted primary: the refusal is told apart however it is wrapped.
    [Fact]
    public void A_read_only_refusal_is_recognised_bare_or_wrapped_by_a_save()
    {
        var refusal = new PostgresException("cannot execute UPDATE in a read-only transaction", "ERROR", "ERROR", PostgresErrorCodes.ReadOnlySqlTransaction);
        Assert.True(DeadlineRetryingExecutionStrategy.IsReadOnlyRefusal(refusal));
        Assert.True(DeadlineRetryingExecutionStrategy.IsReadOnlyRefusal(new DbUpdateException("save failed", refusal)));
        Assert.False(DeadlineRetryingExecutionStrategy.IsReadOnlyRefusal(new DbUpdateException("save failed", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation))));
    }

    private static NpgsqlException Refused() => new("connection refused", new SocketException((int)SocketError.ConnectionRefused));

    private static PostgresCatalogDbContext Context(TimeSpan deadline, TimeSpan cancellationAllowance = default) => new(new DbContextOptionsBuilder<PostgresCatalogDbContext>()
        .UseNpgsql("Host=127.0.0.1;Database=none", npgsql => npgsql.ExecutionStrategy(d => new DeadlineRetryingExecutionStrategy(d, deadline, MaxRetryDelay, cancellationAllowance)))
        .Options);
}
