using System.Collections.Concurrent;
using System.Diagnostics;

namespace HaSystem.OrderDrill;

/// <summary>
/// An open-model load: order <c>n</c> is sent at <c>n / rate</c> seconds, round-robin over the replicas, whether or
/// not earlier orders have been answered, so a slow system gets the same traffic as a fast one.
/// </summary>
public static class FixedRateLoad
{
    public static async Task<IReadOnlyList<Answer>> RunAsync(OrderClient client, DrillOptions options)
    {
        var answers = new ConcurrentBag<Answer>();
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        var total = (long)(options.Duration.TotalSeconds * options.Rate);
        for (long n = 0; n < total; n++)
        {
            var due = TimeSpan.FromSeconds(n / options.Rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var replica = options.Replicas[(int)(n % options.Replicas.Count)];
            var sequence = n;
            inFlight.Add(Task.Run(async () => answers.Add(await client.PlaceAsync(replica, sequence))));
        }

        await Task.WhenAll(inFlight);
        return answers.OrderBy(a => a.Sequence).ToArray();
    }
}
