using HaSystem.ApiService.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace HaSystem.ApiService.Tests;

/// <summary>
/// The gate on opening connections to the catalog database: free while the server takes connections, a few at a time
/// once it failed to (half as many after each failure, one more after each success), free again once it has not failed
/// for the turn limit. Its events are called as EF Core calls
/// them; no server is needed.
/// </summary>
public sealed class ConnectionOpeningGateTests
{
    private const int AtOnce = 2;
    private static readonly TimeSpan TurnLimit = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Waited = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private static NpgsqlException ServerGone() => new("Exception while reading from stream", new TimeoutException());

    private static NpgsqlException Refused() => new("Failed to connect to 127.0.0.1:5432", new global::System.Net.Sockets.SocketException(111));

    // Guards against a healthy replica's connections queueing behind one another.
    [Fact]
    public async Task Connections_open_side_by_side_while_none_has_failed()
    {
        var gate = new ConnectionOpeningGate(AtOnce, TurnLimit);

        await Task.WhenAll(Enumerable.Range(0, AtOnce + 2).Select(_ => Opening(gate, new NpgsqlConnection()))).WaitAsync(Bound);

        Assert.False(gate.Failing);
    }

    // Guards against the two storms of connections: after a frozen server's thaw (every try of every request opening a
    // connection of its own, each given up at its connect timeout and left in the server's accept queue) and after a
    // restart (every waiting request's connection started at once, all slower than the connect timeout).
    [Fact]
    public async Task After_a_failure_only_a_few_connections_open_at_a_time_and_a_turn_passes_on_as_one_ends()
    {
        var gate = new ConnectionOpeningGate(AtOnce, TimeSpan.FromSeconds(30));
        gate.Failed(new NpgsqlConnection(), Refused());
        var first = new NpgsqlConnection();
        await Task.WhenAll(Opening(gate, first), Opening(gate, new NpgsqlConnection())).WaitAsync(Bound);

        var waiting = Opening(gate, new NpgsqlConnection());
        Assert.NotSame(waiting, await Task.WhenAny(waiting, Task.Delay(Waited)));

        await gate.ConnectionOpenedAsync(first, null!); // a turn ends: the next opening takes it at once
        await waiting.WaitAsync(TimeSpan.FromMilliseconds(50));
        Assert.True(gate.Failing, "A connection that opened while a restarted server failed others opened the gate.");
    }

    // Guards against turns given to the tries about to run out of time while fresh ones wait (first come, first served:
    // the first order after a 12 s freeze came 3.4-4.1 s after the thaw).
    [Fact]
    public async Task The_newest_waiting_opening_takes_the_next_turn()
    {
        var gate = new ConnectionOpeningGate(1, TimeSpan.FromSeconds(30));
        gate.Failed(new NpgsqlConnection(), Refused());
        var holder = new NpgsqlConnection();
        await Opening(gate, holder).WaitAsync(Bound);
        var older = Opening(gate, new NpgsqlConnection()); // each takes its place in line before it first awaits
        var newer = Opening(gate, new NpgsqlConnection());

        gate.Failed(holder, Refused());

        await newer.WaitAsync(Bound);
        Assert.NotSame(older, await Task.WhenAny(older, Task.Delay(Waited)));
    }

