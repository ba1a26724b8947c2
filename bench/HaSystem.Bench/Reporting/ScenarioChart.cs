using HaSystem.Bench.Load;
using ScottPlot;

namespace HaSystem.Bench.Reporting;

/// <summary>
/// One PNG per chaos scenario: each workload's p50 and p99 latency over time (log scale, by send time, so a request
/// that waited through the outage shows where it was sent), failures per interval on the right axis, and the fault
/// (and its end, when the scenario undoes it) marked.
/// </summary>
public static class ScenarioChart
{
    private static readonly Color[] Palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.MediumPurple];

    public static void Save(string path, string title, ChaosRun run, TimeSpan bucket, bool restored)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("seconds from the fault (by when the request was due to be sent)");
        plot.YLabel("latency, ms (log scale)");
        plot.Axes.Right.Label.Text = "failed requests per interval";

        var colour = 0;
        var maxFailures = 0;
        foreach (var workload in run.Workloads)
        {
            var series = workload.Series(bucket);
            var xs = series.Select(p => p.Second).ToArray();
            var color = Palette[colour++ % Palette.Length];

            var p99 = plot.Add.Scatter(xs, series.Select(p => Math.Log10(Math.Max(p.P99Ms, 0.1))).ToArray());
            p99.LegendText = $"{workload.Name} p99";
            p99.Color = color;
            p99.LineWidth = 2;
            p99.MarkerSize = 0;

            var p50 = plot.Add.Scatter(xs, series.Select(p => Math.Log10(Math.Max(p.P50Ms, 0.1))).ToArray());
            p50.LegendText = $"{workload.Name} p50";
            p50.Color = color;
            p50.LineWidth = 1;
            p50.LinePattern = LinePattern.Dashed;
            p50.MarkerSize = 0;

            if (series.Any(p => p.Failed > 0))
            {
                var failures = plot.Add.Bars(xs.Select(x => x + bucket.TotalSeconds / 2).ToArray(), series.Select(p => (double)p.Failed).ToArray());
                failures.Color = Colors.Crimson.WithAlpha(colour == 1 ? 0.6 : 0.35);
                failures.LegendText = $"{workload.Name} failed";
                foreach (var bar in failures.Bars)
                {
                    bar.Size = bucket.TotalSeconds * 0.8;
                    bar.LineWidth = 0;
                }

                failures.Axes.YAxis = plot.Axes.Right;
                maxFailures = Math.Max(maxFailures, series.Max(p => p.Failed));
            }
        }

        var fault = plot.Add.VerticalLine(0, 2, Colors.Crimson);
        fault.LabelText = "fault";
        if (restored)
        {
            var end = plot.Add.VerticalLine((run.DuringEnd - run.FaultAt).TotalSeconds, 2, Colors.SeaGreen);
            end.LabelText = "restored";
        }

        // Log scale by hand: the data are log10(ms); ticks at 0.1, 1, 10, 100 ms… with minor ticks between.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => $"{Math.Pow(10, y):0.###}",
        };
        plot.Axes.Right.Min = 0;
        plot.Axes.Right.Max = Math.Max(5, maxFailures * 1.2);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 1100, 500);
    }
}
