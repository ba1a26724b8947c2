namespace HaSystem.Bench.Load;

/// <summary>
/// Runs workloads at their fixed rates, injects a fault at a fixed time, optionally undoes it, and keeps the load on
/// until every workload has recovered (no failure and p99 back within tolerance over the last window) or the
/// timeline's limit is reached.
/// </summary>
public static class ChaosRunner
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(45);

    /// <param name="inject">Breaks something; returns a sentence saying what it did.</param>
    /// <param name="restore">Undoes the fault at the end of <see cref="Timeline.During"/> (a stopped part started again), if the scenario does.</param>
    public static async Task<ChaosRun> RunAsync(
        IReadOnlyList<Workload> workloads, Timeline timeline, Func<Task<string>> inject, Func<Task>? restore, Action<string> log)
    {
        var clock = new ScenarioClock();
        var loads = workloads.Select(w => new OpenLoad(w, clock, TimeSpan.Zero)).ToArray();
        foreach (var load in loads)
        {
            load.Start();
        }

        try
        {
            await WaitUntilAsync(clock, timeline.WarmUp + timeline.Before);
            var faultAt = clock.Now;
            var fault = await inject();
            log($"  {faultAt.TotalSeconds,6:0.0} s  fault: {fault}");
            await WaitUntilAsync(clock, faultAt + timeline.During);
            var duringEnd = clock.Now;
            if (restore is not null)
            {
                await restore();
                log($"  {duringEnd.TotalSeconds,6:0.0} s  restored (took {(clock.Now - duringEnd).TotalSeconds:0.0} s)");
            }

            // The pre-fault p99 of each load, once: every request due before the fault has been answered by now.
            var beforeP99 = loads.ToDictionary(l => l, l => LatencySummary.Of(l.Samples.Where(s => s.Intended >= timeline.WarmUp && s.Intended < faultAt)).P99Ms);
            var afterStart = clock.Now;
            while (clock.Now < afterStart + timeline.MaxAfter)
            {
                if (clock.Now >= afterStart + timeline.MinAfter && loads.All(l => HasRecovered(l, beforeP99[l])))
                {
                    break;
                }

                await Task.Delay(250);
            }

            var end = clock.Now;
            await Task.WhenAll(loads.Select(l => l.StopAsync(DrainTimeout)));
            log($"  {end.TotalSeconds,6:0.0} s  load stopped; {string.Join(", ", loads.Select(l => $"{l.Workload.Name} {l.Samples.Count} sent"))}");
            return new ChaosRun(fault, clock.StartedAt, faultAt, duringEnd, end,
                loads.Select(l => new WorkloadRun(l.Workload, l.Samples, timeline.WarmUp, faultAt, duringEnd, end)).ToArray());
        }
        catch
        {
            await Task.WhenAll(loads.Select(async l =>
            {
                try
                {
                    await l.StopAsync(DrainTimeout);
                }
                catch (TimeoutException)
                {
                    // Reported by the exception that got us here.
                }
            }));
            throw;
        }
    }

    /// <summary>
    /// Recovered: every request due in the last window (ending one second ago) has been answered, none of them is
    /// still waiting from earlier, all succeeded, and their p99 is within <see cref="WorkloadRun.LatencyTolerance"/> ×
    /// the pre-fault p99.
    /// </summary>
    private static bool HasRecovered(OpenLoad load, double beforeP99Ms)
    {
        var until = load.Clock.Now - TimeSpan.FromSeconds(1);
        if (load.OldestUnansweredDue is { } oldest && oldest < until)
        {
            return false;
        }

        var recent = LatencySummary.Of(load.Samples.Where(s => s.Intended >= until - WorkloadRun.LatencyWindow && s.Intended < until));
        return recent.Sent > 0 && recent.Failed == 0 && recent.P99Ms <= beforeP99Ms * WorkloadRun.LatencyTolerance;
    }

    private static async Task WaitUntilAsync(ScenarioClock clock, TimeSpan at)
    {
        var wait = at - clock.Now;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
}
