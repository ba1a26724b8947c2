using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using HaSystem.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HaSystem.Tests.Storage;

/// <summary>
/// The catalog on a Patroni cluster (three PostgreSQL nodes over three etcd members) under the users' order load (fixed
/// rate over every API replica, each order sent once, no client retry), through each fault a cluster is for: the
/// primary's server killed, a switchover, an etcd member killed, the primary's whole node lost. After each, the ledger
/// holds on the primary and on every standby, and the cluster heals itself (the old primary rejoins as a standby).
/// </summary>
[Collection(PatroniSystem.Name)]
public sealed class PatroniFailoverTests(PatroniSystemFixture fixture, ITestOutputHelper output)
{
    private HaSystemApp System => fixture.System;

    private PatroniClusterResource Cluster => System.Resource<PatroniClusterResource>("postgres");

    // Guards the cluster's shape and its view in the dashboard: one primary, two standbys that stream from it, each
    // node showing its role, the cluster naming its primary, and the API's writes reaching every node.
    [Fact(Timeout = 300_000)]
    public async Task The_cluster_runs_one_primary_and_two_streaming_standbys_and_names_its_primary()
    {
        await fixture.WaitUntilHealedAsync();
        var primary = await SettledPrimaryAsync();

        // The dashboard's view follows the monitor's as its notifications arrive.
        await Poll.UntilAsync("the dashboard naming the primary and two standbys", TimeSpan.FromSeconds(10), _ => Task.FromResult(
            System.PropertyOf(Cluster, PatroniRoles.PrimaryProperty) == primary.Name
            && System.PropertyOf(primary, PatroniRoles.RoleProperty) == PatroniRoles.Primary
            && Cluster.Nodes.Count(n => System.PropertyOf(n, PatroniRoles.RoleProperty) == PatroniRoles.Standby) == 2),
            () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
        await AssertAnUnsafeRestCallNeedsItsUserAsync(primary);
        await using var traffic = await UserTraffic.StartAsync(System, fixture.Api);
        await traffic.WaitForSuccessesAfterAsync(TimeSpan.Zero, 10, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());
        await traffic.StopAsync();
        await AssertLedgerOnEveryNodeAsync(traffic);
    }

    // Guards against a crashed primary server costing orders: Patroni fails over to the synchronous standby at once
    // (primary_start_timeout 0), the API's connection string names every node and its retry waits for the new
    // primary within the request's deadline; no acknowledged order is lost (synchronous_mode), none is placed twice.
    [Fact(Timeout = 300_000)]
    public Task Orders_ride_through_a_kill_of_the_primary_postgres() =>
        RideThroughAsync("postmaster_kill", async primary =>
        {
            var postmaster = Postmaster(primary);
            Signals.KillNow(postmaster);
            output.WriteLine($"kill -9 of {primary.Name}'s postmaster ({postmaster})");
            return await NewPrimaryAsync(primary);
        }, ordersMayFail: false);

    // Guards against a planned switchover costing orders: the old primary's sessions end, its host stops being the
    // primary, and the API moves to the new one within the deadline.
    [Fact(Timeout = 300_000)]
    public Task Orders_ride_through_a_switchover() =>
        RideThroughAsync("switchover", async primary =>
        {
            // With synchronous_mode Patroni accepts only the synchronous standby as the candidate.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var members = JsonDocument.Parse(await http.GetStringAsync(await RestAsync(primary, "/cluster")));
            var candidate = members.RootElement.GetProperty("members").EnumerateArray()
                .Single(m => m.GetProperty("role").GetString() == "sync_standby").GetProperty("name").GetString();
            var password = await Cluster.RestApiPassword.GetValueAsync(CancellationToken.None);
            http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{PatroniClusterResource.RestApiUserName}:{password}")));
            // Patroni's REST API wants a Content-Length: the body is sent whole, not chunked.
            using var body = new StringContent(JsonSerializer.Serialize(new { leader = primary.Name, candidate }), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(await RestAsync(primary, "/switchover"), body);
            output.WriteLine($"switchover {primary.Name} -> {candidate}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.True(response.IsSuccessStatusCode, $"The switchover was refused: {(int)response.StatusCode}.");
            return await NewPrimaryAsync(primary);
        }, ordersMayFail: false);

    // Guards against etcd being a single point of failure: with one of three members gone the others keep a quorum, the
    // cluster is Degraded (with the reason) until the AppHost has started the member again, and no order fails.
    [Fact(Timeout = 300_000)]
    public Task An_etcd_member_killed_costs_no_order_and_the_cluster_is_Degraded_until_it_is_back() =>
        RideThroughAsync("etcd_kill", async primary =>
        {
            var member = Cluster.EtcdMembers[1];
            Signals.KillNow(System.ProcessIdOf(member));
            output.WriteLine($"kill -9 of {member.Name}");
            var clusterId = System.InstancesOf(Cluster).Single();
            // The cluster's check reports the monitor's view, seen here as often as the monitor looks: the AppHost starts
            // the member again within seconds, between two runs of Aspire's health checks.
            var degraded = await Poll.UntilAsync("the cluster Degraded", TimeSpan.FromSeconds(30),
                _ => Task.FromResult(Cluster.LastView?.Health() is { Status: HealthStatus.Degraded } health ? health.Description : null),
                () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(50));
            output.WriteLine($"degraded: {degraded}");
            Assert.Contains(member.Name, degraded, StringComparison.Ordinal);
            await Poll.UntilAsync($"{member.Name} started again and the cluster Healthy", TimeSpan.FromSeconds(60),
                _ => Task.FromResult(System.IsRunningAndHealthy(System.InstancesOf(member).Single()) && System.IsRunningAndHealthy(clusterId)),
                () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
            return primary;
        }, ordersMayFail: false);

    // Guards against losing acknowledged orders, or the cluster, with the primary's whole node (its Patroni agent and
    // its PostgreSQL killed together): nobody renews the leader key, a standby is promoted when it expires (the ttl), and
    // until then orders get 503 with Retry-After. The AppHost starts the agent again, which rewinds the old primary
    // and makes it a standby of the new one.
    [Fact(Timeout = 300_000)]
    public Task The_loss_of_the_primary_node_loses_no_acknowledged_order_and_the_node_rejoins_as_a_standby() =>
        RideThroughAsync("node_loss", async primary =>
        {
            var agent = System.ProcessIdOf(primary);
            var postmaster = Postmaster(primary);
            Signals.KillNow(agent);
            Signals.KillNow(postmaster);
            output.WriteLine($"kill -9 of {primary.Name}'s Patroni ({agent}) and postmaster ({postmaster})");
            return await NewPrimaryAsync(primary);
        }, ordersMayFail: true);

    // Guards against the supervisor undoing an operator's Stop: etcd exits non-zero on SIGTERM, and a Patroni node's Stop
    // ends its server too; both must stay stopped, with the cluster Degraded, until started again.
    [Fact(Timeout = 300_000)]
    public async Task A_member_or_a_standby_stopped_from_the_dashboard_stays_stopped_and_the_cluster_says_so()
    {
        await fixture.WaitUntilHealedAsync();
        var primary = await SettledPrimaryAsync();
        var standby = Cluster.Nodes.First(n => n != primary);
        var member = Cluster.EtcdMembers[2];
        try
        {
            foreach (var resource in new IResource[] { member, standby })
            {
                await System.ExecuteAsync(resource, KnownResourceCommands.StopCommand);
                await System.WaitForStoppedAsync(resource, TimeSpan.FromSeconds(60));
            }

            await Poll.UntilAsync("the cluster Degraded, naming both", TimeSpan.FromSeconds(30), _ => Task.FromResult(
                Cluster.LastView?.Health() is { Status: HealthStatus.Degraded } health
                && health.Description!.Contains(member.Name, StringComparison.Ordinal) && health.Description.Contains(standby.Name, StringComparison.Ordinal)),
                () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(100));
            await Task.Delay(TimeSpan.FromSeconds(5)); // the fault's own length: a supervisor would have started them by now
            foreach (var resource in new IResource[] { member, standby })
            {
                var state = System.Tracker.Latest[System.InstancesOf(resource).Single()].Snapshot.State?.Text;
                Assert.True(KnownResourceStates.TerminalStates.Contains(state), $"{resource.Name} is {state}: the AppHost started it again.");
            }
        }
        finally
        {
            foreach (var resource in new IResource[] { member, standby })
            {
                if (KnownResourceStates.TerminalStates.Contains(System.Tracker.Latest[System.InstancesOf(resource).Single()].Snapshot.State?.Text))
                {
                    await System.ExecuteAsync(resource, KnownResourceCommands.StartCommand);
                }
            }
        }

        await fixture.WaitUntilHealedAsync();
    }

    // Patroni's unsafe methods need the REST API's user: any local process could otherwise switch the cluster over.
    private static async Task AssertAnUnsafeRestCallNeedsItsUserAsync(PatroniNodeResource primary)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var body = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(await RestAsync(primary, "/restart"), body);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task RideThroughAsync(string figure, Func<PatroniNodeResource, Task<PatroniNodeResource>> fault, bool ordersMayFail)
    {
        await fixture.WaitUntilHealedAsync();
        var primary = await SettledPrimaryAsync();
        await using var traffic = await UserTraffic.StartAsync(System, fixture.Api);
        await traffic.WaitForSuccessesAfterAsync(TimeSpan.Zero, 20, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());

        var faultAt = traffic.Clock.Now;
        var next = await fault(primary);
        var promotedAt = traffic.Clock.Now;
        output.WriteLine($"{promotedAt.TotalSeconds:0.00} s: {next.Name} is the primary ({(promotedAt - faultAt).TotalSeconds:0.00} s after the fault)");
        await traffic.WaitForSuccessesAfterAsync(promotedAt + TimeSpan.FromSeconds(2), 10, TimeSpan.FromSeconds(60), () => System.Tracker.Describe());
        await traffic.StopAsync();

        output.WriteLine(traffic.Describe());
        Measurements.Record(output, $"patroni.{figure}.recovered_after", (promotedAt - faultAt).TotalSeconds, "s");
        Measurements.Record(output, $"patroni.{figure}.orders_failed", traffic.Orders.Count(s => !s.Outcome.Succeeded), "orders");
        Measurements.Record(output, $"patroni.{figure}.longest_without_order", UserTraffic.LongestWithoutSuccess(traffic.Orders).TotalSeconds, "s");
        Assert.NotEmpty(traffic.Orders);
        if (ordersMayFail)
        {
            Assert.All(traffic.Orders.Where(s => !s.Outcome.Succeeded), s => Assert.Equal("503", s.Outcome.Label));
        }
        else
        {
            Assert.True(traffic.Orders.All(s => s.Outcome.Succeeded), $"Orders failed.\n{traffic.Describe()}");
        }

        // A user repeats a failed order with its key: it is placed once (an order that failed half-way, recorded but not
        // charged, is completed by its repeat).
        var repeats = await traffic.RepeatFailedOrdersAsync();
        Assert.All(repeats, r => Assert.True(r.Succeeded, r.Label));
        var ledger = await OrderLedger.ReadAsync(System, traffic.KeyPrefix, traffic.AcknowledgedOrders);
        output.WriteLine($"after {repeats.Count} repeats, ledger: {ledger}");
        Assert.True(ledger.Holds, $"The ledger does not hold: {ledger}");
        Assert.Equal(traffic.Orders.Count, ledger.Stored);

        // The cluster heals: every node runs again, an old primary as a standby of the new one.
        await fixture.WaitUntilHealedAsync();
        await SettledPrimaryAsync();
        if (next != primary)
        {
            Assert.Equal(PatroniRoles.Standby, primary.Role);
        }

        await AssertLedgerOnEveryNodeAsync(traffic);
    }

    // One primary and two standbys, every node running, as the monitor shows them.
    private Task<PatroniNodeResource> SettledPrimaryAsync() =>
        Poll.UntilAsync("one primary and two running standbys", TimeSpan.FromSeconds(60), _ =>
        {
            var view = Cluster.LastView;
            var settled = view is not null && view.Primary is not null && view.Nodes.All(n => n.IsRunning)
                && view.Nodes.Count(n => n.Role == PatroniRoles.Standby) == 2;
            return Task.FromResult(settled ? Cluster.Nodes.Single(n => n.Name == view!.Primary!.Name) : null);
        }, () => $"{Cluster.LastView?.Health().Description}\n{System.Tracker.Describe()}", TimeSpan.FromMilliseconds(100));

    private Task<PatroniNodeResource> NewPrimaryAsync(PatroniNodeResource old) =>
        Poll.UntilAsync($"a primary other than {old.Name}", TimeSpan.FromSeconds(60), _ =>
        {
            var primary = Cluster.LastView?.Primary;
            return Task.FromResult(primary is not null && primary.Name != old.Name ? Cluster.Nodes.Single(n => n.Name == primary.Name) : null);
        }, () => $"{Cluster.LastView?.Health().Description}\n{System.Tracker.Describe()}", TimeSpan.FromMilliseconds(50));

    // Every order the ledger holds is on every node: the primary has it, and each standby has received it.
    private async Task AssertLedgerOnEveryNodeAsync(UserTraffic traffic)
    {
        var stored = await System.CountSqlAsync("catalog", $"""SELECT COUNT(*) FROM "Orders" WHERE "IdempotencyKey" LIKE '{traffic.KeyPrefix}%'""");
        Assert.True(stored >= traffic.AcknowledgedOrders.Count, $"{stored} orders stored, {traffic.AcknowledgedOrders.Count} acknowledged.");
        var catalog = await System.App.GetConnectionStringAsync("catalog") ?? throw new InvalidOperationException("No catalog connection string.");
        foreach (var node in Cluster.Nodes)
        {
            var port = await node.PostgresEndpoint.Property(EndpointProperty.TargetPort).GetValueAsync();
            var direct = new NpgsqlConnectionStringBuilder(catalog) { Host = "127.0.0.1", Port = int.Parse(port!, CultureInfo.InvariantCulture), TargetSessionAttributes = "any", Pooling = false }.ConnectionString;
            await Poll.UntilAsync($"{stored} orders on {node.Name}", TimeSpan.FromSeconds(30), async ct =>
            {
                await using var connection = new NpgsqlConnection(direct);
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand($"""SELECT COUNT(*) FROM "Orders" WHERE "IdempotencyKey" LIKE '{traffic.KeyPrefix}%'""", connection);
                return (long)(await command.ExecuteScalarAsync(ct))! == stored;
            }, () => System.Tracker.Describe(), TimeSpan.FromMilliseconds(200));
        }
    }

    private static int Postmaster(PatroniNodeResource node) =>
        int.Parse(File.ReadLines(Path.Combine(node.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    private static async Task<Uri> RestAsync(PatroniNodeResource node, string path)
    {
        var port = await node.RestEndpoint.Property(EndpointProperty.TargetPort).GetValueAsync();
        return new Uri($"http://127.0.0.1:{port}{path}");
    }
}