    // Guards against the orders sent at a kill -9 starving behind newer ones while the restarted server took connections
    // slowly (one core busy: newest first, they waited until their time ran out), and against turns going to tries about
    // to run out of time (first come, first served: the first order after a 12 s freeze came 3.4-4.1 s after the thaw).
    [Fact]
    public async Task The_turn_goes_to_the_opening_that_stops_first_among_those_that_can_still_use_it()
    {
        long? stop = null;
        using var gate = new ConnectionOpeningGate(1, TimeSpan.FromSeconds(2), stopOfCallingUnit: () => stop);
        gate.Failed(new NpgsqlConnection(), Refused());
        var holder = new NpgsqlConnection();
        await Opening(gate, holder).WaitAsync(Bound);
        var now = global::System.Diagnostics.Stopwatch.GetTimestamp();
        var second = global::System.Diagnostics.Stopwatch.Frequency;
        stop = now + (3 * second);
        var older = Opening(gate, new NpgsqlConnection());
        stop = now + (5 * second);
        var newer = Opening(gate, new NpgsqlConnection());
        stop = now + (second / 5);
        var nearlyOut = Opening(gate, new NpgsqlConnection());

        gate.Failed(holder, Refused()); // the turn passes on

        await older.WaitAsync(Bound);
        Assert.NotSame(newer, await Task.WhenAny(newer, nearlyOut, Task.Delay(Waited)));
        Assert.False(nearlyOut.IsCompleted);
    }

    // Guards against a thawed replica's orders held behind the limit once its server answers again: the queue its
    // freeze left is behind the first connection that opens (a limit that stayed: the first order 3.1-3.9 s after the thaw).
    [Fact]
    public async Task The_first_connection_that_opens_after_the_server_stood_still_opens_the_gate()
    {
        var gate = new ConnectionOpeningGate(1, TimeSpan.FromSeconds(30));
        gate.Failed(new NpgsqlConnection(), ServerGone());
        var first = new NpgsqlConnection();
        await Opening(gate, first).WaitAsync(Bound);
        var waiting = Opening(gate, new NpgsqlConnection());

        await gate.ConnectionOpenedAsync(first, null!);

        Assert.False(gate.Failing);
        await waiting.WaitAsync(Bound);
    }

    // Guards against a frozen server's accept queue filling with connections given up at the connect timeout, one a second
    // per replica while a turn at a time was handed out: the thawed server served them all before anything new, and with
    // one core busy the first order came 3.5-4.4 s after a 12 s freeze's thaw. With a probe, no opening reaches such a
    // server; when the probe's connection, waiting in the queue, is answered, the openings take turns as after a restart
    // (all of them at once took over the connect timeout with one core busy, and stood the server still again).
    [Fact]
    public async Task While_the_server_stands_still_only_the_probe_waits_on_it_and_its_answer_hands_out_turns()
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probes = 0;
        using var gate = new ConnectionOpeningGate(2, TurnLimit, _ => { Interlocked.Increment(ref probes); return answer.Task; });

        gate.Failed(new NpgsqlConnection(), ServerGone());
        var waiting = Opening(gate, new NpgsqlConnection());
        await Task.Delay(TurnLimit * 2); // past the turn limit: without the probe, the gate would have opened

        Assert.NotSame(waiting, await Task.WhenAny(waiting, Task.Delay(Waited)));
        await gate.ConnectionOpenedAsync(new NpgsqlConnection(), null!); // served by the pool: says nothing of the server
        Assert.True(gate.Failing);
        gate.Failed(new NpgsqlConnection(), ServerGone()); // a command on a pooled connection timed out
        Assert.Equal(1, Volatile.Read(ref probes));

