using System.Diagnostics;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Coordination;

/// <summary>
/// Redis primaries killed under the leader: the <c>state</c> one (where its lease lives), and reports go on without a
/// gap or a double; the <c>cache</c> one, and the leader re-warms the hottest products into the promoted node.
/// </summary>
[Collection(HealingSystem.Name)]
public sealed class LeaderDuringFailoverTests(HealingSystemFixture fixture, ITestOutputHelper output)
{
    private HaSystemApp System => fixture.System;

    private ApiClient Api => fixture.Api;

    // Guards against a lease or fencing counter lost in a failover (two leaders, or tokens handed out twice and
    // refused by the database), and a leader that never recovers from losing its Redis.
    [Fact(Timeout = 300_000)]
    public async Task Reports_are_produced_exactly_once_while_the_state_primary_fails_over()
    {
        await fixture.WaitUntilHealedAsync();
        var before = await Leadership.WaitForLeaderAsync(System, Api, TimeSpan.FromSeconds(30));
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await SalesReports.WaitForPeriodAsync(System, killedAt / 2 * 2 - 4, TimeSpan.FromSeconds(30));

        var primary = System.PrimaryOf("state");
        Signals.KillNow(System.ProcessIdOf(primary));
        output.WriteLine($"killed {primary.Name}; {before.Holder} led with token {before.FencingToken}");

        var after = await Leadership.WaitForLeaderAsync(System, Api, TimeSpan.FromSeconds(60));
        output.WriteLine($"after the failover {after.Holder} leads with token {after.FencingToken}");
        Assert.True(after.FencingToken >= before.FencingToken);

        // Several periods past the failover (1.5–2.5 s here) and any hand-over it caused (up to 6 s).
        var coverTo = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), killedAt + 10) / 2 * 2;
        await SalesReports.WaitForPeriodAsync(System, coverTo, TimeSpan.FromSeconds(60));
        output.WriteLine(SalesReports.AssertExactlyOnce(await SalesReports.ReadAsync(System), killedAt - 4, coverTo));
    }

    // Guards against a cache left cold after a failover: the leader's cache client sees the new primary and the
    // leader warms the hottest products into it (here the cache was emptied first, so only the warm-up can refill it).
    [Fact(Timeout = 300_000)]
    public async Task The_leader_rewarms_the_hottest_products_after_a_cache_failover()
    {
        const string hot = "*tenant:acme:product:1";
        await fixture.WaitUntilHealedAsync();
        await Leadership.WaitForLeaderAsync(System, Api, TimeSpan.FromSeconds(30));
        var group = System.Resource<RedisMonitoredGroupResource>("cache");
        var primary = System.PrimaryOf("cache");
        var replica = group.Nodes.Single(n => n != primary);
        await using (var connection = await System.ConnectDirectAsync(primary))
        {
            var server = connection.GetServer(connection.GetEndPoints()[0]);
            await Poll.UntilAsync("the start-up warm-up in the cache", TimeSpan.FromSeconds(30), _ => Task.FromResult(server.Keys(pattern: hot).Any()));
            await server.FlushAllDatabasesAsync();
        }

        await using (var connection = await System.ConnectDirectAsync(replica))
        {
            var server = connection.GetServer(connection.GetEndPoints()[0]);
            await Poll.UntilAsync("the flush replicated", TimeSpan.FromSeconds(10), _ => Task.FromResult(!server.Keys(pattern: hot).Any()));
            Signals.KillNow(System.ProcessIdOf(primary));
            var clock = Stopwatch.StartNew();
            await Poll.UntilAsync($"{hot} warmed into {replica.Name} after the failover", TimeSpan.FromSeconds(60),
                _ => Task.FromResult(server.Keys(pattern: hot).Any()), () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
            Measurements.Record(output, "cache.failover.kill_to_rewarmed", clock.Elapsed.TotalSeconds, "s");
            await Poll.UntilAsync($"{replica.Name} shown as primary", TimeSpan.FromSeconds(15),
                _ => Task.FromResult(System.PropertyOf(replica, RedisResourceProperties.Role) == "primary"), () => System.Tracker.Describe(0));
        }
    }
}
