using HaSystem.Coordination.Redis;
using StackExchange.Redis;

namespace HaSystem.Coordination.Tests.Redis;

/// <summary>A <c>noeviction</c> node near its <c>maxmemory</c> is reported before it starts refusing writes; an evicting one never is.</summary>
public sealed class RedisMemoryPressureTests(RedisServer redis) : IClassFixture<RedisServer>
{
    // Guards finding 8: `state` had no maxmemory, so nothing warned before the machine ran out of memory.
    [Fact]
    public async Task A_noeviction_node_past_80_percent_of_maxmemory_is_a_problem_and_an_evicting_one_is_not()
    {
        var server = redis.Connection.GetServer(redis.Connection.GetEndPoints()[0]);
        var db = redis.Connection.GetDatabase();
        await db.ExecuteAsync("FLUSHALL");
        var baseline = long.Parse((await server.InfoAsync("memory")).SelectMany(g => g).Single(p => p.Key == "used_memory").Value, System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await server.ConfigSetAsync("maxmemory-policy", "noeviction");
            await server.ConfigSetAsync("maxmemory", (baseline + (4 << 20)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var (roomy, none) = await RedisMemoryPressure.ReadAsync(db, CancellationToken.None);
            Assert.NotNull(roomy);
            Assert.Null(none);

            // Fill past 80 % of the limit with 1 KB values.
            var value = new string('x', 1024);
            for (var i = 0; (await RedisMemoryPressure.ReadAsync(db, CancellationToken.None)).Used < 0.85; i++)
            {
                await Task.WhenAll(Enumerable.Range(0, 100).Select(j => db.StringSetAsync($"fill:{i}:{j}", value)));
            }

            var (used, problem) = await RedisMemoryPressure.ReadAsync(db, CancellationToken.None);
            Assert.True(used >= 0.8);
            Assert.Contains("refuses writes when full", problem, StringComparison.Ordinal);

            await server.ConfigSetAsync("maxmemory-policy", "allkeys-lru");
            Assert.Equal((null, null), await RedisMemoryPressure.ReadAsync(db, CancellationToken.None));
        }
        finally
        {
            await server.ConfigSetAsync("maxmemory", "0");
            await server.ConfigSetAsync("maxmemory-policy", "noeviction");
            await db.ExecuteAsync("FLUSHALL");
        }
    }
}
