using System.Diagnostics;
using HaSystem.Bench;
using HaSystem.Bench.Reporting;
using HaSystem.Bench.Scenarios;
using HaSystem.Testing;

// The chaos and performance bench: start the system, load it at fixed rates, break one part at a fixed time, keep the
// load on until the system has recovered, and write what the users saw to BENCHMARKS.md with a chart per scenario.
IScenario[] scenarios = [new SteadyScenario(), new OrdersScenario(), new CacheOutageScenario(), new LeaderLossScenario(), StateFaultScenario.Kill, StateFaultScenario.Pause, new ApiReplicaLossScenario()];

BenchOptions options;
try
{
    options = BenchOptions.Parse(args, scenarios.Select(s => s.Name).ToArray());
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var command = $"dotnet run --project bench/HaSystem.Bench -c Release{(args.Length > 0 ? " -- " + string.Join(' ', args) : "")}";
var startedAt = DateTimeOffset.UtcNow;
var stopwatch = Stopwatch.StartNew();
Directory.CreateDirectory(options.OutputDirectory);
Console.WriteLine($"HaSystem bench, {options.Profile.Name} profile, catalog on {options.Store}: {string.Join(", ", options.Scenarios)} → {options.OutputDirectory}");
Console.WriteLine($"Starting the system (up to {HaSystemApp.StartTimeout.TotalMinutes:0} min)…");

var results = new List<ScenarioResult>();
try
{
    await using var system = await HaSystemApp.StartAsync(BenchSystem.AppHostArgumentsFor(options.Store));
    Console.WriteLine($"Every resource healthy after {system.StartupTime.TotalSeconds:0.0} s.");
    var context = new BenchContext(system, options.Profile, options.Store, Console.WriteLine);
    foreach (var scenario in scenarios.Where(s => options.Scenarios.Contains(s.Name)))
    {
        Console.WriteLine($"== {scenario.Name}");
        ScenarioResult result;
        try
        {
            result = await scenario.RunAsync(context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // One scenario that cannot finish (a command timing out, the system not recovering) is a broken
            // invariant of that scenario; the others still run and the report is still written.
            Console.Error.WriteLine($"{scenario.Name} failed: {ex}");
            result = new ScenarioResult(scenario.Name, "Did not finish", "");
            result.Invariants.Add(new Check("The scenario ran to the end", false, $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}"));
            results.Add(result);
            continue;
        }

        if (result.Runs.Count > 0)
        {
            result.Chart = $"bench-{result.Name}.png";
            // The worst run: the one whose first workload failed most, then waited longest without a success.
            var shown = result.Runs.OrderByDescending(r => r.Workloads[0].Total.Failed).ThenByDescending(r => r.Workloads[0].LongestWithoutSuccess).First();
            var title = result.Runs.Count > 1 ? $"{result.Name}: {result.Title} (worst run of {result.Runs.Count})" : $"{result.Name}: {result.Title}";
            ScenarioChart.Save(Path.Combine(options.OutputDirectory, result.Chart), title, shown, options.Profile.ChartBucket, restored: scenario is CacheOutageScenario);
        }

        foreach (var check in result.Targets.Select(t => ("target", t)).Concat(result.Invariants.Select(i => ("invariant", i))))
        {
            Console.WriteLine($"  {check.Item1,-9} {(check.Item2.Holds ? "ok  " : "MISS")} {check.Item2.What}: {check.Item2.Figure}");
        }

        results.Add(result);
    }
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    // The system did not start (or stop): there is nothing to report.
    Console.Error.WriteLine($"The bench failed: {ex}");
    return 1;
}

var report = Path.Combine(options.OutputDirectory, "BENCHMARKS.md");
var previous = File.Exists(report) ? await File.ReadAllTextAsync(report) : null;
await File.WriteAllTextAsync(report, BenchmarkReport.KeepStoreComparison(BenchmarkReport.Render(results, command, options.Profile, startedAt, stopwatch.Elapsed), previous));
var broken = results.SelectMany(r => r.Invariants.Where(i => !i.Holds).Select(i => $"{r.Name}: {i.What}: {i.Figure}")).ToArray();
var missed = results.Sum(r => r.Targets.Count(t => !t.Holds));
Console.WriteLine($"Wrote {report} after {stopwatch.Elapsed.TotalMinutes:0.0} min: {results.Sum(r => r.Targets.Count) - missed} targets met, {missed} not met; " +
    (broken.Length == 0 ? "every invariant held." : $"{broken.Length} invariant(s) broken:\n  {string.Join("\n  ", broken)}"));
return broken.Length == 0 ? 0 : 1;
