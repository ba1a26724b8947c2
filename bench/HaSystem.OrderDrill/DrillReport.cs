using System.Globalization;

namespace HaSystem.OrderDrill;

/// <summary>What the user saw: failed orders by answer, the longest time without a success, and each event's recovery.</summary>
public static class DrillReport
{
    public static void Print(IReadOnlyList<Answer> answers, IReadOnlyList<DrillEvent> events, DrillOptions options, TextWriter output)
    {
        var failed = answers.Where(a => !a.Succeeded).ToArray();
        var successes = answers.Where(a => a.Succeeded).Select(a => a.AnsweredAt).Order().ToArray();
        var start = answers.Count > 0 ? answers.Min(a => a.SentAt) : DateTimeOffset.UtcNow;
        var end = answers.Count > 0 ? answers.Max(a => a.AnsweredAt) : start;
        var latencies = answers.Select(a => a.Elapsed.TotalMilliseconds).Order().ToArray();

        var byAnswer = string.Join(", ", failed.GroupBy(a => a.Status?.ToString(CultureInfo.InvariantCulture) ?? a.Error).Select(g => $"{g.Count()}× {g.Key}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"orders: {answers.Count} sent at {options.Rate:0.#}/s over {options.Replicas.Count} replicas, {answers.Count - failed.Length} succeeded, {failed.Length} failed") +
            (failed.Length == 0 ? "" : $" ({byAnswer})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency: p50 {Percentile(latencies, 0.5):0} ms, p99 {Percentile(latencies, 0.99):0} ms, max {(latencies.Length > 0 ? latencies[^1] : 0):0} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"longest time without a successful order: {LongestGap(successes, start, end).TotalSeconds:0.00} s"));
        foreach (var drillEvent in events)
        {
            var first = successes.FirstOrDefault(s => s > drillEvent.At);
            var recovery = first == default ? "never" : string.Create(CultureInfo.InvariantCulture, $"{(first - drillEvent.At).TotalSeconds:0.00} s");
            var failedAfter = failed.Count(a => a.AnsweredAt > drillEvent.At && a.SentAt < drillEvent.At.AddSeconds(30));
            output.WriteLine($"  {drillEvent.Label}: first success {recovery} after it; {failedAfter} failed answered within 30 s after it");
        }
    }

    public static void WriteCsv(IReadOnlyList<Answer> answers, string path) =>
        File.WriteAllLines(path, answers.Select(a => string.Create(CultureInfo.InvariantCulture,
            $"{a.Sequence},{a.Replica.Port},{a.SentAt.ToUnixTimeMilliseconds()},{a.Elapsed.TotalMilliseconds:0},{a.Status?.ToString(CultureInfo.InvariantCulture) ?? a.Error}"))
            .Prepend("sequence,replica_port,sent_unix_ms,elapsed_ms,status"));

    // The longest stretch from the start, between two successes, or to the end, in which no order succeeded.
    private static TimeSpan LongestGap(DateTimeOffset[] successes, DateTimeOffset start, DateTimeOffset end)
    {
        var longest = TimeSpan.Zero;
        var previous = start;
        foreach (var success in successes.Append(end))
        {
            longest = success - previous > longest ? success - previous : longest;
            previous = success;
        }

        return longest;
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
