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
            throw new NpgsqlException("connection refused", new SocketException((int)SocketError.ConnectionRefused));
        }, CancellationToken.None));

        Assert.True(tries >= 4, $"Tried {tries} times in {timer.Elapsed.TotalMilliseconds:0} ms.");
        Assert.InRange(timer.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5));
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

    private static PostgresCatalogDbContext Context(TimeSpan deadline) => new(new DbContextOptionsBuilder<PostgresCatalogDbContext>()
        .UseNpgsql("Host=127.0.0.1;Database=none", npgsql => npgsql.ExecutionStrategy(d => new DeadlineRetryingExecutionStrategy(d, deadline, MaxRetryDelay)))
        .Options);
}
