using System.Globalization;
using System.Text;
using HaSystem.Bench.Load;
using HaSystem.Bench.Scenarios;

namespace HaSystem.Bench.Reporting;

/// <summary>Writes <c>BENCHMARKS.md</c>: the machine, the date, the command, the targets, and a section per scenario.</summary>
public static class BenchmarkReport
{
    /// <summary>The heading of the section that compares the stores: written from two runs (one per <c>--store</c>), kept across reruns.</summary>
    public const string StoreComparisonHeading = "## Orders by store";

    /// <summary>
    /// <paramref name="report"/> with the store comparison of <paramref name="previous"/> (the file it replaces) kept at
    /// its end: one bench run measures one store, so that section is written from two runs and would otherwise be lost.
    /// </summary>
    public static string KeepStoreComparison(string report, string? previous)
    {
        var at = previous?.IndexOf("\n" + StoreComparisonHeading, StringComparison.Ordinal) ?? -1;
        return at < 0 || report.Contains(StoreComparisonHeading, StringComparison.Ordinal)
            ? report
            : report.TrimEnd() + "\n" + previous![at..];
    }

    public static string Render(IReadOnlyList<ScenarioResult> results, string command, BenchProfile profile, DateTimeOffset startedAt, TimeSpan took)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks: the system under failure");
        md.AppendLine();
        md.AppendLine(Invariant($"Written by the bench, not by hand: `{command}` ({profile.Name} profile), started {startedAt:yyyy-MM-dd HH:mm} UTC, took {took.TotalMinutes:0.0} min."));
        md.AppendLine();
        md.AppendLine(Invariant($"Machine: {MachineDescription.Describe()}. The bench, the AppHost, 3 API, 2 worker and 2 web replicas, 5 Redis nodes and 3 Sentinels all share it. ") +
            "The services run their OpenTelemetry instrumentation but export nothing: there is no dashboard to export to.");
        md.AppendLine();
        md.AppendLine("**How to read it.** Load is open-model: each workload sends at a fixed rate whether or not earlier requests have");
        md.AppendLine("answered, and every latency is measured from when its request was *due*, not from when it left, so a stall can't hide");
        md.AppendLine("(coordinated omission). Latencies go into an HdrHistogram (µs, 3 significant digits). The clients behave as a good client");
        md.AppendLine("should: a read that fails goes to an API replica it has not tried (up to 3 attempts; a replica that refuses a");
        md.AppendLine("connection gets nothing for 5 s); where an API replica is killed, an order is sent again with its `Idempotency-Key`");
        md.AppendLine("until answered (up to 20 s). Where Redis fails (`state-failover`, `state-pause`) each order is sent once: what the");
        md.AppendLine("system does without any help from its client.");
        md.AppendLine("A request counts once, with its whole wait and its final answer; failed requests count in the latencies too.");
        md.AppendLine("*Unavailable* is the longest time, from the fault to the end of the run, in which no request sent after the fault");
        md.AppendLine(Invariant($"succeeded. *Latency back* is the due time of the last failed or slow request (above {WorkloadRun.LatencyTolerance:0}× the pre-fault p99)"));
        md.AppendLine(Invariant($"in a disturbed {WorkloadRun.LatencyWindow.TotalSeconds:0}-second window: one with a failure, or with at least {WorkloadRun.MinimumWindowSamples} requests and a p99 above"));
        md.AppendLine(Invariant($"{WorkloadRun.LatencyTolerance:0}× the pre-fault p99 (– when still disturbed at the end). *Before* starts after a warm-up; after the fault the"));
        md.AppendLine("load goes on (at most 60 s) until the last 2 s were all answered, without a failure, and within 2× the pre-fault p99.");
        md.AppendLine();

        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| Scenario | Target | Measured | Met |");
        md.AppendLine("| --- | --- | --- | --- |");
        foreach (var result in results)
        {
            foreach (var target in result.Targets)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| [{result.Name}](#{result.Name}) | {target.What} | {target.Figure} | {(target.Holds ? "met" : "**not met**")} |");
            }
        }

