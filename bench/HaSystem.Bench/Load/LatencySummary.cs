using HdrHistogram;

namespace HaSystem.Bench.Load;

/// <summary>
/// Requests sent in a span of time and how they ended, with latency percentiles from an HdrHistogram (microsecond
/// resolution, three significant digits). Failed requests count in the latency too: a user waited for them.
/// <see cref="Retried"/> counts the requests the client had to send more than once (to another replica, or again).
/// </summary>
public sealed record LatencySummary(
    int Sent,
    int Succeeded,
    int Retried,
    IReadOnlyDictionary<string, int> FailedBy,
    double P50Ms,
    double P99Ms,
    double MaxMs)
{
    private const long HighestTrackableMicroseconds = 10L * 60 * 1_000_000;

    public int Failed => Sent - Succeeded;

    public static LatencySummary Of(IEnumerable<Sample> samples)
    {
        var list = samples as IReadOnlyCollection<Sample> ?? samples.ToArray();
        if (list.Count == 0)
        {
            return new LatencySummary(0, 0, 0, new Dictionary<string, int>(), double.NaN, double.NaN, double.NaN);
        }

        var histogram = new LongHistogram(HighestTrackableMicroseconds, 3);
        foreach (var sample in list)
        {
            histogram.RecordValue(Math.Clamp((long)sample.Latency.TotalMicroseconds, 0, HighestTrackableMicroseconds));
        }

        var failedBy = list.Where(s => !s.Outcome.Succeeded).GroupBy(s => s.Outcome.Label)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        return new LatencySummary(
            list.Count,
            list.Count(s => s.Outcome.Succeeded),
            list.Count(s => s.Outcome.Attempts > 1),
            failedBy,
            histogram.GetValueAtPercentile(50) / 1000.0,
            histogram.GetValueAtPercentile(99) / 1000.0,
            histogram.GetMaxValue() / 1000.0);
    }
}
