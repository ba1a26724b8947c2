using System.Diagnostics;
using System.Globalization;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Coordination;

/// <summary>
/// The promise on the path users take: orders placed at a fixed rate over every API replica (each sent once, no client
/// retry) and cart changes through the shop keep succeeding while the <c>state</c> primary is killed, frozen, or failed
/// over ten times in a row. Each test leaves the topology healed (the AppHost restarts what died), so they share one system.
/// </summary>
[Collection(HealingSystem.Name)]
public sealed class OrdersThroughStateFailoverTests(HealingSystemFixture fixture, ITestOutputHelper output)
{
    /// <summary>The issue's figure: after the Sentinels promote a node, orders succeed again within 3 s.</summary>
    private static readonly TimeSpan FirstOrderAfterPromotion = TimeSpan.FromSeconds(3);

    /// <summary>Sentinel's own spacing of failovers of one group (2 × failover-timeout, 4 s here), with a margin.</summary>
    private static readonly TimeSpan FailoverSpacing = TimeSpan.FromSeconds(8);

    private HaSystemApp System => fixture.System;

    // Guards against orders and cart writes failing while the Sentinels replace a dead primary (a lock that gives up
    // at the first error, a breaker opened by the failover's burst of errors), against double charges and lost
    // orders, and against a killed node that never comes back.
    [Fact(Timeout = 300_000)]
    public async Task Orders_and_cart_writes_ride_through_a_kill_of_the_state_primary()
    {
        await fixture.WaitUntilHealedAsync();
        await using var traffic = await UserTraffic.StartAsync(System, fixture.Api);
        await traffic.WaitForSuccessesAfterAsync(TimeSpan.Zero, 20, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());

        var primary = System.PrimaryOf("state");
        var restartsBefore = System.RestartsOf(primary);
        var faultAt = traffic.Clock.Now;
        Signals.KillNow(System.ProcessIdOf(primary));
        output.WriteLine($"{faultAt.TotalSeconds:0.00} s: kill -9 {primary.Name}");

        var back = await Poll.UntilAsync($"{primary.Name} back as a linked replica, by itself", TimeSpan.FromSeconds(60),
            async _ => await System.IsLinkedReplicaAsync(primary) ? (object)traffic.Clock.Now : null, () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
        Measurements.Record(output, "failover.state_kill.killed_primary_back_as_replica", ((TimeSpan)back - faultAt).TotalSeconds, "s");
        await traffic.WaitForSuccessesAfterAsync((TimeSpan)back + TimeSpan.FromSeconds(2), 10, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());
        await traffic.StopAsync();

        await AssertUsersSawNoFailureAsync(traffic, "state_kill", [faultAt]);
        Assert.Equal(restartsBefore + 1, System.RestartsOf(primary));
    }

    // Guards against the 20 s outage of a frozen primary (calls that wait on a dead connection, a breaker that opens)
    // and against split brain when it thaws: it must not take writes meant for the promoted node, and must turn into
    // a replica of it at once, not ~10 s later when the Sentinels would next look.
    [Fact(Timeout = 300_000)]
    public async Task Orders_and_cart_writes_ride_through_a_10_s_pause_of_the_state_primary_and_it_rejoins_as_a_replica()
    {
        await fixture.WaitUntilHealedAsync();
        await using var traffic = await UserTraffic.StartAsync(System, fixture.Api);
        await traffic.WaitForSuccessesAfterAsync(TimeSpan.Zero, 20, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());

        var primary = System.PrimaryOf("state");
        var pid = System.ProcessIdOf(primary);
        var faultAt = traffic.Clock.Now;
        Signals.Pause(pid);
        TimeSpan resumedAt;
        try
        {
            output.WriteLine($"{faultAt.TotalSeconds:0.00} s: SIGSTOP {primary.Name}");
            await Task.Delay(TimeSpan.FromSeconds(10)); // the fault itself: a 10 s stall, as a long GC pause or a VM freeze
        }
        finally
        {
            Signals.Resume(pid);
            resumedAt = traffic.Clock.Now;
        }

        output.WriteLine($"{resumedAt.TotalSeconds:0.00} s: SIGCONT {primary.Name}");
        await Poll.UntilAsync($"{primary.Name} a linked replica after it thawed", TimeSpan.FromSeconds(30),
            async _ => await System.IsLinkedReplicaAsync(primary), () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
        Measurements.Record(output, "failover.state_pause.thawed_primary_to_replica", (traffic.Clock.Now - resumedAt).TotalSeconds, "s");
        await traffic.WaitForSuccessesAfterAsync(traffic.Clock.Now + TimeSpan.FromSeconds(2), 10, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());
        await traffic.StopAsync();

        await AssertUsersSawNoFailureAsync(traffic, "state_pause", [faultAt, resumedAt]);
    }

    // Guards against the failovers that took 10 s (a client that sticks to a thawed old primary until the Sentinels
    // demote it) and against anything that degrades with repetition: tokens, breakers, connections, restarts.
    [Fact(Timeout = 600_000)]
    public async Task Orders_and_cart_writes_ride_through_ten_failovers_in_a_row()
    {
        const int failovers = 10;
        await fixture.WaitUntilHealedAsync();
        await using var traffic = await UserTraffic.StartAsync(System, fixture.Api);
        await traffic.WaitForSuccessesAfterAsync(TimeSpan.Zero, 20, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());

        var promotions = new List<TimeSpan>();
        var nodes = System.Resource<RedisMonitoredGroupResource>("state").Nodes;
        var ports = new Dictionary<int, RedisNodeResource>();
        foreach (var node in nodes)
        {
            ports[await System.PortOfAsync(node)] = node;
        }

        var lastPause = TimeSpan.MinValue;
        for (var i = 1; i <= failovers; i++)
        {
            // Sentinel starts no new failover of a group within 2 × failover-timeout (4 s) of its last one: a pause
            // sooner would stall for that long, which is Sentinel's rule, not what this test is about.
            var notBefore = lastPause == TimeSpan.MinValue ? TimeSpan.Zero : lastPause + FailoverSpacing;
            if (notBefore > traffic.Clock.Now)
            {
                await Task.Delay(notBefore - traffic.Clock.Now);
            }

            // The primary the Sentinels name (and that answers as one), not the dashboard's last reading.
            var primary = await Poll.UntilAsync("the Sentinels' primary answering as primary", TimeSpan.FromSeconds(30),
                async _ => await System.SentinelsPrimaryPortAsync("state") is { } named && ports.TryGetValue(named, out var node)
                    && !await System.IsLinkedReplicaAsync(node) ? node : null, () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
            var port = await System.PortOfAsync(primary);
            var pid = System.ProcessIdOf(primary);
            var stopped = Stopwatch.StartNew();
            lastPause = traffic.Clock.Now;
            Signals.Pause(pid);
            try
            {
                await Poll.UntilAsync($"the Sentinels promoting a node other than {primary.Name}", TimeSpan.FromSeconds(30),
                    async _ => await System.SentinelsPrimaryPortAsync("state") is { } named && named != port, () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(50));
            }
            finally
            {
                Signals.Resume(pid);
            }

            promotions.Add(traffic.Clock.Now);
            output.WriteLine($"failover {i}: {primary.Name} paused at {lastPause.TotalSeconds:0.00} s, another node promoted {stopped.Elapsed.TotalSeconds:0.00} s later, then resumed");
            await Poll.UntilAsync($"{primary.Name} a linked replica again", TimeSpan.FromSeconds(30),
                async _ => await System.IsLinkedReplicaAsync(primary), () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
        }

        await traffic.WaitForSuccessesAfterAsync(traffic.Clock.Now + TimeSpan.FromSeconds(2), 10, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());
        await traffic.StopAsync();

        var afterPromotion = promotions.Select(traffic.FirstOrderSuccessAfter).ToArray();
        output.WriteLine($"first order after each promotion: {string.Join(", ", afterPromotion.Select(t => $"{t.TotalSeconds:0.00} s"))}");
        Measurements.Record(output, "failover.state_x10.worst_first_order_after_promotion", afterPromotion.Max().TotalSeconds, "s");
        await AssertUsersSawNoFailureAsync(traffic, "state_x10", promotions);
        Assert.All(afterPromotion, t => Assert.True(t <= FirstOrderAfterPromotion, $"An order first succeeded {t.TotalSeconds:0.00} s after a promotion (target {FirstOrderAfterPromotion.TotalSeconds} s)."));
    }

    // The web replicas' warnings and errors, each with the two lines that follow it (message, exception).
    private IEnumerable<string> ShopWarnings()
    {
        var lines = System.Tracker.LogLinesOf("webfrontend", "");
        return lines.Select((line, i) => (line, i))
            .Where(l => l.line.Contains("warn", StringComparison.Ordinal) || l.line.Contains("fail", StringComparison.Ordinal))
            .SelectMany(l => lines.Skip(l.i).Take(3))
            .TakeLast(90);
    }

    // Every order and cart write succeeded; the ledger is exact; every order placed after a fault carries a fencing
    // token above every one placed before it (a token lost with the old primary is never handed out again).
    private async Task AssertUsersSawNoFailureAsync(UserTraffic traffic, string figure, IReadOnlyList<TimeSpan> faults)
    {
        output.WriteLine(traffic.Describe());
        Measurements.Record(output, $"failover.{figure}.orders_failed", traffic.Orders.Count(s => !s.Outcome.Succeeded), "orders");
        Measurements.Record(output, $"failover.{figure}.cart_writes_failed", traffic.CartWrites.Count(s => !s.Outcome.Succeeded), "writes");
        Measurements.Record(output, $"failover.{figure}.longest_without_order", UserTraffic.LongestWithoutSuccess(traffic.Orders).TotalSeconds, "s");
        Measurements.Record(output, $"failover.{figure}.order_p99", UserTraffic.P99Seconds(traffic.Orders), "s");
        Assert.True(traffic.Orders.Count > 0 && traffic.Orders.All(s => s.Outcome.Succeeded), $"Orders failed.\n{traffic.Describe()}");
        Assert.True(traffic.CartWrites.Count > 0 && traffic.CartWrites.All(s => s.Outcome.Succeeded),
            $"Cart writes failed.\n{traffic.Describe()}\nThe shop's warnings:\n{string.Join('\n', ShopWarnings())}");

        // Each service did all this as its own Redis user, the replicas and Sentinels as theirs: not one command or key
        // was refused, on any node or Sentinel.
        var denials = await RedisAcl.DenialsAsync(System);
        Assert.True(denials.Count == 0, $"Redis refused a user:\n{string.Join('\n', denials)}");

        var ledger = await OrderLedger.ReadAsync(System, traffic.KeyPrefix, traffic.AcknowledgedOrders);
        output.WriteLine($"ledger: {ledger}");
        Assert.True(ledger.Holds, $"The ledger does not hold: {ledger}");
        Assert.Equal(traffic.Orders.Count, ledger.Stored);

        var tokens = await OrderLedger.TokensAsync(System, traffic.KeyPrefix);
        var sequenceOf = (string key) => long.Parse(key[traffic.KeyPrefix.Length..], CultureInfo.InvariantCulture);
        var dueAt = traffic.Orders.ToDictionary(s => s.Sequence, s => s.Intended);
        foreach (var fault in faults)
        {
            // Orders answered before the fault, against orders sent a second after it (all of them after the promotion's effects).
            var before = tokens.Where(t => traffic.Orders.Any(s => s.Sequence == sequenceOf(t.Key) && s.Completed < fault)).Select(t => t.Value).DefaultIfEmpty(0).Max();
            var after = tokens.Where(t => dueAt[sequenceOf(t.Key)] > fault + TimeSpan.FromSeconds(5)).Select(t => t.Value).DefaultIfEmpty(long.MaxValue).Min();
            Assert.True(after > before, $"An order placed after the fault at {fault.TotalSeconds:0.0} s carries fencing token {after}, not above {before} from before it.");
        }
    }
}
