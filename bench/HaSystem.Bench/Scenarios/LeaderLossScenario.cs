using System.Globalization;
using HaSystem.Bench.Load;
using HaSystem.Testing;

namespace HaSystem.Bench.Scenarios;

/// <summary>
/// The leading worker killed (<c>kill -9</c>) while reports are produced (every 2 s in the bench) and read. Its lease
/// has to expire before a follower can take it, so the hand-over is bounded by the lease plus one renewal; the
/// fencing token keeps a deposed leader from writing a period twice.
/// </summary>
public sealed class LeaderLossScenario : IScenario
{
    /// <summary>The worker's lease (5 s) plus one renewal interval (1 s), its defaults (<c>Worker:Leader</c>).</summary>
    public static readonly TimeSpan HandOverBound = TimeSpan.FromSeconds(6);

    /// <summary>The lease's <c>since</c> has millisecond resolution.</summary>
    private static readonly TimeSpan ClockResolution = TimeSpan.FromMilliseconds(5);

    public string Name => "leader-loss";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var profile = context.Profile;
        using var api = await context.ConnectApiAsync();
        var leader = await Leadership.WaitForLeaderAsync(context.System, context.Api, TimeSpan.FromSeconds(60));
        var result = new ScenarioResult(Name, "The worker leader killed while reports run",
            string.Create(CultureInfo.InvariantCulture,
                $"{profile.ReportReadsPerSecond:0} report reads/s while the leader produces a report per tenant every {BenchSystem.ReportPeriodSeconds} s; `kill -9` of the leading worker."));

        Task<Leadership.Leader>? successor = null;
        DateTimeOffset killedAt = default;
        var run = await ChaosRunner.RunAsync(
            [new Workload("report reads", profile.ReportReadsPerSecond, api.ReadReportsAsync)],
            profile.Chaos,
            inject: () =>
            {
                var pid = context.System.ServiceProcessOf(leader.Holder);
                killedAt = DateTimeOffset.UtcNow;
                Signals.KillNow(pid);
                successor = Leadership.WaitForLeaderAsync(context.System, context.Api, TimeSpan.FromSeconds(60), l => l.Holder != leader.Holder);
                return Task.FromResult($"kill -9 {leader.Holder} (pid {pid}), the leader (fencing token {leader.FencingToken})");
            },
            restore: null,
            context.Log);
        result.Runs.Add(run);

        // Measured to the moment the new leader acquired the lease (by Redis's clock, on this machine).
        var next = await successor!;
        var handOver = next.Since - killedAt;
        var faultUnix = killedAt.ToUnixTimeSeconds();
        var endUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var period = BenchSystem.ReportPeriodSeconds;
        await SalesReports.WaitForPeriodAsync(context.System, endUnix / period * period, TimeSpan.FromSeconds(60));
        var rows = await SalesReports.ReadAsync(context.System);
        var (violations, reports) = SalesReports.Check(rows, faultUnix / period * period - 2 * period, endUnix / period * period);
        // Also forbidden by the table's unique (tenant, period) index; the fencing token is what keeps a deposed
        // leader from even trying. Counted from the rows, so a change to either would show here.
        var duplicates = rows.GroupBy(r => (r.Tenant, r.PeriodStart)).Count(g => g.Count() > 1);

        var reads = run.Workload("report reads");
        result.Tables.Add(new MarkdownTable("The hand-over", ["Killed", "New leader", "Fencing tokens", "Hand-over (kill → lease acquired)", "Reports"],
            [[leader.Holder, next.Holder, $"{leader.FencingToken} → {next.FencingToken}", string.Create(CultureInfo.InvariantCulture, $"{handOver.TotalSeconds:0.00} s"), reports]]));
        result.Invariants.Add(new Check("Every report period since the start exists exactly once per tenant, none missing across the kill, tokens never going down", violations.Count == 0,
            violations.Count == 0 ? "no duplicate, no gap" : string.Join(" ", violations)));
        result.Invariants.Add(new Check("A new leader with a higher fencing token", next.FencingToken > leader.FencingToken, $"{leader.FencingToken} → {next.FencingToken}"));
        result.Invariants.Add(new Check("Report reads succeed after the kill", reads.After.Succeeded > 0, $"{reads.After.Succeeded} of {reads.After.Sent}"));
        result.Targets.Add(new Check($"Hand-over within the lease TTL plus one renewal ({HandOverBound.TotalSeconds:0} s)", handOver <= HandOverBound + ClockResolution,
            string.Create(CultureInfo.InvariantCulture, $"{handOver.TotalSeconds:0.00} s")));
        result.Targets.Add(new Check("No duplicate report period", duplicates == 0, $"{duplicates} duplicated"));

        await context.System.WaitForInstanceStoppedAsync(leader.Holder);
        await context.System.ExecuteOnInstanceAsync(leader.Holder, KnownResourceCommands.StartCommand);
        await context.WaitForWholeSystemAsync();
        return result;
    }
}
