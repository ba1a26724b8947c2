using HaSystem.Coordination.Locking;
using HaSystem.Coordination.Redis;
using HaSystem.Tests.Infrastructure;
using StackExchange.Redis;

namespace HaSystem.Tests.Security;

/// <summary>
/// Each service reaches Redis as an ACL user of its own, which can touch its own keys and nothing else (finding 5).
/// That the services work as before with these users, through failovers, is shown by every other system test, and by
/// <c>OrdersThroughStateFailoverTests</c>, which also checks that no node or Sentinel ever refused a service.
/// </summary>
[Collection(SharedRunningSystem.Name)]
public sealed class RedisLeastPrivilegeTests(RunningSystemFixture fixture, ITestOutputHelper output)
{
    private HaSystemApp System => fixture.System;

    // Guards against a service user that can wipe, reconfigure or list a whole instance (the old shared `default` user could),
    // or empty the script cache every service shares.
    [Theory(Timeout = 120_000)]
    [InlineData("apiservice")]
    [InlineData("worker")]
    [InlineData("webfrontend")]
    public async Task A_service_user_is_refused_FLUSHALL_CONFIG_KEYS_and_SCAN_in_both_roles(string user)
    {
        foreach (var group in new[] { "cache", "state" })
        {
            await using var redis = await RedisAcl.ConnectAsAsync(System, group, user);
            var db = redis.GetDatabase();
            foreach (var command in new[] { new object[] { "FLUSHALL" }, ["FLUSHDB"], ["CONFIG", "SET", "maxmemory", "1"], ["CONFIG", "GET", "masterauth"], ["KEYS", "*"], ["SCAN", "0"], ["RANDOMKEY"], ["SCRIPT", "FLUSH"], ["FUNCTION", "FLUSH"], ["ACL", "LIST"], ["CLIENT", "LIST"], ["SAVE"] })
            {
                var error = await RedisAcl.ErrorOfAsync(() => db.ExecuteAsync((string)command[0], command.Skip(1).ToArray()));
                output.WriteLine($"{user}@{group} {string.Join(' ', command)} → {error}");
                Assert.True(error?.StartsWith("NOPERM", StringComparison.Ordinal) == true, $"{user}@{group}: {string.Join(' ', command)} answered {error ?? "OK"}");
            }
        }
    }

    // Guards against a service that can read or write another service's keys: sessions and tokens of the shop, the leader
    // lease, the sign-in counters, the catalog cache.
    [Theory(Timeout = 120_000)]
    [InlineData("apiservice", "state", RedisKeyspace.WebSessions + "x", RedisKeyspace.WorkerHeartbeats + "x")]
    [InlineData("worker", "state", RedisKeyspace.WebApiTokens + "x", RedisKeyspace.SignInAttempts + "x")]
    [InlineData("worker", "cache", RedisKeyspace.Catalog + "x", RedisKeyspace.Probes + "x")]
    [InlineData("webfrontend", "state", RedisKeyspace.Locks + "x", RedisKeyspace.TenantRateLimits + "x")]
    [InlineData("webfrontend", "cache", RedisKeyspace.Catalog + "x", RedisKeyspace.Probes + "x")]
    public async Task A_service_user_is_refused_another_services_keys(string user, string group, string otherKey, string anotherKey)
    {
        await using var redis = await RedisAcl.ConnectAsAsync(System, group, user);
        var db = redis.GetDatabase();
        foreach (var key in new[] { otherKey, anotherKey })
        {
            var read = await RedisAcl.ErrorOfAsync(() => db.StringGetAsync(key));
            var write = await RedisAcl.ErrorOfAsync(() => db.StringSetAsync(key, "intruder"));
            var script = await RedisAcl.ErrorOfAsync(() => db.ScriptEvaluateAsync("return redis.call('SET', KEYS[1], 'intruder')", [key]));
            output.WriteLine($"{user}@{group} {key}: GET → {read}; SET → {write}; EVAL SET → {script}");
            Assert.All(new[] { read, write, script }, error => Assert.True(error?.StartsWith("NOPERM", StringComparison.Ordinal) == true, $"{user}@{group} {key}: {error ?? "OK"}"));
        }

        // The refusals are on record, so that a test that finds none (OrdersThroughStateFailoverTests) means none happened.
        var denials = await RedisAcl.DenialsAsync(System);
        Assert.Contains(denials, d => d.StartsWith(group, StringComparison.Ordinal) && d.Contains($"{user} refused key {otherKey}", StringComparison.Ordinal));
    }

