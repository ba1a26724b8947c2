using HaSystem.Bench.Load;

namespace HaSystem.Bench.Scenarios;

/// <summary>
/// Rates and durations of a run. The full profile produces the published figures; the quick one (CI) only proves
/// the bench runs end to end and its invariants hold. Every rate is well below the knee the steady scenario measures
/// (reported beside it), so a scenario shows the fault, not an overloaded machine.
/// </summary>
public sealed record BenchProfile
{
    public required string Name { get; init; }

    public required Timeline Chaos { get; init; }

    /// <summary>Both <c>cache</c> nodes stay stopped this long.</summary>
    public required TimeSpan CacheOutage { get; init; }

    public required double CatalogReadsPerSecond { get; init; }

    public required double OrdersPerSecond { get; init; }

    public required double SessionWritesPerSecond { get; init; }

    public required double ReportReadsPerSecond { get; init; }

    /// <summary>Runs of <c>state-failover</c> and of <c>state-pause</c>; their targets are judged on the worst run.</summary>
    public required int StateFailoverRuns { get; init; }

    /// <summary>The request rates tried, in order, for the knee; the search stops at the first that misses.</summary>
    public required IReadOnlyList<double> KneeLadder { get; init; }

    public required TimeSpan KneeStep { get; init; }

    /// <summary>The order rates tried, in order, for the order knee (p99 under 1 s).</summary>
    public required IReadOnlyList<double> OrderKneeLadder { get; init; }

    public required int RedisBenchmarkRequests { get; init; }

    /// <summary>Width of a point on the charts.</summary>
    public required TimeSpan ChartBucket { get; init; }

    public static BenchProfile Full { get; } = new()
    {
        Name = "full",
        Chaos = new Timeline(Before: TimeSpan.FromSeconds(15), During: TimeSpan.FromSeconds(10), MinAfter: TimeSpan.FromSeconds(10), MaxAfter: TimeSpan.FromSeconds(60))
        {
            WarmUp = TimeSpan.FromSeconds(5),
        },
        CacheOutage = TimeSpan.FromSeconds(15),
        CatalogReadsPerSecond = 300,
        OrdersPerSecond = 20,
        SessionWritesPerSecond = 40,
        ReportReadsPerSecond = 50,
        StateFailoverRuns = 3,
        // Above 10,000 requests/s the bench itself gives out on 2 cores (one run at 12,000 ended in "Out of memory").
        KneeLadder = [250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000, 7000, 8000, 9000, 10000],
        KneeStep = TimeSpan.FromSeconds(6),
        OrderKneeLadder = [10, 25, 50, 100, 150, 200, 250, 300, 400, 500, 700],
        RedisBenchmarkRequests = 200_000,
        ChartBucket = TimeSpan.FromMilliseconds(500),
    };

    public static BenchProfile Quick { get; } = new()
    {
        Name = "quick",
        Chaos = new Timeline(Before: TimeSpan.FromSeconds(3), During: TimeSpan.FromSeconds(3), MinAfter: TimeSpan.FromSeconds(2), MaxAfter: TimeSpan.FromSeconds(30))
        {
            WarmUp = TimeSpan.FromSeconds(1),
        },
        CacheOutage = TimeSpan.FromSeconds(3),
        CatalogReadsPerSecond = 100,
        OrdersPerSecond = 10,
        SessionWritesPerSecond = 10,
        ReportReadsPerSecond = 20,
        StateFailoverRuns = 1,
        KneeLadder = [50, 100],
        KneeStep = TimeSpan.FromSeconds(2),
        OrderKneeLadder = [5, 10],
        RedisBenchmarkRequests = 10_000,
        ChartBucket = TimeSpan.FromMilliseconds(500),
    };
}
