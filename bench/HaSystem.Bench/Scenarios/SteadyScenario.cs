using System.Globalization;
using HaSystem.Bench.Baselines;
using HaSystem.Bench.Load;

namespace HaSystem.Bench.Scenarios;

/// <summary>
/// The knee: the highest fixed rate of cached product reads whose p99 stays under 50 ms with no failure, and in the same
/// run the same search against <c>/alive</c> (the bare framework) and <c>redis-benchmark</c> GET (raw Redis), so the
/// figures are ratios measured on the same machine at the same time.
/// </summary>
public sealed class SteadyScenario : IScenario
{
    public const double P99LimitMs = 50;

    public const double KneeRatioTarget = 0.4;

    public string Name => "steady";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var profile = context.Profile;
        using var api = await context.ConnectApiAsync();
        var result = new ScenarioResult(Name, "The knee: cached reads against the bare framework and raw Redis",
            string.Create(CultureInfo.InvariantCulture,
                $"Each target is loaded at rising fixed rates ({string.Join(", ", profile.KneeLadder)} requests/s, {profile.KneeStep.TotalSeconds:0} s each after {KneeSearch.StepWarmUp.TotalSeconds:0} s unmeasured) " +
                $"spread over the {api.Replicas.Count} API replicas until a step fails twice in a row: p99 ≥ {P99LimitMs:0} ms, any failure, or under {KneeSearch.MinimumSentShare:P0} of its requests sent. " +
                $"The knee is the last step that passed; the table shows each step's last try."));

        // Unmeasured rounds first: connections, JIT tiering and the replicas' L1 caches, and time for the start-up's
        // background work (the leader catching up on report periods) to finish.
        for (var round = 0; round < 3; round++)
        {
            await KneeSearch.StepAsync(new Workload("warm-up", profile.KneeLadder[0], api.ReadProductAsync), profile.KneeStep);
        }

        var cached = await KneeSearch.FindAsync(context, "cached reads", api.ReadProductAsync, profile.KneeLadder, P99LimitMs);
        var alive = await KneeSearch.FindAsync(context, "/alive", api.AliveAsync, profile.KneeLadder, P99LimitMs);
        var redis = await RawRedisBaseline.MeasureAsync(profile.RedisBenchmarkRequests, CancellationToken.None);
        context.Log(string.Create(CultureInfo.InvariantCulture, $"  redis-benchmark GET: {redis.RequestsPerSecond:0} requests/s, p99 {redis.P99Ms:0.00} ms"));

        var rows = new List<IReadOnlyList<string>>();
        foreach (var rate in profile.KneeLadder.Where(r => cached.Steps.ContainsKey(r) || alive.Steps.ContainsKey(r)))
        {
            rows.Add([$"{rate:0}", cached.Cell(rate), alive.Cell(rate)]);
        }

        result.Tables.Add(new MarkdownTable("Each step: p50 / p99 / max latency, failures", ["Requests/s", "Cached product reads", "/alive"], rows));
        result.Tables.Add(new MarkdownTable("The knees, and raw Redis on the same machine", ["Target", "Knee (requests/s)", "p50 at the knee", "p99 at the knee", "Relative to /alive"],
        [
            KneeRow("Cached product reads (JWT, rate limit in Redis, L1 hit)", cached, alive, profile),
            KneeRow("/alive (framework only)", alive, alive, profile),
            [$"redis-benchmark GET, 50 clients ({redis.Version})", string.Create(CultureInfo.InvariantCulture, $"{redis.RequestsPerSecond:0} (closed loop)"),
                KneeSearch.Ms(redis.P50Ms), KneeSearch.Ms(redis.P99Ms), alive.Knee > 0 ? string.Create(CultureInfo.InvariantCulture, $"{(alive.Knee >= profile.KneeLadder[^1] ? "≤ " : "")}{redis.RequestsPerSecond / alive.Knee:0.0}×") : "–"],
        ]));

        var ratio = alive.Knee > 0 ? cached.Knee / alive.Knee : 0;
        var aliveKnee = alive.Rate(profile.KneeLadder);
        var steps = cached.Steps.Values.Concat(alive.Steps.Values).ToArray();
        result.Invariants.Add(new Check("Every step sent its requests and had them answered", steps.All(s => s.Sent > 0),
            $"{steps.Length} steps, {steps.Sum(s => s.Sent)} requests"));
        // A ratio to an /alive knee the ladder could not reach is only an upper bound: it cannot show the target met.
        var aliveFound = alive.Knee < profile.KneeLadder[^1];
        result.Targets.Add(new Check($"Cached-read knee at least {KneeRatioTarget:P0} of the /alive knee", aliveFound && ratio >= KneeRatioTarget,
            string.Create(CultureInfo.InvariantCulture, $"{cached.Rate(profile.KneeLadder)} vs {aliveKnee} requests/s ({(aliveKnee.StartsWith('≥') ? "≤ " : "")}{ratio:P0})")));
        return result;
    }

    private static IReadOnlyList<string> KneeRow(string target, KneeSearch knee, KneeSearch alive, BenchProfile profile)
    {
        // When /alive passed even the ladder's last rate its knee is higher still, so a ratio to it is an upper bound.
        var upperBound = !ReferenceEquals(knee, alive) && alive.Knee >= profile.KneeLadder[^1];
        return
        [
            target,
            knee.Rate(profile.KneeLadder),
            knee.Steps.TryGetValue(knee.Knee, out var s) ? KneeSearch.Ms(s.P50Ms) : "–",
            knee.Steps.TryGetValue(knee.Knee, out var t) ? KneeSearch.Ms(t.P99Ms) : "–",
            alive.Knee > 0 ? string.Create(CultureInfo.InvariantCulture, $"{(upperBound ? "≤ " : "")}{knee.Knee / alive.Knee:P0}") : "–",
        ];
    }

}