        answer.SetResult(); // the server answers: the openings take turns, one more with each that opens
        await waiting.WaitAsync(Bound);
        Assert.Equal(2, gate.Limit);
        await gate.ConnectionOpenedAsync(new NpgsqlConnection(), null!);
        Assert.Equal(3, gate.Limit);
    }

    // Guards against the openings let through while the thawed server still serves what its queue held behind the probe
    // (cancel requests): with one core busy they timed out there and orders sent 3.5 s after the thaw failed. A late
    // answer sends the probe again, to the end of the queue.
    [Fact]
    public async Task A_late_answer_sends_the_probe_again_before_the_openings_take_turns()
    {
        var probes = 0;
        using var gate = new ConnectionOpeningGate(1, TimeSpan.FromSeconds(30), cancellationToken =>
            Interlocked.Increment(ref probes) == 1 ? Task.Delay(ConnectionOpeningGate.RecentOpening * 2, cancellationToken) : Task.CompletedTask);

        gate.Failed(new NpgsqlConnection(), ServerGone());

        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound);
        Assert.Equal(2, Volatile.Read(ref probes));
    }

    // Guards against a probe given up once and never sent again (the replica's openings then waited for nothing), and
    // against a server restarted while it stood still: it refuses at once, and the openings take turns again.
    [Fact]
    public async Task A_probe_that_times_out_is_sent_again_and_a_refusal_hands_the_openings_turns()
    {
        var probes = 0;
        using var gate = new ConnectionOpeningGate(1, TimeSpan.FromSeconds(30), _ =>
            Interlocked.Increment(ref probes) < 3 ? Task.FromException(ServerGone()) : Task.FromException(Refused()));

        gate.Failed(new NpgsqlConnection(), ServerGone());

        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound); // a turn, once the probe was refused
        Assert.Equal(3, Volatile.Read(ref probes));
        Assert.True(gate.Failing);
        var next = Opening(gate, new NpgsqlConnection());
        Assert.NotSame(next, await Task.WhenAny(next, Task.Delay(Waited))); // one at a time, as after a restart
    }

    // Guards against a burst of new connections after a restart, some timing out while others open, being held behind
    // the gate: the kill test's orders then ran out of time.
    [Fact]
    public async Task A_timeout_while_connections_open_does_not_shut_the_gate()
    {
        var gate = new ConnectionOpeningGate(1, TimeSpan.FromSeconds(30));
        await gate.ConnectionOpenedAsync(new NpgsqlConnection(), null!);

        gate.Failed(new NpgsqlConnection(), ServerGone());

        Assert.False(gate.Failing);
    }

    // Guards against the storm after a restart (every waiting request's connection started at once) coming back as the
    // restarted server takes connections, and against the limit staying low once it takes them.
    [Fact]
    public async Task The_limit_halves_with_each_failure_and_grows_with_each_connection_that_opens()
    {
        var gate = new ConnectionOpeningGate(4, TimeSpan.FromSeconds(30));
        gate.Failed(new NpgsqlConnection(), Refused());
        Assert.Equal(4, gate.Limit);

        gate.Failed(new NpgsqlConnection(), ServerGone());
        gate.Failed(new NpgsqlConnection(), ServerGone());
        gate.Failed(new NpgsqlConnection(), ServerGone());
        Assert.Equal(1, gate.Limit);

        for (var i = 0; i < 5; i++)
        {
            var connection = new NpgsqlConnection();
            await Opening(gate, connection).WaitAsync(Bound);
            await gate.ConnectionOpenedAsync(connection, null!);
        }

        Assert.Equal(6, gate.Limit);
        Assert.True(gate.Failing);
    }

    // Guards against a thawed replica's pooled connections waiting behind new ones stuck in the server's accept queue:
    // an opening the pool serves adds nothing to that queue.
    [Fact]
    public async Task An_opening_the_pool_serves_needs_no_turn()
    {
        var gate = new ConnectionOpeningGate(1, TimeSpan.FromSeconds(30));
        gate.Failed(new NpgsqlConnection(), ServerGone());
        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound); // holds the only turn, stuck in the queue

        await gate.ConnectionClosingAsync(new PooledConnection(), null!, default); // one goes back to the pool healthy
        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound); // takes it, without a turn

        var next = Opening(gate, new NpgsqlConnection()); // none left in the pool: waits for the turn
        Assert.NotSame(next, await Task.WhenAny(next, Task.Delay(Waited)));
    }

    // Guards against a gate shut for good by openings whose end EF Core never reported.
    [Fact]
    public async Task A_turn_held_past_its_limit_is_taken_over()
    {
        var gate = new ConnectionOpeningGate(1, TimeSpan.FromSeconds(1));
        gate.Failed(new NpgsqlConnection(), ServerGone());
        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound); // takes the turn and never reports

        var started = global::System.Diagnostics.Stopwatch.StartNew();
        var next = Opening(gate, new NpgsqlConnection());
        while (!next.IsCompleted && started.Elapsed < Bound)
        {
            gate.Failed(new NpgsqlConnection(), ServerGone()); // the server still fails: the gate stays shut
            await Task.WhenAny(next, Task.Delay(100));
        }

        await next.WaitAsync(Bound);
        Assert.True(gate.Failing);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(900), $"Took over after {started.Elapsed.TotalMilliseconds:0} ms.");
    }

    // Guards against a gate shut for good on a replica whose openings stopped failing without one succeeding: measured as
    // a third of the orders repeated after a thaw answered 503 while waiting for a turn.
    [Fact]
    public async Task The_gate_opens_when_no_failure_has_been_seen_for_the_turn_limit()
    {
        var gate = new ConnectionOpeningGate(1, TurnLimit);
        gate.Failed(new NpgsqlConnection(), ServerGone());
        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound); // holds the only turn
        Assert.True(gate.Failing);

        await Poll.UntilAsync(() => Task.FromResult(!gate.Failing), Bound, "the gate open again");

        await Task.WhenAll(Opening(gate, new NpgsqlConnection()), Opening(gate, new NpgsqlConnection())).WaitAsync(Bound);
    }

    // Guards against a try that waits for its turn past its unit of work's time.
    [Fact]
    public async Task A_wait_for_a_turn_ends_with_its_cancellation()
    {
        var gate = new ConnectionOpeningGate(1, TimeSpan.FromSeconds(30));
        gate.Failed(new NpgsqlConnection(), ServerGone());
        await Opening(gate, new NpgsqlConnection()).WaitAsync(Bound);
        using var cancel = new CancellationTokenSource(Waited);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Opening(gate, new NpgsqlConnection(), cancel.Token).WaitAsync(Bound));
    }

    // Guards against a burst of orders, which fills a replica's own pool, being served a few connections at a time, and
    // against a failure of the server (frozen, down, starting) leaving the gate open.
    [Fact]
    public void Only_a_failure_of_the_server_shuts_the_gate()
    {
        Assert.True(ConnectionOpeningGate.MeansTheServerTakesNoConnections(ServerGone()));
        Assert.True(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new NpgsqlException("Timeout during connection attempt", new TimeoutException())));
        Assert.True(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new NpgsqlException("Failed to connect", new global::System.Net.Sockets.SocketException(111))));
        Assert.True(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03")));
        Assert.False(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new PostgresException("password authentication failed", "FATAL", "FATAL", "28P01")));
        Assert.False(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new NpgsqlException(
            "The connection pool has been exhausted, either raise 'Max Pool Size' (currently 20) or 'Timeout' (currently 1 seconds) in your connection string.", new TimeoutException())));
        Assert.False(ConnectionOpeningGate.MeansTheServerTakesNoConnections(new OperationCanceledException()));
    }

    /// <summary>An open connection as EF Core closes it: no server is needed to see it go back to the pool.</summary>
    private sealed class PooledConnection : System.Data.Common.DbConnection
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string ConnectionString { get; set; } = "";

        public override string Database => "catalog";

        public override string DataSource => "127.0.0.1";

        public override string ServerVersion => "15";

        public override System.Data.ConnectionState State => System.Data.ConnectionState.Open;

        public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

        public override void Close()
        {
        }

        public override void Open() => throw new NotSupportedException();

        protected override System.Data.Common.DbTransaction BeginDbTransaction(System.Data.IsolationLevel isolationLevel) => throw new NotSupportedException();

        protected override System.Data.Common.DbCommand CreateDbCommand() => throw new NotSupportedException();
    }

    private static Task<InterceptionResult> Opening(ConnectionOpeningGate gate, NpgsqlConnection connection, CancellationToken cancellationToken = default) =>
        gate.ConnectionOpeningAsync(connection, null!, default, cancellationToken).AsTask();
}
