namespace HaSystem.Bench.Load;

/// <summary>
/// One workload's samples in a chaos run, cut into the phases before, during and after the fault, and what they say
/// about recovery. Every figure is derived from the samples, so the report, the chart and the checks agree.
/// </summary>
public sealed class WorkloadRun
{
    /// <summary>A window's latency counts as back to normal at or below this multiple of the pre-fault p99.</summary>
    public const double LatencyTolerance = 2.0;

    public static readonly TimeSpan LatencyWindow = TimeSpan.FromSeconds(2);

    /// <summary>A window's p99 means little below this many requests (it is then simply its slowest one).</summary>
    public const int MinimumWindowSamples = 20;

    public WorkloadRun(Workload workload, IEnumerable<Sample> samples, TimeSpan warmUp, TimeSpan faultAt, TimeSpan duringEnd, TimeSpan end)
    {
        Name = workload.Name;
        RatePerSecond = workload.RatePerSecond;
        Samples = samples.Where(s => s.Intended >= warmUp).OrderBy(s => s.Intended).ToArray();
        FaultAt = faultAt;
        Before = LatencySummary.Of(Samples.Where(s => s.Intended < faultAt));
        During = LatencySummary.Of(Samples.Where(s => s.Intended >= faultAt && s.Intended < duringEnd));
        After = LatencySummary.Of(Samples.Where(s => s.Intended >= duringEnd && s.Intended < end));
        Total = LatencySummary.Of(Samples);
        End = end;
        FirstSuccessAfterFault = Samples.Where(s => s.Intended >= faultAt && s.Outcome.Succeeded).Select(s => (TimeSpan?)(s.Completed - faultAt)).Min();
        LongestWithoutSuccess = LongestGapBetweenSuccesses();
        LatencyBackAfter = WhenLatencyWasBack();
    }

    public string Name { get; }

    public double RatePerSecond { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public TimeSpan FaultAt { get; }

    public TimeSpan End { get; }

    public LatencySummary Before { get; }

    public LatencySummary During { get; }

    public LatencySummary After { get; }

    public LatencySummary Total { get; }

    /// <summary>From the fault to the first success of a request sent after it.</summary>
    public TimeSpan? FirstSuccessAfterFault { get; }

    /// <summary>
    /// The longest time, from the fault to the end of the run, in which no request of this workload sent after the
    /// fault succeeded: how long its users saw the system unavailable (however their requests ended, failed or still
    /// waiting). The whole rest of the run when none succeeded.
    /// </summary>
    public TimeSpan LongestWithoutSuccess { get; }

    /// <summary>
    /// When latency was back: from the fault to the due time of the last failed or slow request (above
    /// <see cref="LatencyTolerance"/> × the pre-fault p99) in a disturbed <see cref="LatencyWindow"/> (sliding by a
    /// quarter of it; one with a failure or such a p99, judged only with at least <see cref="MinimumWindowSamples"/>
    /// requests); zero if none was. <see langword="null"/> when it was still disturbed at the end of the run.
    /// </summary>
    public TimeSpan? LatencyBackAfter { get; }

    private TimeSpan LongestGapBetweenSuccesses()
    {
        var successes = Samples.Where(s => s.Intended >= FaultAt && s.Outcome.Succeeded).Select(s => s.Completed).Order();
        var previous = FaultAt;
        var longest = TimeSpan.Zero;
        foreach (var completed in successes.Append(End))
        {
            longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, (completed - previous).Ticks));
            previous = TimeSpan.FromTicks(Math.Max(previous.Ticks, completed.Ticks));
        }

        return longest;
    }

    private TimeSpan? WhenLatencyWasBack()
    {
        if (Before.Sent == 0 || Samples.Count == 0)
        {
            return null;
        }

        var limit = Before.P99Ms * LatencyTolerance;
        var last = Samples[^1].Intended;
        TimeSpan? lastBad = null;
        TimeSpan? lastDisturbedWindowEnd = null;
        for (var start = FaultAt; start + LatencyWindow <= last; start += LatencyWindow / 4)
        {
            var inWindow = Samples.Where(s => s.Intended >= start && s.Intended < start + LatencyWindow).ToArray();
            var window = LatencySummary.Of(inWindow);
            if (window.Failed > 0 || (window.Sent >= MinimumWindowSamples && window.P99Ms > limit))
            {
                lastDisturbedWindowEnd = start + LatencyWindow;
                var bad = inWindow.Where(s => !s.Outcome.Succeeded || s.Latency.TotalMilliseconds > limit).Select(s => (TimeSpan?)s.Intended).Max();
                lastBad = bad > lastBad || lastBad is null ? bad : lastBad;
            }
        }

        if (lastDisturbedWindowEnd is { } until && until + LatencyWindow > last)
        {
            return null;
        }

        return lastBad is { } b && b > FaultAt ? b - FaultAt : TimeSpan.Zero;
    }

    /// <summary>Per-bucket p50, p99 and failures, by send time, for the chart (x in seconds from the fault).</summary>
    public IReadOnlyList<(double Second, double P50Ms, double P99Ms, int Failed)> Series(TimeSpan bucket)
    {
        return Samples
            .GroupBy(s => (long)Math.Floor((s.Intended - FaultAt) / bucket))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var summary = LatencySummary.Of(g);
                return (g.Key * bucket.TotalSeconds, summary.P50Ms, summary.P99Ms, summary.Failed);
            })
            .ToArray();
    }
}
