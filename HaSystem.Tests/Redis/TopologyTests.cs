using System.Globalization;
using System.Net;
using HaSystem.Tests.Infrastructure;
using StackExchange.Redis;

namespace HaSystem.Tests.Redis;

/// <summary>The topology is what the AppHost claims: roles, links, Sentinel agreement, passwords, memory policies.</summary>
[Collection(SharedRunningSystem.Name)]
public sealed class TopologyTests(RunningSystemFixture fixture, ITestOutputHelper output)
{
    private HaSystemApp System => fixture.System;

    private RedisMonitoredGroupResource Group(string name) => System.Resource<RedisMonitoredGroupResource>(name);

    // Guards against a start-up that leaves any process unstarted or unhealthy.
    [Fact(Timeout = 120_000)]
    public async Task Every_resource_is_running_and_healthy()
    {
        await System.WaitForAllHealthyAsync(TimeSpan.FromSeconds(60));
        Measurements.Record(output, "startup.test_start_to_all_healthy", System.StartupTime.TotalSeconds, "s");
        foreach (var (resource, at) in System.Tracker.FirstHealthy.Where(p => p.Value > TimeSpan.FromSeconds(1)).OrderBy(p => p.Value))
        {
            Measurements.Record(output, $"startup.{resource}_healthy", at.TotalSeconds, "s");
        }

        Assert.Equal(["cache-0", "cache-1"], Group("cache").Nodes.Select(n => n.Name));
        Assert.Equal(["state-0", "state-1", "state-2"], Group("state").Nodes.Select(n => n.Name));
        Assert.Equal(3, System.Model.Resources.OfType<RedisSentinelResource>().Count());
    }

    // Guards against a group with no primary, two primaries, or a replica whose link is down.
    [Theory(Timeout = 120_000)]
    [InlineData("cache")]
    [InlineData("state")]
    public async Task Each_group_has_one_primary_and_replicas_linked_to_it(string groupName)
    {
        var group = Group(groupName);
        var roles = new Dictionary<string, Dictionary<string, string>>();
        foreach (var node in group.Nodes)
        {
            await using var connection = await System.ConnectDirectAsync(node);
            roles[node.Name] = await RedisQueries.ReplicationAsync(connection);
        }

        var primary = Assert.Single(roles, r => r.Value["role"] == "master");
        var primaryPort = await System.PortOfAsync(group.Nodes.Single(n => n.Name == primary.Key));
        foreach (var (name, replica) in roles.Where(r => r.Key != primary.Key))
        {
            Assert.Equal("slave", replica["role"]);
            Assert.Equal("up", replica["master_link_status"]);
            Assert.Equal(primaryPort.ToString(CultureInfo.InvariantCulture), replica["master_port"]);
            output.WriteLine($"{name} replicates {primary.Key}");
        }
    }

    // Guards against Sentinels that disagree (split view) or do not know every replica and Sentinel.
    [Fact(Timeout = 120_000)]
    public async Task Sentinels_agree_on_both_primaries_and_know_every_replica()
    {
        foreach (var sentinel in System.Model.Resources.OfType<RedisSentinelResource>())
        {
            await using var connection = await System.ConnectDirectAsync(sentinel);
            var server = connection.GetServer(connection.GetEndPoints()[0]);
            foreach (var group in new[] { Group("cache"), Group("state") })
            {
                var primary = (IPEndPoint?)await server.SentinelGetMasterAddressByNameAsync(group.Name);
                Assert.NotNull(primary);
                Assert.Equal(await System.PortOfAsync(group.Nodes[0]), primary.Port);
                Assert.Equal(group.Nodes.Count - 1, (await server.SentinelReplicasAsync(group.Name)).Length);
                Assert.Equal(2, (await server.SentinelSentinelsAsync(group.Name)).Length);
            }
        }
    }

    // Guards against the dashboard showing a stale or missing role for a node.
    [Fact(Timeout = 120_000)]
    public async Task Dashboard_shows_each_nodes_current_role()
    {
        foreach (var group in new[] { Group("cache"), Group("state") })
        {
            foreach (var node in group.Nodes)
            {
                var expected = node.Ordinal == 0 ? "primary" : "replica";
                await Poll.UntilAsync($"{node.Name} shows role {expected}", TimeSpan.FromSeconds(15),
                    _ => Task.FromResult(System.PropertyOf(node, RedisResourceProperties.Role) == expected),
                    () => System.Tracker.Describe(0));
            }

            Assert.Equal($"{group.Name}-0", System.PropertyOf(group, RedisResourceProperties.CurrentPrimary));
        }
    }

    // Guards against a node or Sentinel that accepts commands without the password.
    [Fact(Timeout = 120_000)]
    public async Task Every_node_and_sentinel_refuses_a_client_without_the_password()
    {
        var processes = System.Model.Resources.OfType<IResourceWithConnectionString>()
            .Where(r => r is RedisNodeResource or RedisSentinelResource)
            .ToArray();
        Assert.Equal(8, processes.Length);
        foreach (var resource in processes)
        {
            var reply = await RedisQueries.FirstReplyWithoutPasswordAsync(await System.PortOfAsync(resource));
            Assert.StartsWith("-NOAUTH", reply, StringComparison.Ordinal);
        }
    }

    // Guards against locks and sessions landing in an evicting instance, the cache persisting to disk, and a state
    // primary that takes writes without a replica to keep them (a thawed old primary, split brain).
    [Fact(Timeout = 120_000)]
    public async Task Each_role_has_its_memory_and_persistence_policy()
    {
        foreach (var node in Group("cache").Nodes)
        {
            await using var connection = await System.ConnectDirectAsync(node);
            Assert.Equal("allkeys-lru", await RedisQueries.ConfigAsync(connection, "maxmemory-policy"));
            Assert.Equal((256L * 1024 * 1024).ToString(CultureInfo.InvariantCulture), await RedisQueries.ConfigAsync(connection, "maxmemory"));
            Assert.Equal("no", await RedisQueries.ConfigAsync(connection, "appendonly"));
            Assert.Equal("", await RedisQueries.ConfigAsync(connection, "save"));
        }

        foreach (var node in Group("state").Nodes)
        {
            await using var connection = await System.ConnectDirectAsync(node);
            Assert.Equal("noeviction", await RedisQueries.ConfigAsync(connection, "maxmemory-policy"));
            Assert.Equal("yes", await RedisQueries.ConfigAsync(connection, "appendonly"));
            Assert.Equal("everysec", await RedisQueries.ConfigAsync(connection, "appendfsync"));
            Assert.Equal("1", await RedisQueries.ConfigAsync(connection, "min-replicas-to-write"));
        }
    }
}
