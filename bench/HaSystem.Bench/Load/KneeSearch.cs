using System.Globalization;
using HaSystem.Bench.Scenarios;

namespace HaSystem.Bench.Load;

/// <summary>
/// A knee: the highest of a ladder of fixed rates at which a target's p99 stays under a limit with no failure, and each
/// step's latency. A step that misses is run once more before it counts: one background burst on a shared 2-core
/// machine (a report catch-up, a GC) should not end the search, but a rate the system cannot hold misses twice.
/// </summary>
public sealed record KneeSearch(double Knee, IReadOnlyDictionary<double, LatencySummary> Steps)
{
    /// <summary>A step counts only if the sender kept to its schedule: at least this share of the requests were sent.</summary>
    public const double MinimumSentShare = 0.95;

    /// <summary>The unmeasured start of every step.</summary>
    public static readonly TimeSpan StepWarmUp = TimeSpan.FromSeconds(1);

    /// <param name="aroundStep">Runs each step (its rate, the step itself), to read counters around it.</param>
    public static async Task<KneeSearch> FindAsync(
        BenchContext context, string target, Func<long, CancellationToken, Task<Outcome>> send, IReadOnlyList<double> ladder, double p99LimitMs,
        Func<double, Func<Task>, Task>? aroundStep = null)
    {
        var steps = new Dictionary<double, LatencySummary>();
        var knee = 0.0;
        foreach (var rate in ladder)
        {
            var passed = false;
            for (var attempt = 1; attempt <= 2 && !passed; attempt++)
            {
                LatencySummary? measured = null;
                async Task RunStepAsync() => measured = await StepAsync(new Workload(target, rate, send), context.Profile.KneeStep);
                await (aroundStep is null ? RunStepAsync() : aroundStep(rate, RunStepAsync));

                var summary = measured!;
                steps[rate] = summary;
                passed = summary.Failed == 0 && summary.P99Ms < p99LimitMs && summary.Sent >= rate * context.Profile.KneeStep.TotalSeconds * MinimumSentShare;
                context.Log(string.Create(CultureInfo.InvariantCulture,
                    $"  {target,-13} {rate,6:0}/s: p50 {summary.P50Ms,7:0.00} ms, p99 {summary.P99Ms,8:0.00} ms, max {summary.MaxMs,8:0.0} ms, {summary.Failed} failed, {summary.Sent} sent {(passed ? "" : attempt == 1 ? "← missed, once more" : "← past the knee")}"));
            }

            if (!passed)
            {
                break;
            }

            knee = rate;
        }

        return new KneeSearch(knee, steps);
    }

    /// <summary>One step: the rate held for the warm-up plus <paramref name="measured"/>; only the measured part counts.</summary>
    public static async Task<LatencySummary> StepAsync(Workload workload, TimeSpan measured)
    {
        var clock = new ScenarioClock();
        var load = new OpenLoad(workload, clock, TimeSpan.Zero);
        load.Start();
        await Task.Delay(StepWarmUp + measured);
        await load.StopAsync(TimeSpan.FromSeconds(30));
        var end = StepWarmUp + measured;
        return LatencySummary.Of(load.Samples.Where(s => s.Intended >= StepWarmUp && s.Intended < end));
    }

    /// <summary>The knee, or "≥ top" when even the ladder's last rate passed (the bench could not find the knee).</summary>
    public string Rate(IReadOnlyList<double> ladder) =>
        string.Create(CultureInfo.InvariantCulture, $"{(Knee >= ladder[^1] ? "≥ " : "")}{Knee:0}");

    /// <summary>One step's p50 / p99 / max and failures, for a table cell; empty when the rate was not tried.</summary>
    public string Cell(double rate) =>
        Steps.TryGetValue(rate, out var s)
            ? string.Create(CultureInfo.InvariantCulture, $"{s.P50Ms:0.0} / {s.P99Ms:0.0} / {s.MaxMs:0} ms{(s.Failed > 0 ? $", {s.Failed} failed" : "")}")
            : "";

    public static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0.00} ms");
}
