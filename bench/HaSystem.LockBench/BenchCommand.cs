using System.Diagnostics;
using System.Globalization;
using HaSystem.Coordination.Locking;

namespace HaSystem.LockBench;

/// <summary>
/// Acquire+release throughput and latency for 1 and for N contenders on one key, against a baseline measured in
/// the same run: one client's PING round trips. The machines are noisy; the ratios are what compare across runs.
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var (locks, redis) = await LockFactory.CreateAsync();
        await using var _ = redis;
        var duration = args.Time("duration", "00:00:05");
        var db = redis.GetDatabase();

        var ping = await MeasureAsync(1, duration, async () => await db.PingAsync());
        Print("baseline: PING, 1 client", ping, ping);
        foreach (var contenders in args.Get("contenders", "1,8").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)))
        {
            var key = $"bench:lock:{Guid.NewGuid():N}";
            var result = await MeasureAsync(contenders, duration, async () =>
            {
                await using var lease = await locks.AcquireAsync(new LockRequest(key, TimeSpan.FromSeconds(5)) { AutoRenew = false, FenceTimeToLive = TimeSpan.FromMinutes(1) }, TimeSpan.FromSeconds(30));
            });
            Print($"lock acquire+release, {contenders} contender(s) on one key", result, ping);
        }

        return 0;
    }

    private static async Task<Result> MeasureAsync(int clients, TimeSpan duration, Func<Task> operation)
    {
        for (var i = 0; i < 50; i++)
        {
            await operation(); // warm-up: connections, scripts loaded, JIT
        }

        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await operation();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        })));
        latencies.Sort();
        return new Result(latencies.Count / clock.Elapsed.TotalSeconds, latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)]);
    }

    private static void Print(string name, Result result, Result baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-48} {result.PerSecond,10:0} ops/s ({result.PerSecond / baseline.PerSecond:0.00}x baseline)  p50 {result.P50,7:0.00} ms  p99 {result.P99,7:0.00} ms"));

    private sealed record Result(double PerSecond, double P50, double P99);
}
