using System.Globalization;
using HaSystem.Bench.Load;
using HaSystem.Testing;

namespace HaSystem.Bench.Scenarios;

/// <summary>
/// Orders (through the API) and session writes (through the shop) while the <c>state</c> primary is killed with
/// <c>kill -9</c>; the Sentinels promote a replica. Repeated, because one failover's timing is one draw of a noisy
/// process (Sentinel's down-after, the election, the clients' reconnect).
/// </summary>
public sealed class StateFailoverScenario : IScenario
{
    public const double UnavailableTargetSeconds = 5;

    public string Name => "state-failover";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var profile = context.Profile;
        var result = new ScenarioResult(Name, "Orders and session writes while the state primary is killed",
            string.Create(CultureInfo.InvariantCulture,
                $"{profile.OrdersPerSecond:0} orders/s (each retried with its Idempotency-Key until answered, for up to {context.Traffic.OrderDeadline.TotalSeconds:0} s) " +
                $"and {profile.SessionWritesPerSecond:0} cart changes/s through the shop ({context.Traffic.ShopSessions} signed-in sessions); " +
                $"`kill -9` of the `state` primary; {profile.StateFailoverRuns} run(s), the node started again between runs."));

        var summary = new List<IReadOnlyList<string>>();
        var unavailable = new List<double>();
        var ledgersHold = true;
        for (var number = 1; number <= profile.StateFailoverRuns; number++)
        {
            context.Log($"  run {number} of {profile.StateFailoverRuns}");
            using var api = await context.ConnectApiAsync();
            using var shop = await context.SignInToShopAsync();
            var primary = context.System.PrimaryOf("state");
            var keys = $"{context.RunId}-sf{number}-";
            var run = await ChaosRunner.RunAsync(
                [
                    new Workload("orders", profile.OrdersPerSecond, (n, ct) => api.PlaceOrderAsync($"{keys}{n}", 1 + n % context.Traffic.HotProducts, ct)),
                    new Workload("session writes", profile.SessionWritesPerSecond, shop.ChangeCartAsync),
                ],
                profile.Chaos,
                inject: () =>
                {
                    var pid = context.System.ProcessIdOf(primary);
                    Signals.KillNow(pid);
                    return Task.FromResult($"kill -9 {primary.Name} (pid {pid}), the state primary");
                },
                restore: null,
                context.Log);
            result.Runs.Add(run);

            var orders = run.Workload("orders");
            var sessions = run.Workload("session writes");
            var ledger = await OrderLedger.ReadAsync(context.System, keys, api.AcknowledgedOrders.Keys.ToArray());
            ledgersHold &= ledger.Holds;
            unavailable.Add(orders.LongestWithoutSuccess.TotalSeconds);
            result.Invariants.Add(new Check($"Run {number}: orders ledger (charges = orders, no duplicates, no lost acknowledged order)", ledger.Holds, ledger.ToString()));
            result.Invariants.Add(new Check($"Run {number}: orders and session writes succeed again after the failover",
                orders.FirstSuccessAfterFault is not null && sessions.FirstSuccessAfterFault is not null && orders.After.Succeeded > 0 && sessions.After.Succeeded > 0,
                $"{orders.After.Succeeded} orders and {sessions.After.Succeeded} session writes succeeded after"));
            summary.Add([
                $"{number}", run.Fault, Seconds(orders.LongestWithoutSuccess), Seconds(sessions.LongestWithoutSuccess),
                $"{orders.Total.Failed}", $"{sessions.Total.Failed}", ledger.Holds ? "holds" : "**broken**", $"{ledger.Acknowledged} / {ledger.Stored} / {ledger.Charges}",
            ]);

            // The killed node comes back believing it is the primary until the Sentinels turn it into a replica; the
            // next run starts only once it has been (otherwise that run's "before" would include the reconfiguration).
            await context.System.ExecuteAsync(primary, KnownResourceCommands.StartCommand);
            await context.WaitForWholeSystemAsync();
            await Poll.UntilAsync($"{primary.Name} a replica again", TimeSpan.FromMinutes(1),
                _ => Task.FromResult(context.System.PropertyOf(primary, RedisResourceProperties.Role) == "replica"), () => context.System.Tracker.Describe());
        }

        var median = unavailable.Order().ElementAt(unavailable.Count / 2);
        result.Tables.Add(new MarkdownTable("Every run: the longest time without a successful order or session write after the kill, and the ledger",
            ["Run", "Fault", "Orders unavailable", "Session writes unavailable", "Orders failed", "Session writes failed", "Ledger", "Acknowledged / stored / charged"],
            summary));
        result.Targets.Add(new Check($"Orders unavailable for at most {UnavailableTargetSeconds:0} s (median of {unavailable.Count})", median <= UnavailableTargetSeconds,
            string.Create(CultureInfo.InvariantCulture, $"median {median:0.00} s (runs: {string.Join(", ", unavailable.Select(u => u.ToString("0.00", CultureInfo.InvariantCulture)))} s)")));
        result.Targets.Add(new Check("No double charge, no lost acknowledged order", ledgersHold, ledgersHold ? "ledger holds in every run" : "see the invariants"));
        return result;
    }

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.00} s");
}
