using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using HaSystem.Contracts.Http;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Storage;

/// <summary>
/// The catalog's PostgreSQL server stopped (a fast shutdown, as <c>pg_ctl stop -m fast</c> does) and started again with
/// the AppHost's Start command, or killed and started again by the AppHost itself, while orders are placed: an order
/// waits for the server within the API's retry deadline, or is answered 503 with <c>Retry-After</c>; none is lost or
/// placed twice. Each test leaves the server running.
/// </summary>
[Collection(PostgresSystem.Name)]
public sealed class PostgresRestartTests(PostgresSystemFixture fixture, ITestOutputHelper output)
{
    /// <summary>The API's <c>Catalog:Database:RetryDeadline</c> (its default): a request's work on the database has ended by then.</summary>
    private static readonly TimeSpan RetryDeadline = TimeSpan.FromSeconds(8);

    /// <summary>How much earlier the API stops trying: its <c>CancellationAllowance</c> with <c>ConnectTimeout</c> 1 s.</summary>
    private static readonly TimeSpan CancellationAllowance = TimeSpan.FromSeconds(2.5);

    /// <summary>How soon after a frozen server is thawed orders succeed again, whatever the freeze's length.</summary>
    private static readonly TimeSpan BackAfterThaw = TimeSpan.FromSeconds(2);

    /// <summary>What a loaded 2-core machine adds to the API's own timing: HTTP, scheduling.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);

    private HaSystemApp System => fixture.System;

    private LocalPostgresServerResource Server => System.Resource<LocalPostgresServerResource>("postgres");

    // Guards against orders failing while the database restarts (Npgsql's default retry: six tries up to 30 s apart;
    // no retry of a transaction as a whole; a pooled connection broken by the restart; sessions ended with 57P01, which
    // Npgsql does not count as transient; raw SQL run outside the retry), and against a retry that places or charges an
    // order twice (a commit that went through but whose answer was lost). The restart is the server's own, by its
    // keeper (a fast shutdown, then a start, as pg_ctl restart does): through the AppHost's Stop and Start the server
    // was down 2.2-7.8 s, most of it DCP seeing the process exit and starting it again, and 27 orders of an idle run
    // failed. The dashboard's Stop, and an order past the deadline, are tested below.
    [Fact(Timeout = 300_000)]
    public Task Orders_ride_through_a_restart_of_postgres_and_none_is_lost_or_placed_twice() =>
        RideThroughAsync("restart", async (traffic, restartedAt) =>
        {
            var restarts = Restarts();
            var previous = Postmaster();
            var instance = System.InstancesOf(Server).Single();
            Signals.RequestRestart(System.ProcessIdOf(Server)); // its keeper: pg_ctl restart -m fast
            output.WriteLine($"{restartedAt.TotalSeconds:0.00} s: SIGUSR1 to the keeper of postgres");
            await Poll.UntilAsync("postgres restarted by its keeper, ready, Running and Healthy", TimeSpan.FromSeconds(60),
                _ => Task.FromResult(AnotherServerIsReady(previous) && Restarts() > restarts && System.IsRunningAndHealthy(instance)),
                () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(50));
        });

    // Guards against a crashed server staying down (nobody starting it again), or coming back late (started again
    // through the AppHost, it took connections 2.3-3.8 s after the kill, and up to 62 orders failed with one core busy;
    // its keeper starts it at once), and against orders lost in the crash:
    // an order the API acknowledged was committed, and a commit survives the crash (the server replays its WAL).
    [Fact(Timeout = 300_000)]
    public Task Orders_ride_through_a_kill_of_postgres_which_the_AppHost_starts_again() =>
        RideThroughAsync("kill", async (traffic, killedAt) =>
        {
            var restarts = Restarts();
            var killed = Postmaster();
            Signals.KillNow(killed);
            output.WriteLine($"{killedAt.TotalSeconds:0.00} s: kill -9 postgres");
            var instance = System.InstancesOf(Server).Single();
            // Ready by the new server's own word (its health check may not have seen it go), and counted.
            await Poll.UntilAsync("postgres started again by its keeper, ready, Running and Healthy", TimeSpan.FromSeconds(60),
                _ => Task.FromResult(AnotherServerIsReady(killed) && Restarts() > restarts && System.IsRunningAndHealthy(instance)),
                () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(50));
        });