    // Guards against a reader of the lease (the API checks report tokens against it, the shop shows it) that could
    // also take it over, and against a grant so tight that the services' own keys are refused.
    [Fact(Timeout = 120_000)]
    public async Task The_lease_is_the_workers_to_write_and_the_others_to_read()
    {
        var holder = LockKeys.For(RedisKeyspace.WorkerLease).Holder;
        foreach (var reader in new[] { "apiservice", "webfrontend" })
        {
            await using var redis = await RedisAcl.ConnectAsAsync(System, "state", reader);
            var db = redis.GetDatabase();
            Assert.Null(await RedisAcl.ErrorOfAsync(() => db.HashGetAllAsync(holder)));
            var write = await RedisAcl.ErrorOfAsync(() => db.HashSetAsync(holder, "token", long.MaxValue));
            Assert.True(write?.StartsWith("NOPERM", StringComparison.Ordinal) == true, $"{reader} wrote the lease: {write ?? "OK"}");
            var delete = await RedisAcl.ErrorOfAsync(() => db.KeyDeleteAsync(RedisKeyspace.WorkerLease));
            Assert.True(delete?.StartsWith("NOPERM", StringComparison.Ordinal) == true, $"{reader} deleted the lease: {delete ?? "OK"}");
        }

        // Each service may use its own prefixes (keys no other test counts: ServicesTests counts the heartbeats).
        foreach (var (user, group, key) in new[] { ("apiservice", "cache", RedisKeyspace.Probes + "acl-test"), ("apiservice", "state", RedisKeyspace.Locks + "acl-test"), ("worker", "state", RedisKeyspace.Leases + "acl-test"), ("webfrontend", "state", RedisKeyspace.Web + "acl-test") })
        {
            await using var redis = await RedisAcl.ConnectAsAsync(System, group, user);
            var db = redis.GetDatabase();
            Assert.Null(await RedisAcl.ErrorOfAsync(() => db.StringSetAsync(key, "mine", TimeSpan.FromSeconds(30))));
            Assert.Null(await RedisAcl.ErrorOfAsync(() => db.KeyDeleteAsync(key)));
        }
    }

    // Guards against a service user that could make the Sentinels fail over, forget a group or change its quorum, and
    // against the disabled `default` user taking the administrator's password.
    [Fact(Timeout = 120_000)]
    public async Task A_service_user_may_ask_the_Sentinels_but_not_command_them_and_the_default_user_is_off()
    {
        var sentinel = System.Model.Resources.OfType<RedisSentinelResource>().First();
        Assert.Equal(["apiservice", "worker", "webfrontend"], sentinel.Topology.Users.Select(u => u.Name));
        foreach (var serviceUser in sentinel.Topology.Users)
        {
            var user = serviceUser.Name;
            var password = await serviceUser.PasswordParameter.GetValueAsync(default) ?? throw new InvalidOperationException($"{user} has no password.");
            await using var connection = await RedisAcl.ConnectToSentinelAsync(System, sentinel, user, password);
            var db = connection.GetDatabase();
            var primary = await db.ExecuteAsync("SENTINEL", "get-master-addr-by-name", "state");
            Assert.Equal(2, ((RedisResult[])primary!).Length);
            foreach (var command in new[] { new object[] { "failover", "state" }, ["set", "state", "quorum", "1"], ["reset", "*"], ["remove", "cache"], ["config", "set", "resolve-hostnames", "yes"] })
            {
                var error = await RedisAcl.ErrorOfAsync(() => db.ExecuteAsync("SENTINEL", command));
                Assert.True(error?.StartsWith("NOPERM", StringComparison.Ordinal) == true, $"{user}: SENTINEL {string.Join(' ', command)} answered {error ?? "OK"}");
            }
        }

        var adminPassword = ConfigurationOptions.Parse(await System.App.GetConnectionStringAsync("state") ?? "").Password!;
        foreach (var resource in new IResourceWithConnectionString[] { System.PrimaryOf("state"), sentinel })
        {
            var reply = await RedisQueries.ReplyAsync(await System.PortOfAsync(resource), $"AUTH {adminPassword}");
            Assert.StartsWith("-WRONGPASS", reply, StringComparison.Ordinal);
        }
    }
}
