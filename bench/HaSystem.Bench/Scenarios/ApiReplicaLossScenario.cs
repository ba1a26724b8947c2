using System.Globalization;
using HaSystem.Bench.Load;
using HaSystem.Testing;

namespace HaSystem.Bench.Scenarios;

/// <summary>
/// Reads and orders while one API replica is killed (<c>kill -9</c>). Reads are idempotent and go to the next replica;
/// an order whose answer was lost with the replica is sent again with its key, and must not be charged twice.
/// </summary>
public sealed class ApiReplicaLossScenario : IScenario
{
    public string Name => "api-replica-loss";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var profile = context.Profile;
        using var api = await context.ConnectApiAsync();
        var service = context.System.Resource<ProjectResource>("apiservice");
        var victim = context.System.InstancesOf(service).Order(StringComparer.Ordinal).First();
        var keys = $"{context.RunId}-arl-";
        var result = new ScenarioResult(Name, "Reads and orders while one API replica is killed",
            string.Create(CultureInfo.InvariantCulture,
                $"{profile.CatalogReadsPerSecond:0} product reads/s and {profile.OrdersPerSecond:0} orders/s spread over the {api.Replicas.Count} API replicas " +
                $"(a read goes to the next replica on a failure, up to {context.Traffic.ReadAttempts} attempts; an order is sent again with its key); `kill -9` of one replica."));

        var run = await ChaosRunner.RunAsync(
            [
                new Workload("reads", profile.CatalogReadsPerSecond, api.ReadProductAsync),
                new Workload("orders", profile.OrdersPerSecond, (n, ct) => api.PlaceOrderAsync($"{keys}{n}", 1 + n % context.Traffic.HotProducts, ct)),
            ],
            profile.Chaos,
            inject: () =>
            {
                var pid = context.System.ServiceProcessOf(victim);
                Signals.KillNow(pid);
                return Task.FromResult($"kill -9 {victim} (pid {pid})");
            },
            restore: null,
            context.Log);
        result.Runs.Add(run);

        var reads = run.Workload("reads");
        var orders = run.Workload("orders");
        var ledger = await OrderLedger.ReadAsync(context.System, keys, api.AcknowledgedOrders.Keys.ToArray());
        // Orders the kill made the client send again: answered after it and needing more than one attempt.
        var retried = orders.Samples.Count(s => s.Completed >= run.FaultAt && s.Outcome.Attempts > 1);
        result.Invariants.Add(new Check("Orders ledger (charges = orders, no duplicates, no lost acknowledged order)", ledger.Holds, ledger.ToString()));
        result.Invariants.Add(new Check("Reads and orders succeed after the kill", reads.After.Succeeded > 0 && orders.After.Succeeded > 0,
            $"{reads.After.Succeeded} reads and {orders.After.Succeeded} orders succeeded after"));
        result.Targets.Add(new Check("0 failed idempotent reads", reads.Total.Failed == 0,
            $"{reads.Total.Failed} failed of {reads.Total.Sent}; {reads.Samples.Count(s => s.Outcome.Attempts > 1)} needed another replica"));
        result.Targets.Add(new Check("Orders retried with their key never double-charge", retried > 0 && ledger.Holds && ledger.DoubleCharged == 0,
            retried > 0
                ? $"{retried} orders sent again after the kill; {ledger.DoubleCharged} charged twice"
                : "not exercised: no order had to be sent again after the kill"));

        await context.System.WaitForInstanceStoppedAsync(victim);
        await context.System.ExecuteOnInstanceAsync(victim, KnownResourceCommands.StartCommand);
        await context.WaitForWholeSystemAsync();
        return result;
    }
}