        md.AppendLine();
        md.AppendLine("## Invariants");
        md.AppendLine();
        md.AppendLine("These must hold in every run, quick or full; the bench exits non-zero when one does not.");
        md.AppendLine();
        md.AppendLine("| Scenario | Invariant | Measured | Holds |");
        md.AppendLine("| --- | --- | --- | --- |");
        foreach (var result in results)
        {
            foreach (var invariant in result.Invariants)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {result.Name} | {invariant.What} | {invariant.Figure} | {(invariant.Holds ? "yes" : "**no**")} |");
            }
        }

        foreach (var result in results)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"## {result.Name}");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"**{result.Title}.** {result.Setup}");
            md.AppendLine();
            if (result.Runs.Count > 0)
            {
                AppendRuns(md, result.Runs);
            }

            foreach (var table in result.Tables)
            {
                AppendTable(md, table);
            }

            if (result.Chart is { } chart)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"![{result.Name}: latency and failures over time, the fault marked]({chart})");
                md.AppendLine();
            }
        }

        return md.ToString();
    }

    private static void AppendRuns(StringBuilder md, List<ChaosRun> runs)
    {
        var several = runs.Count > 1;
        var phases = new List<IReadOnlyList<string>>();
        var recovery = new List<IReadOnlyList<string>>();
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            foreach (var workload in run.Workloads)
            {
                foreach (var (phase, summary) in new[] { ("before", workload.Before), ("during", workload.During), ("after", workload.After) })
                {
                    phases.Add([.. Prefix(several, i), workload.Name, phase, $"{summary.Sent}", $"{summary.Succeeded}", $"{summary.Retried}", Failures(summary), Ms(summary.P50Ms), Ms(summary.P99Ms), Ms(summary.MaxMs)]);
                }

                recovery.Add([.. Prefix(several, i), workload.Name, Invariant($"{workload.RatePerSecond:0}/s"), Seconds(workload.FirstSuccessAfterFault),
                    Seconds(workload.LongestWithoutSuccess), Seconds(workload.LatencyBackAfter)]);
            }
        }

        var faults = runs.Select((r, i) => Invariant($"{(several ? $"run {i + 1}: " : "")}{r.Fault} at {r.FaultAt.TotalSeconds:0.0} s, phase *during* {(r.DuringEnd - r.FaultAt).TotalSeconds:0.0} s, *after* {(r.End - r.DuringEnd).TotalSeconds:0.0} s"));
        md.AppendLine(CultureInfo.InvariantCulture, $"Fault: {string.Join("; ", faults)}.");
        md.AppendLine();
        var runColumn = several ? new[] { "Run" } : [];
        AppendTable(md, new MarkdownTable("Requests by phase (latency from when each was due)",
            [.. runColumn, "Workload", "Phase", "Sent", "Succeeded", "Sent again", "Failed (by answer)", "p50", "p99", "max"], phases));
        AppendTable(md, new MarkdownTable("Recovery, from the fault",
            [.. runColumn, "Workload", "Rate", "First success", "Unavailable", "Latency back"], recovery));
    }

    private static string[] Prefix(bool several, int index) => several ? [$"{index + 1}"] : [];

    private static void AppendTable(StringBuilder md, MarkdownTable table)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"*{table.Caption}*");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"| {string.Join(" | ", table.Header)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| {string.Join(" | ", table.Header.Select(_ => "---"))} |");
        foreach (var row in table.Rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))} |");
        }

        md.AppendLine();
    }

    private static string Failures(LatencySummary summary) =>
        summary.Failed == 0 ? "0" : $"{summary.Failed} ({string.Join(", ", summary.FailedBy.Select(f => $"{f.Key}: {f.Value}"))})";

    private static string Ms(double ms) => double.IsNaN(ms) ? "–" : Invariant($"{ms:0.0} ms");

    private static string Seconds(TimeSpan? span) => span is { } s ? Invariant($"{s.TotalSeconds:0.00} s") : "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
