using System.Diagnostics;
using HaSystem.ApiService.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Tests;

/// <summary>
/// The replicas' writes to the shared SQLite file take turns: one at a time across processes, handed on as soon as the
/// holder lets go (or dies), refused with a clear error when no turn comes in time. Each <see cref="CatalogWriteLock"/>
/// here stands for one replica: they share nothing but the file, as replicas do.
/// </summary>
public sealed class CatalogWriteLockTests(CatalogDatabase database) : IClassFixture<CatalogDatabase>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private CatalogWriteLock Replica(TimeSpan? writeWait = null) => new(database.ConnectionString,
        Options.Create(new CatalogDatabaseOptions { WriteWait = writeWait ?? TimeSpan.FromSeconds(10) }), TimeProvider.System);

    // Guards against the lottery that made an order wait over 10 s: many writers of several replicas at once must
    // all write, and never two at a time.
    [Fact]
    public async Task Writes_of_three_replicas_at_once_all_succeed_and_never_overlap()
    {
        using var a = Replica();
        using var b = Replica();
        using var c = Replica();
        var prefix = $"turns:{Guid.NewGuid():N}:";
        var inside = 0;
        var mostInside = 0;

        await Task.WhenAll(new[] { a, b, c }.SelectMany((replica, r) => Enumerable.Range(0, 20).Select(async i =>
        {
            await Task.Yield();
            await using var scope = database.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            await using (await replica.EnterAsync(CancellationToken.None))
            {
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref mostInside, now);
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.Fences.Add(new Fence { Resource = $"{prefix}{r}:{i}", Token = i, Holder = "test", UpdatedAtUtc = DateTime.UtcNow });
                await db.SaveChangesAsync();
                await Task.Delay(1); // a write that yields while it holds the turn, as an awaited one may
                await transaction.CommitAsync();
                Interlocked.Decrement(ref inside);
            }
        }))).WaitAsync(Deadline);

        Assert.Equal(1, mostInside);
        await using var check = database.Services.CreateAsyncScope();
        Assert.Equal(60, await check.ServiceProvider.GetRequiredService<CatalogDbContext>().Fences.CountAsync(f => f.Resource.StartsWith(prefix)));
    }

    [Fact]
    public async Task Another_replica_gets_its_turn_as_soon_as_the_holder_lets_go()
    {
        using var a = Replica();
        using var b = Replica();
        var held = await a.EnterAsync(CancellationToken.None);
        var waiting = b.EnterAsync(CancellationToken.None);

        Assert.NotSame(waiting, await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(200))));
        await held.DisposeAsync();
        await (await waiting.WaitAsync(Deadline)).DisposeAsync();
    }

    // Guards against a request that hangs behind a write that never ends (a replica frozen mid-write): it is refused
    // in the configured time with a 503's exception, and a later writer still gets its turn.
    [Fact]
    public async Task A_write_that_gets_no_turn_in_time_is_refused_and_leaves_the_turns_working()
    {
        using var a = Replica();
        using var b = Replica(TimeSpan.FromMilliseconds(300));
        var held = await a.EnterAsync(CancellationToken.None);

        await Assert.ThrowsAsync<CatalogBusyException>(() => b.EnterAsync(CancellationToken.None).WaitAsync(Deadline));
        await Assert.ThrowsAsync<CatalogBusyException>(() => b.EnterAsync(CancellationToken.None).WaitAsync(Deadline));
        await held.DisposeAsync();
        await (await b.EnterAsync(CancellationToken.None).WaitAsync(Deadline)).DisposeAsync();
    }

    // Guards against a turn that stays taken for ever when a replica dies holding it (kill -9 mid-write): the OS lock
    // goes with the process. The other process is util-linux's flock(1), which takes the same lock the replicas take
    // (and, with --close, holds it itself rather than in the command it runs).
    [Fact]
    public async Task A_turn_held_by_a_process_that_is_killed_passes_on()
    {
        var lockFile = CatalogWriteLock.LockFileOf(database.ConnectionString)!;
        using var holder = Process.Start(new ProcessStartInfo("flock", ["--exclusive", "--close", lockFile, "sleep", "60"]))!;
        using var replica = Replica();
        try
        {
            await Poll.UntilAsync(async () =>
            {
                // Until flock(1) holds it, a short-lived probe still gets in.
                using var probe = Replica(TimeSpan.FromMilliseconds(50));
                try
                {
                    await (await probe.EnterAsync(CancellationToken.None)).DisposeAsync();
                    return false;
                }
                catch (CatalogBusyException)
                {
                    return true;
                }
            }, Deadline, "flock(1) holding the write lock");

            var waiting = replica.EnterAsync(CancellationToken.None);
            Assert.NotSame(waiting, await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(200))));
            holder.Kill(entireProcessTree: true);
            await (await waiting.WaitAsync(Deadline)).DisposeAsync();
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Connections_wait_in_SQLite_for_a_busy_file_instead_of_failing_at_once()
    {
        await using var scope = database.Services.CreateAsyncScope();
        // Opened the way EF Core opens it, so its interceptors run (a DbConnection opened directly passes them by, and
        // then only showed the pragma when another test had left it on the pooled SQLite connection).
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>().Database;
        await db.OpenConnectionAsync();
        var connection = db.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        Assert.Equal((long)CatalogDatabase.Options.WriteWait.TotalMilliseconds, (long)(await command.ExecuteScalarAsync())!);
    }

    [Theory]
    [InlineData("Data Source=:memory:", null)]
    [InlineData("Data Source=shared;Mode=Memory;Cache=Shared", null)]
    [InlineData("Data Source=/var/lib/hasystem/catalog.db", "/var/lib/hasystem/catalog.db-writer")]
    public void The_lock_file_sits_beside_the_database_file(string connectionString, string? expected) =>
        Assert.Equal(expected, CatalogWriteLock.LockFileOf(connectionString));

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var previous && previous != seen)
        {
            seen = previous;
        }
    }
}
