using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HaSystem.Contracts.Http;
using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Redis;

/// <summary>
/// The topology heals itself and says when it cannot: a Redis process that dies is started again by the AppHost, one
/// stopped by an operator stays stopped, and lost redundancy shows as Degraded, with the reason, while the system
/// keeps serving. The tests put back what they break, so they share one system.
/// </summary>
[Collection(HealingSystem.Name)]
public sealed class TopologyHealingTests(HealingSystemFixture fixture, ITestOutputHelper output)
{
    /// <summary>The figures: a dead process started again within 2 s, a killed node serving as a replica within 5 s.</summary>
    private static readonly TimeSpan StartedAgainWithin = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan ReplicaAgainWithin = TimeSpan.FromSeconds(5);

    private HaSystemApp System => fixture.System;

    // Guards against a group that runs on one replica fewer after every crash until the next fault stops it.
    [Fact(Timeout = 180_000)]
    public async Task A_killed_replica_is_back_as_a_linked_replica_within_5_s_with_no_human()
    {
        await fixture.WaitUntilHealedAsync();
        var replica = System.Resource<RedisMonitoredGroupResource>("state").Nodes.First(n => n != System.PrimaryOf("state"));
        var pid = System.ProcessIdOf(replica);
        var restartsBefore = System.RestartsOf(replica);
        var clock = Stopwatch.StartNew();
        Signals.KillNow(pid);

        // A new process (not the killed one still being reported), linked to the primary.
        await Poll.UntilAsync($"{replica.Name} a linked replica again", TimeSpan.FromSeconds(30),
            async _ => System.ProcessIdOf(replica) != pid && await System.IsLinkedReplicaAsync(replica), () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(50));
        Measurements.Record(output, "healing.state_replica.kill_to_linked_replica", clock.Elapsed.TotalSeconds, "s");
        Assert.True(clock.Elapsed <= ReplicaAgainWithin, $"{replica.Name} was back as a replica {clock.Elapsed.TotalSeconds:0.00} s after the kill (target {ReplicaAgainWithin.TotalSeconds} s).");
        await Poll.UntilAsync($"{replica.Name} shows one more restart", TimeSpan.FromSeconds(10),
            _ => Task.FromResult(System.RestartsOf(replica) == restartsBefore + 1), () => System.Tracker.Describe(0));
    }

    // Guards against a Sentinel lost for good after a crash: two such crashes and no failover could ever be authorised.
    [Fact(Timeout = 180_000)]
    public async Task A_killed_sentinel_is_started_again_within_2_s()
    {
        await fixture.WaitUntilHealedAsync();
        var sentinel = System.Model.Resources.OfType<RedisSentinelResource>().Last();
        var pid = System.ProcessIdOf(sentinel);
        var clock = Stopwatch.StartNew();
        Signals.KillNow(pid);

        await Poll.UntilAsync($"{sentinel.Name} running again", TimeSpan.FromSeconds(30),
            _ => Task.FromResult(System.PropertyOf(sentinel, "executable.pid") is { } now && now != pid.ToString(CultureInfo.InvariantCulture)
                && System.InstancesOf(sentinel).All(id => System.Tracker.Latest[id].Snapshot.State?.Text == KnownResourceStates.Running)),
            () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(50));
        Measurements.Record(output, "healing.sentinel.kill_to_running", clock.Elapsed.TotalSeconds, "s");
        Assert.True(clock.Elapsed <= StartedAgainWithin, $"{sentinel.Name} was running again {clock.Elapsed.TotalSeconds:0.00} s after the kill (target {StartedAgainWithin.TotalSeconds} s).");
        await System.WaitForAllHealthyAsync(TimeSpan.FromMinutes(1));
    }

    // Guards against a /health that says Healthy while one more fault would stop the system (the Sentinels cannot
    // authorise a failover, a group has no spare replica), against an operator's Stop being undone by the supervisor,
    // and against the system not serving while only redundancy is lost.
    [Fact(Timeout = 300_000)]
    public async Task Lost_redundancy_is_Degraded_with_the_reason_stopped_nodes_stay_stopped_and_orders_still_succeed()
    {
        await fixture.WaitUntilHealedAsync();
        var replicas = (await System.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60))).Values.ToArray();
        var sentinels = System.Model.Resources.OfType<RedisSentinelResource>().Take(2).ToArray();
        var spare = System.Resource<RedisMonitoredGroupResource>("state").Nodes.First(n => n != System.PrimaryOf("state"));
        IResource[] stopped = [.. sentinels, spare];
        try
        {
            await Task.WhenAll(stopped.Select(r => System.ExecuteAsync(r, KnownResourceCommands.StopCommand)));
            await Task.WhenAll(stopped.Select(r => System.WaitForStoppedAsync(r)));

            foreach (var replica in replicas)
            {
                var reason = await Poll.UntilAsync($"{replica} reporting redis-state Degraded with both reasons", TimeSpan.FromSeconds(30), async ct =>
                {
                    var state = (await HealthAsync(replica, ct)).GetProperty("entries").GetProperty("redis-state");
                    var description = state.GetProperty("description").GetString() ?? "";
                    return state.GetProperty("status").GetString() == "Degraded" && description.Contains("1 of 3 Sentinels answer", StringComparison.Ordinal)
                        && description.Contains("1 of 2 replicas connected", StringComparison.Ordinal) ? description : null;
                }, () => System.Tracker.Describe());
                output.WriteLine($"{replica}: {reason}");
            }

            await Poll.UntilAsync("the dashboard showing the state group Degraded", TimeSpan.FromSeconds(60), _ => Task.FromResult(
                System.InstancesOf(System.Resource<RedisMonitoredGroupResource>("state")).All(id =>
                    System.Tracker.Latest[id].Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded)),
                () => System.Tracker.Describe(0));

            // Still serving: the primary has one replica to confirm its writes.
            foreach (var replica in replicas)
            {
                using var order = await PlaceOrderAsync(replica);
                Assert.Equal(HttpStatusCode.Created, order.StatusCode);
            }

            // An operator's Stop is not undone: longer than any restart back-off, they are still stopped.
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.All(stopped, r => Assert.True(System.InstancesOf(r).All(id => KnownResourceStates.TerminalStates.Contains(System.Tracker.Latest[id].Snapshot.State?.Text)),
                $"{r.Name} was started again after an operator stopped it.\n{System.Tracker.Describe(0)}"));
        }
        finally
        {
            await Task.WhenAll(stopped.Select(r => System.ExecuteAsync(r, KnownResourceCommands.StartCommand)));
        }

        foreach (var replica in replicas)
        {
            await Poll.UntilAsync($"{replica} Healthy again", TimeSpan.FromSeconds(60),
                async ct => (await HealthAsync(replica, ct)).GetProperty("status").GetString() == "Healthy", () => System.Tracker.Describe());
        }

        await fixture.WaitUntilHealedAsync();
    }

    private static async Task<JsonElement> HealthAsync(Uri replica, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetFromJsonAsync<JsonElement>(new Uri(replica, "/health"), cancellationToken);
    }

    private async Task<HttpResponseMessage> PlaceOrderAsync(Uri replica)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { items = new[] { new { productId = 2003, quantity = 1 } } }) };
        request.Headers.Add(ApiHeaders.IdempotencyKey, $"degraded-{Guid.NewGuid():N}");
        request.Headers.Authorization = new("Bearer", await fixture.Api.TokenAsync("user@globex"));
        using var http = new HttpClient { BaseAddress = replica, Timeout = TimeSpan.FromSeconds(15) };
        return await http.SendAsync(request);
    }
}
