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

            var afterStart = clock.Now;
            while (clock.Now < afterStart + timeline.MaxAfter)
            {
                if (clock.Now >= afterStart + timeline.MinAfter && loads.All(l => HasRecovered(l, warmUp: timeline.WarmUp, faultAt)))
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
    /// Recovered: the requests sent in the last window that have all been answered (one second back, so the slowest
    /// still in flight are not missed) all succeeded, within <see cref="WorkloadRun.LatencyTolerance"/> × the pre-fault p99.
    /// </summary>
    private static bool HasRecovered(OpenLoad load, TimeSpan warmUp, TimeSpan faultAt)
    {
        var now = load.Clock.Now;
        var samples = load.Samples.ToArray();
        var before = LatencySummary.Of(samples.Where(s => s.Intended >= warmUp && s.Intended < faultAt));
        var recent = LatencySummary.Of(samples.Where(s => s.Intended >= now - WorkloadRun.LatencyWindow - TimeSpan.FromSeconds(1) && s.Intended < now - TimeSpan.FromSeconds(1)));
        return recent.Sent > 0 && recent.Failed == 0 && recent.P99Ms <= before.P99Ms * WorkloadRun.LatencyTolerance;
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
