using System.Globalization;
using System.Net;
using System.Text.Json;
using HaSystem.Tests.Infrastructure;
using StackExchange.Redis;

namespace HaSystem.Tests.Coordination;

/// <summary>The lock component on the running system's <c>state</c> role, hammered from several processes.</summary>
[Collection(SharedRunningSystem.Name)]
public sealed class LockTests(RunningSystemFixture fixture, ITestOutputHelper output)
{
    private HaSystemApp System => fixture.System;

    // Guards against two holders at once (a non-atomic acquire, a release or extend of someone else's lock) and
    // fencing tokens that do not grow with every acquisition.
    [Fact(Timeout = 180_000)]
    public async Task Four_contenders_in_two_processes_never_overlap_and_fencing_tokens_strictly_increase()
    {
        var work = Directory.CreateTempSubdirectory("hasystem-locktest-");
        try
        {
            var key = $"lock:test:{Guid.NewGuid():N}";
            var ledger = Path.Combine(work.FullName, "ledger");
            var records = Path.Combine(work.FullName, "records");
            var redis = await System.App.GetConnectionStringAsync("state") ?? throw new InvalidOperationException("No state connection string.");
            string[] args = ["contend", "--key", key, "--contenders", "2", "--duration", "00:00:10", "--ledger", ledger, "--records", records];
            await using var first = LockBenchProcess.Start(redis, null, args);
            await using var second = LockBenchProcess.Start(redis, null, args);
            await Task.WhenAll(first.WaitForExitAsync(TimeSpan.FromSeconds(90)), second.WaitForExitAsync(TimeSpan.FromSeconds(90)));

            var sections = File.ReadAllLines(records)
                .Select(line => line.Split(' '))
                .Select(p => (Token: long.Parse(p[0], CultureInfo.InvariantCulture), Enter: long.Parse(p[1], CultureInfo.InvariantCulture), Exit: long.Parse(p[2], CultureInfo.InvariantCulture), Holder: p[3]))
                .OrderBy(s => s.Enter)
                .ToArray();
            output.WriteLine($"{first.Lines.Last()} / {second.Lines.Last()}");
            Measurements.Record(output, "locks.mutual_exclusion.acquisitions_in_10s", sections.Length, "acquisitions");

            Assert.Equal(4, sections.Select(s => s.Holder).Distinct().Count());
            Assert.Equal(2, sections.Select(s => s.Holder.Split('-')[0]).Distinct().Count());
            Assert.True(sections.Length >= 100, $"Only {sections.Length} acquisitions in 10 s.");
            Assert.All([first, second], p => Assert.EndsWith("anomalies 0", p.Lines.Last(), StringComparison.Ordinal));

            // The unsynchronised ledger counted every critical section: no update was lost to an overlap.
            Assert.Equal($"{sections.Length} {sections[^1].Token} -", File.ReadAllText(ledger));
            for (var i = 1; i < sections.Length; i++)
            {
                Assert.True(sections[i].Token > sections[i - 1].Token, $"Token {sections[i].Token} after {sections[i - 1].Token}.");
                Assert.True(sections[i].Enter >= sections[i - 1].Exit, $"Critical sections {sections[i - 1].Token} and {sections[i].Token} overlap.");
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    // Guards against an invisible leader: the API and the dashboard must both name the worker replica that leads.
    [Fact(Timeout = 120_000)]
    public async Task The_current_leader_is_visible_through_the_api_and_on_the_worker_resources()
    {
        var worker = System.Resource<ProjectResource>("worker");
        var leader = await Poll.UntilAsync("a leader named by the API", TimeSpan.FromSeconds(30), async ct =>
        {
            using var response = await fixture.Api.SendAsync(fixture.Api.ProxyAddress, HttpMethod.Get, "/api/coordination/leader", "user@acme");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync(ct) : null;
        }, () => System.Tracker.Describe());
        var body = JsonDocument.Parse(leader).RootElement;
        var holder = body.GetProperty("holder").GetString()!;
        var token = body.GetProperty("fencingToken").GetInt64();
        Assert.Contains(holder, System.InstancesOf(worker));
        Assert.True(token > 0);
        Assert.True(body.GetProperty("since").GetDateTimeOffset() <= DateTimeOffset.UtcNow);

        await Poll.UntilAsync("the leader shown on every worker replica", TimeSpan.FromSeconds(15), _ => Task.FromResult(
            System.InstancesOf(worker).All(id =>
                System.PropertyOfInstance(id, "leader.replica") == holder
                && System.PropertyOfInstance(id, "leader.fencing_token") == token.ToString(CultureInfo.InvariantCulture)
                && System.PropertyOfInstance(id, "leader.role") == (id == holder ? "leader" : "follower"))),
            () => System.Tracker.Describe(0));
    }

    // Guards against a cold cache after a start-up: the leader warms each tenant's hottest products into Redis
    // (products no other test reads, so only the warm-up can have put them there).
    [Fact(Timeout = 120_000)]
    public async Task The_leader_warms_the_hottest_products_into_the_cache_after_start_up()
    {
        var primary = System.PrimaryOf("cache");
        await using var redis = await System.ConnectDirectAsync(primary);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        foreach (var pattern in new[] { "*tenant:acme:product:19", "*tenant:acme:product:20", "*tenant:globex:product:2001" })
        {
            await Poll.UntilAsync($"a cache entry {pattern} in Redis", TimeSpan.FromSeconds(30),
                _ => Task.FromResult(server.Keys(pattern: pattern, pageSize: 1000).Any()), () => System.Tracker.Describe());
        }
    }
}
