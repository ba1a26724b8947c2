using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HaSystem.Tests.Infrastructure;
using StackExchange.Redis;

namespace HaSystem.Tests.Services;

/// <summary>Each service is wired to both Redis roles and answers as the replica it is.</summary>
[Collection(SharedRunningSystem.Name)]
public sealed class ServicesTests(RunningSystemFixture fixture, ITestOutputHelper output)
{
    private HaSystemApp System => fixture.System;

    // Guards against a replica that is not reachable, or that writes to a Redis node other than the elected primary.
    [Fact(Timeout = 120_000)]
    public async Task Every_api_replica_answers_with_its_identity_and_the_current_primaries()
    {
        var replicas = await System.DiscoverApiReplicasAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(3, replicas.Count);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var (replica, address) in replicas)
        {
            var info = await http.GetFromJsonAsync<JsonElement>(new Uri(address, "/api/info"));
            Assert.Equal(replica, info.GetProperty("replica").GetString());
            foreach (var role in new[] { "cache", "state" })
            {
                var group = System.Resource<RedisMonitoredGroupResource>(role);
                var expected = $"127.0.0.1:{await System.PortOfAsync(group.Nodes[0])}";
                Assert.Equal(expected, info.GetProperty("redis").GetProperty(role).GetProperty("primary").GetString());
            }

            var probe = await http.PostAsync(new Uri(address, "/api/redis/state/probe"), null);
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
            output.WriteLine($"{replica} at {address}");
        }
    }

    // Guards against a worker replica that does not reach the state role, or writes without an expiry.
    [Fact(Timeout = 120_000)]
    public async Task Every_worker_replica_keeps_a_heartbeat_with_a_ttl_in_the_state_role()
    {
        var options = ConfigurationOptions.Parse(await System.App.GetConnectionStringAsync("state") ?? "");
        await using var state = await ConnectionMultiplexer.ConnectAsync(options);
        var primary = state.GetServers().Single(s => s.IsConnected && !s.IsReplica);

        var keys = await Poll.UntilAsync("two worker heartbeats", TimeSpan.FromSeconds(30), async _ =>
        {
            var found = new List<RedisKey>();
            await foreach (var key in primary.KeysAsync(pattern: "heartbeat:worker:*"))
            {
                found.Add(key);
            }

            return found.Count == 2 ? found : null;
        }, () => System.Tracker.Describe());

        foreach (var key in keys)
        {
            var ttl = await state.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5));
            var first = (long)await state.GetDatabase().StringGetAsync(key);
            await Poll.UntilAsync($"{key} refreshed", TimeSpan.FromSeconds(10),
                async _ => (long)await state.GetDatabase().StringGetAsync(key) > first);
        }
    }

    // Guards against a front end that cannot reach the API or does not say which replica rendered the page: the
    // anonymous status page names both.
    [Fact(Timeout = 120_000)]
    public async Task Web_front_end_shows_its_replica_and_the_api_answer()
    {
        using var web = System.CreateSpreadingClient("webfrontend", TimeSpan.FromSeconds(10));
        var html = await web.GetStringAsync("/status");
        Assert.Contains("data-testid=\"web-replica\">webfrontend-", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"status-api-replica\">apiservice-", html, StringComparison.Ordinal);
    }

    // Guards against health endpoints that leak configuration or miss a Redis role.
    [Theory(Timeout = 120_000)]
    [InlineData("apiservice")]
    [InlineData("worker")]
    [InlineData("webfrontend")]
    public async Task Health_endpoints_report_each_redis_role_without_secrets(string service)
    {
        using var http = System.CreateSpreadingClient(service);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

        var body = await http.GetStringAsync("/health");
        var report = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("entries").GetProperty("redis-cache").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("entries").GetProperty("redis-state").GetProperty("status").GetString());

        var password = ConfigurationOptions.Parse(await System.App.GetConnectionStringAsync("state") ?? "").Password!;
        Assert.DoesNotContain(password, body, StringComparison.Ordinal);
        Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
    }
}
