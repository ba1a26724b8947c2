using System.Globalization;
using HaSystem.Bench.Load;

namespace HaSystem.Bench.Scenarios;

/// <summary>
/// Catalog reads while both <c>cache</c> nodes are stopped, then started again. The cache holds only rebuildable data:
/// reads fall back to each replica's memory (L1) and to SQLite, so none should fail and the tail should stay close.
/// </summary>
public sealed class CacheOutageScenario : IScenario
{
    public string Name => "cache-outage";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var profile = context.Profile;
        var nodes = context.System.Resource<RedisMonitoredGroupResource>("cache").Nodes;
        using var api = await context.ConnectApiAsync();
        var result = new ScenarioResult(Name, "Catalog reads while both cache nodes are stopped and started again",
            string.Create(CultureInfo.InvariantCulture,
                $"{profile.CatalogReadsPerSecond:0} product reads/s over {context.Traffic.HotProducts} products, spread over the {api.Replicas.Count} API replicas; " +
                $"both `cache` nodes stopped (resource command Stop) for {profile.CacheOutage.TotalSeconds:0} s, then started."));

        var run = await ChaosRunner.RunAsync(
            [new Workload("reads", profile.CatalogReadsPerSecond, api.ReadProductAsync)],
            profile.Chaos with { During = profile.CacheOutage },
            inject: async () =>
            {
                await Task.WhenAll(nodes.Select(n => context.System.ExecuteAsync(n, KnownResourceCommands.StopCommand)));
                return $"stopped {string.Join(" and ", nodes.Select(n => n.Name))}";
            },
            restore: () => Task.WhenAll(nodes.Select(n => context.System.ExecuteAsync(n, KnownResourceCommands.StartCommand))),
            context.Log);
        result.Runs.Add(run);

        var reads = run.Workload("reads");
        result.Invariants.Add(new Check("Reads succeed again after the outage", reads.FirstSuccessAfterFault is not null && reads.After.Succeeded > 0,
            $"{reads.After.Succeeded} of {reads.After.Sent} after"));
        result.Targets.Add(new Check("0 failed reads", reads.Total.Failed == 0, $"{reads.Total.Failed} failed of {reads.Total.Sent}"));
        var ratio = reads.During.P99Ms / reads.Before.P99Ms;
        result.Targets.Add(new Check("p99 during the outage within 3× the pre-fault p99", ratio <= 3,
            string.Create(CultureInfo.InvariantCulture, $"{reads.During.P99Ms:0.0} ms vs {reads.Before.P99Ms:0.0} ms ({ratio:0.00}×)")));

        await context.WaitForWholeSystemAsync();
        return result;
    }
}