    // Guards against a server left down when its keeper dies (the AppHost's supervisor starts the keeper again), and
    // against one left running without its keeper (it would hold the port and the data directory from the next start).
    [Fact(Timeout = 180_000)]
    public async Task A_killed_keeper_takes_its_server_with_it_and_the_AppHost_starts_both_again()
    {
        await fixture.WaitUntilHealedAsync();
        var keeper = System.ProcessIdOf(Server);
        var server = Postmaster();
        var restarts = Restarts();
        var instance = System.InstancesOf(Server).Single();

        Signals.KillNow(keeper);

        await Poll.UntilAsync($"the server (pid {server}) gone with its keeper", TimeSpan.FromSeconds(10),
            _ => Task.FromResult(!File.Exists($"/proc/{server}/stat") || File.ReadAllText($"/proc/{server}/stat").Contains(") Z ", StringComparison.Ordinal)),
            () => System.Tracker.Describe());
        await Poll.UntilAsync("postgres started again by the AppHost, Running and Healthy", TimeSpan.FromSeconds(60),
            _ => Task.FromResult(Restarts() > restarts && System.IsRunningAndHealthy(instance) && System.ProcessIdOf(Server) != keeper),
            () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
        Assert.NotEqual(server, Postmaster());
    }

    // Guards against what a server that stops answering without closing its sockets (frozen, or cut off) must not do
    // to orders: hold them past the deadline (Npgsql defers cancelling a command sent after a BEGIN or a connection's
    // reset, so only its command timeout ends it, and then its cancel request waits for the connect timeout: before the
    // API allowed for both, 4 to 22 orders per run were still unanswered at the client's 10 s), answer them with
    // anything but a 503 (a 500, a stack trace), or lose or double one. Each failed order's repeat with its key, once
    // the server is back, places it once.
    [Fact(Timeout = 300_000)]
    public async Task Orders_held_by_a_frozen_postgres_fail_cleanly_and_their_repeats_place_them_once()
    {
        await fixture.WaitUntilHealedAsync();
        await using var traffic = await UserTraffic.StartAsync(System, fixture.Api);
        await traffic.WaitForSuccessesAfterAsync(TimeSpan.Zero, 20, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());

        var server = Postmaster();
        int[] family = [server, .. ProcessTree.ChildrenOf(server)]; // the server and its sessions: all of PostgreSQL stands still
        var frozenAt = traffic.Clock.Now;
        foreach (var pid in family)
        {
            Signals.Pause(pid);
        }

        TimeSpan thawedAt;
        try
        {
            output.WriteLine($"{frozenAt.TotalSeconds:0.00} s: SIGSTOP postgres and its {family.Length - 1} sessions");
            await Task.Delay(TimeSpan.FromSeconds(12)); // the fault itself: a stall longer than the retry deadline
        }
        finally
        {
            foreach (var pid in family)
            {
                Signals.Resume(pid);
            }

            thawedAt = traffic.Clock.Now;
        }

        await traffic.WaitForSuccessesAfterAsync(thawedAt + BackAfterThaw, 10, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());
        await traffic.StopAsync();
        output.WriteLine(traffic.Describe());

        // Back within 2 s of the thaw (and what a loaded 2-core machine adds): the first success after it comes by then, and
        // no order sent from then on fails. Guards against the connection storm that held orders for over a minute after a
        // 12 s freeze: the server's accept queue full of connections the replicas had given up on, each forked in turn
        // while the new ones timed out behind them (ConnectionOpeningGate). What remains is the queue left by the freeze.
        var back = BackAfterThaw + Slack;
        var firstAfterThaw = traffic.Orders.Where(s => s.Outcome.Succeeded && s.Completed > thawedAt).Select(s => s.Completed - thawedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        var failedAfterThaw = traffic.Orders.Where(s => s.Sent >= thawedAt + back && !s.Outcome.Succeeded).ToList();
        Measurements.Record(output, "postgres.freeze.first_order_after_thaw", firstAfterThaw.TotalSeconds, "s");
        Assert.True(firstAfterThaw <= back, $"The first order succeeded {firstAfterThaw.TotalSeconds:0.00} s after the thaw.\n{traffic.Describe()}");
        Assert.True(failedAfterThaw.Count == 0, $"{failedAfterThaw.Count} orders sent {back.TotalSeconds:0.#} s or more after the thaw failed.\n{traffic.Describe()}");

        var failed = traffic.Orders.Where(s => !s.Outcome.Succeeded).ToList();
        var slowest = traffic.Orders.Select(s => s.Completed - s.Sent).DefaultIfEmpty().Max();
        Measurements.Record(output, "postgres.freeze.orders_answered_503", failed.Count(s => s.Outcome.Label == "503"), "orders");
        Measurements.Record(output, "postgres.freeze.slowest_order", slowest.TotalSeconds, "s");
        var otherwise = failed.Where(s => s.Outcome.Label != "503").Select(s => $"  due {s.Intended.TotalSeconds:0.00} s, answered {s.Completed.TotalSeconds:0.00} s: {s.Outcome.Label}");
        Assert.True(failed.All(s => s.Outcome.Label == "503"),
            $"Orders failed otherwise than 503:\n{string.Join('\n', otherwise)}\n{traffic.Describe()}\nThe API's warnings:\n{string.Join('\n', ApiWarnings())}");
        Assert.True(slowest < RetryDeadline + Slack, $"An order was answered after {slowest.TotalSeconds:0.00} s, past the {RetryDeadline.TotalSeconds} s deadline.\n{traffic.Describe()}");

        var repeats = await traffic.RepeatFailedOrdersAsync();
        Assert.All(repeats, r => Assert.True(r.Succeeded, r.Label));
        var ledger = await OrderLedger.ReadAsync(System, traffic.KeyPrefix, traffic.AcknowledgedOrders);
        output.WriteLine($"after {repeats.Count} repeats, ledger: {ledger}");
        Assert.True(ledger.Holds, $"The ledger does not hold: {ledger}");
        Assert.Equal(traffic.Orders.Count, ledger.Stored);
    }

    // Guards against an order that hangs while the database is down (or fails with a 500), against a server stopped
    // from the dashboard being started again behind the operator's back, and against the order's repeat
    // (the client's retry, with the same key, once the server is back) charging it twice or being refused.
    [Fact(Timeout = 180_000)]
    public async Task An_order_past_the_retry_deadline_is_answered_503_with_Retry_After_and_its_repeat_places_it_once()
    {
        await fixture.WaitUntilHealedAsync();
        var key = $"pg-down-{Guid.NewGuid():N}";
        await fixture.Api.TokenAsync("user@acme"); // signing in reads the database: done while it is up (the token is kept)
        (HttpStatusCode Status, string Body, string? RetryAfter, string? ContentType) outage;
        var waited = Stopwatch.StartNew();
        var stillStopped = false;
        try
        {
            // The dashboard's Stop: DCP's SIGTERM, which the server's keeper hands on as a fast shutdown (PostgreSQL's
            // own smart shutdown waits for the API's pooled sessions to end, and DCP killed the server after 9-12 s).
            var stopping = Stopwatch.StartNew();
            await System.ExecuteAsync(Server, KnownResourceCommands.StopCommand);
            await System.WaitForStoppedAsync(Server, TimeSpan.FromSeconds(30));
            Measurements.Record(output, "postgres.dashboard_stop.took", stopping.Elapsed.TotalSeconds, "s");
            waited.Restart();
            outage = await PlaceAsync(key);
            waited.Stop();
            stillStopped = System.Tracker.Latest.TryGetValue(System.InstancesOf(Server).Single(), out var latest)
                && KnownResourceStates.TerminalStates.Contains(latest.Snapshot.State?.Text);
        }
        finally
        {
            await StartServerAsync();
        }

        output.WriteLine($"while down: {(int)outage.Status} after {waited.Elapsed.TotalSeconds:0.00} s, Retry-After {outage.RetryAfter}: {outage.Body}");
        Measurements.Record(output, "postgres.down.order_answered_after", waited.Elapsed.TotalSeconds, "s");
        Assert.True(stillStopped, "The AppHost started a server that was stopped on purpose.");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, outage.Status);
        Assert.Equal("application/problem+json", outage.ContentType);
        Assert.False(string.IsNullOrEmpty(outage.RetryAfter), "No Retry-After.");
        Assert.DoesNotContain("   at ", outage.Body, StringComparison.Ordinal); // no stack trace
        Assert.True(waited.Elapsed >= RetryDeadline - CancellationAllowance - TimeSpan.FromSeconds(1) && waited.Elapsed < RetryDeadline + Slack,
            $"Answered after {waited.Elapsed.TotalSeconds:0.00} s, not at the {RetryDeadline.TotalSeconds} s retry deadline.");

        var repeat = await PlaceAsync(key);
        Assert.True(repeat.Status == HttpStatusCode.Created, $"{(int)repeat.Status}: {repeat.Body}");
        Assert.Equal(1, await System.CountSqlAsync("catalog", $"""SELECT COUNT(*) FROM "Orders" WHERE "IdempotencyKey" = '{key}'"""));
        Assert.Equal(1, await System.CountSqlAsync("catalog", $"""SELECT COUNT(*) FROM "PaymentCharges" WHERE "Reference" = 'order:{key}'"""));
    }

    // The exceptions the API replicas answered requests with, each with the lines that follow it (message, stack).
    private IEnumerable<string> ApiWarnings()
    {
        var lines = System.Tracker.LogLinesOf("apiservice", "");
        return lines.Select((line, i) => (line, i))
            .Where(l => l.line.Contains("ProblemExceptionHandler", StringComparison.Ordinal))
            .SelectMany(l => lines.Skip(l.i).Take(12))
            .Take(60);
    }

    // Orders at a fixed rate over every replica, each sent once; the fault; then every order must have succeeded and
    // the ledger must hold: each acknowledged order stored once, with one charge.
    private async Task RideThroughAsync(string figure, Func<UserTraffic, TimeSpan, Task> fault)
    {
        await fixture.WaitUntilHealedAsync();
        await using var traffic = await UserTraffic.StartAsync(System, fixture.Api);
        await traffic.WaitForSuccessesAfterAsync(TimeSpan.Zero, 20, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());

        var faultAt = traffic.Clock.Now;
        await fault(traffic, faultAt);
        var backAt = traffic.Clock.Now;
        output.WriteLine($"{backAt.TotalSeconds:0.00} s: postgres Running and Healthy again");
        await traffic.WaitForSuccessesAfterAsync(backAt + TimeSpan.FromSeconds(2), 10, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());
        await traffic.StopAsync();

        output.WriteLine(traffic.Describe());
        Measurements.Record(output, $"postgres.{figure}.database_down", (backAt - faultAt).TotalSeconds, "s");
        Measurements.Record(output, $"postgres.{figure}.orders_failed", traffic.Orders.Count(s => !s.Outcome.Succeeded), "orders");
        Measurements.Record(output, $"postgres.{figure}.longest_without_order", UserTraffic.LongestWithoutSuccess(traffic.Orders).TotalSeconds, "s");
        Measurements.Record(output, $"postgres.{figure}.order_p99", UserTraffic.P99Seconds(traffic.Orders), "s");
        Measurements.Record(output, $"postgres.{figure}.cart_writes_failed", traffic.CartWrites.Count(s => !s.Outcome.Succeeded), "writes");
        Assert.True(traffic.Orders.Count > 0 && traffic.Orders.All(s => s.Outcome.Succeeded),
            $"Orders failed.\n{traffic.Describe()}\nThe API's warnings:\n{string.Join('\n', ApiWarnings())}");

        var ledger = await OrderLedger.ReadAsync(System, traffic.KeyPrefix, traffic.AcknowledgedOrders);
        output.WriteLine($"ledger: {ledger}");
        Assert.True(ledger.Holds, $"The ledger does not hold: {ledger}");
        Assert.Equal(traffic.Orders.Count, ledger.Stored);
    }

    // The server's own process, which its keeper runs (the resource's process is the keeper): what a user signals.
    private int Postmaster() =>
        int.Parse(File.ReadLines(Path.Combine(Server.DataDirectory, "postmaster.pid")).First(), global::System.Globalization.CultureInfo.InvariantCulture);

    // postmaster.pid names the server's PID on its first line and its state on its eighth ("ready" once it takes connections).
    private bool AnotherServerIsReady(int previous)
    {
        try
        {
            var lines = File.ReadAllLines(Path.Combine(Server.DataDirectory, "postmaster.pid"));
            return lines.Length >= 8 && lines[0].Trim() != previous.ToString(global::System.Globalization.CultureInfo.InvariantCulture) && lines[7].Trim() == "ready";
        }
        catch (IOException)
        {
            return false; // between two servers: the file is gone or being written
        }
    }

    private int Restarts() =>
        int.TryParse(System.PropertyOf(Server, LocalPostgresServerResource.RestartsProperty), global::System.Globalization.CultureInfo.InvariantCulture, out var restarts) ? restarts : 0;

    private async Task StartServerAsync()
    {
        var instance = System.InstancesOf(Server).Single();
        if (System.Tracker.Latest.TryGetValue(instance, out var latest) && KnownResourceStates.TerminalStates.Contains(latest.Snapshot.State?.Text))
        {
            await System.ExecuteAsync(Server, KnownResourceCommands.StartCommand);
        }

        await Poll.UntilAsync("postgres Running and Healthy", TimeSpan.FromSeconds(60),
            _ => Task.FromResult(System.IsRunningAndHealthy(instance)), () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
    }

    private async Task<(HttpStatusCode Status, string Body, string? RetryAfter, string? ContentType)> PlaceAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { productId = 7, quantity = 1 } } }),
        };
        request.Headers.Add(ApiHeaders.IdempotencyKey, key);
        request.Headers.Authorization = new("Bearer", await fixture.Api.TokenAsync("user@acme"));
        using var http = new HttpClient { BaseAddress = fixture.Api.ProxyAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.ToString(), response.Content.Headers.ContentType?.MediaType);
    }
}
