using System.Globalization;
using HaSystem.Bench.Load;
using HaSystem.Testing;

namespace HaSystem.Bench.Scenarios;

/// <summary>
/// The order path's knee on the store the system runs on (<c>--store</c>): the highest fixed rate of orders, each sent
/// once over every API replica, whose p99 stays under 1 s with no failure. An order is three write transactions (the
/// pending order, the charge, the completed order) plus a Redis lock, so this is where the stores differ. On PostgreSQL
/// each step also reads the server's own counters: commits and WAL flushes per order, and sessions waiting on a lock.
/// </summary>
public sealed class OrdersScenario : IScenario
{
    public const double P99LimitMs = 1000;

    public string Name => "orders";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var profile = context.Profile;
        using var api = await context.ConnectApiAsync();
        var result = new ScenarioResult(Name, $"The order knee on {context.Store}",
            string.Create(CultureInfo.InvariantCulture,
                $"Orders (one product of the user's tenant, a new Idempotency-Key each, sent once) at rising fixed rates ({string.Join(", ", profile.OrderKneeLadder)} orders/s, " +
                $"{profile.KneeStep.TotalSeconds:0} s each after {KneeSearch.StepWarmUp.TotalSeconds:0} s unmeasured) over the {api.Replicas.Count} API replicas, with the catalog on {context.Store}, " +
                $"until a step fails twice in a row: p99 ≥ {P99LimitMs:0} ms, any failure, or under {KneeSearch.MinimumSentShare:P0} of its orders sent."));

        var sequence = 0L;
        Task<Outcome> PlaceAsync(long _, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref sequence);
            return api.PlaceOrderOnceAsync($"{context.RunId}-order-{n}", 1 + (n % 2000), cancellationToken);
        }

        await KneeSearch.StepAsync(new Workload("warm-up", profile.OrderKneeLadder[0], PlaceAsync), profile.KneeStep);

        var counters = await DatabaseCounters.ConnectAsync(context.System);
        var perStep = new Dictionary<double, string>();
        var stepOrders = (KneeSearch.StepWarmUp + profile.KneeStep).TotalSeconds;
        var knee = await KneeSearch.FindAsync(context, "orders", PlaceAsync, profile.OrderKneeLadder, P99LimitMs,
            aroundStep: async (rate, step) => perStep[rate] = counters is null ? await RunAsync(step) : await counters.DuringAsync(step, (int)(rate * stepOrders)));

        var rows = profile.OrderKneeLadder.Where(knee.Steps.ContainsKey)
            .Select(rate => (IReadOnlyList<string>)[$"{rate:0}", knee.Cell(rate), perStep.GetValueOrDefault(rate, "")]).ToList();
        result.Tables.Add(new MarkdownTable($"Each step on {context.Store}: p50 / p99 / max latency, failures", ["Orders/s", "Orders", "Server counters per order"], rows));
        result.Tables.Add(new MarkdownTable("The knee", ["Store", "Knee (orders/s)", "p50 at the knee", "p99 at the knee"],
        [
            [context.Store, knee.Rate(profile.OrderKneeLadder),
                knee.Steps.TryGetValue(knee.Knee, out var s) ? KneeSearch.Ms(s.P50Ms) : "–",
                knee.Steps.TryGetValue(knee.Knee, out var t) ? KneeSearch.Ms(t.P99Ms) : "–"],
        ]));

        var ledger = await OrderLedger.ReadAsync(context.System, context.RunId, api.AcknowledgedOrders.Keys.ToArray());
        result.Invariants.Add(new Check("Every acknowledged order is stored once with one charge", ledger.Holds, ledger.ToString()));
        return result;
    }

    private static async Task<string> RunAsync(Func<Task> step)
    {
        await step();
        return "";
    }
}
