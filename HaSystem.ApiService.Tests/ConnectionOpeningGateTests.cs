using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace HaSystem.ApiService.Tests;

/// <summary>
/// The gate on opening connections to the catalog database: free while connections open, one at a time once one has
/// failed, free again once one opens. Its events are called as EF Core calls them; no server is needed.
/// </summary>
public sealed class ConnectionOpeningGateTests
{
    private static readonly TimeSpan TurnLimit = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Waited = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private static NpgsqlException ServerGone() => new("Exception while reading from stream", new TimeoutException());

    // Guards against a healthy replica's connections queueing behind one another.
    [Fact]
    public async Task Connections_open_side_by_side_while_none_has_failed()
    {
        var gate = new ConnectionOpeningGate(TurnLimit);

        await Task.WhenAll(Opening(gate, new NpgsqlConnection()), Opening(gate, new NpgsqlConnection())).WaitAsync(Bound);

        Assert.False(gate.Failing);
    }

    // Guards against the connection storm after a frozen server's thaw: every try of every request opening a connection
    // of its own, each given up at its connect timeout and left in the server's accept queue, so the queue never drained.
    [Fact]
    public async Task After_a_failure_one_connection_tries_at_a_time_until_one_opens()
    {
        var gate = new ConnectionOpeningGate(TimeSpan.FromSeconds(30));
        gate.Failed(new NpgsqlConnection(), ServerGone());
        var first = new NpgsqlConnection();
        await Opening(gate, first).WaitAsync(Bound);

        var second = Opening(gate, new NpgsqlConnection());
        var third = Opening(gate, new NpgsqlConnection());
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(Waited)));

        gate.Failed(first, ServerGone()); // its turn ends: the next one tries, alone
        var next = await Task.WhenAny(second, third).WaitAsync(Bound);
        var other = next == second ? third : second;
        Assert.NotSame(other, await Task.WhenAny(other, Task.Delay(Waited)));

        await gate.ConnectionOpenedAsync(new NpgsqlConnection(), null!); // a connection opened: the server is back
        await other.WaitAsync(Bound);
        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound);
        Assert.False(gate.Failing);
    }

    // Guards against a gate shut for good by an opening whose end EF Core never reported.
    [Fact]
    public async Task A_turn_held_past_its_limit_is_taken_over()
    {
        var gate = new ConnectionOpeningGate(TurnLimit);
        gate.Failed(new NpgsqlConnection(), ServerGone());
        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound); // takes the turn and never reports

        var started = global::System.Diagnostics.Stopwatch.StartNew();
        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound);

        Assert.True(started.Elapsed >= TurnLimit - TimeSpan.FromMilliseconds(50), $"Took over after {started.Elapsed.TotalMilliseconds:0} ms.");
    }

    // Guards against a gate shut for good on a replica whose openings stopped failing without one succeeding: measured as
    // a third of the orders repeated after a thaw answered 503 while waiting for a turn.
    [Fact]
    public async Task The_gate_opens_when_no_failure_has_been_seen_for_the_turn_limit()
    {
        var gate = new ConnectionOpeningGate(TurnLimit);
        gate.Failed(new NpgsqlConnection(), ServerGone());
        Assert.True(gate.Failing);

        await Poll.UntilAsync(() => Task.FromResult(!gate.Failing), Bound, "the gate open again");

        await Task.WhenAll(Opening(gate, new NpgsqlConnection()), Opening(gate, new NpgsqlConnection())).WaitAsync(Bound);
    }

    // Guards against a burst of new connections after a restart, some timing out while others open, being served one at
    // a time: the kill test's orders then ran out of time.
    [Fact]
    public async Task A_timeout_while_connections_open_does_not_shut_the_gate()
    {
        var gate = new ConnectionOpeningGate(TimeSpan.FromSeconds(30));
        await gate.ConnectionOpenedAsync(new NpgsqlConnection(), null!);

        gate.Failed(new NpgsqlConnection(), ServerGone());

        Assert.False(gate.Failing);
    }

    // Guards against a try that waits for its turn past its unit of work's time.
    [Fact]
    public async Task A_wait_for_the_turn_ends_with_its_cancellation()
    {
        var gate = new ConnectionOpeningGate(TimeSpan.FromSeconds(30));
        gate.Failed(new NpgsqlConnection(), ServerGone());
        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound);
        using var cancel = new CancellationTokenSource(Waited);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Opening(gate, new NpgsqlConnection(), cancel.Token).WaitAsync(Bound));
    }

    // Guards against a burst of orders, which fills a replica's own pool, being served one connection at a time, and
    // against a server that is down or starting (refused at once, nothing left queued) slowing the recovery from a crash.
    [Fact]
    public void Only_a_server_that_stopped_answering_shuts_the_gate()
    {
        Assert.True(ConnectionOpeningGate.MeansTheServerTakesNoConnections(ServerGone()));
        Assert.True(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new NpgsqlException("Timeout during connection attempt", new TimeoutException())));
        Assert.False(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new NpgsqlException("Failed to connect", new global::System.Net.Sockets.SocketException(111))));
        Assert.False(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03")));
        Assert.False(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new NpgsqlException(
            "The connection pool has been exhausted, either raise 'Max Pool Size' (currently 20) or 'Timeout' (currently 1 seconds) in your connection string.", new TimeoutException())));
        Assert.False(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new OperationCanceledException()));
    }

    private static Task<InterceptionResult> Opening(ConnectionOpeningGate gate, NpgsqlConnection connection, CancellationToken cancellationToken = default) =>
        gate.ConnectionOpeningAsync(connection, null!, default, cancellationToken).AsTask();
}
