using System.Globalization;
using HaSystem.Coordination.Locking;

namespace HaSystem.LockBench;

/// <summary>
/// Contenders hammering one lock for a while. Inside the lock each one does a read-modify-write of a shared ledger
/// file (count, last fencing token, who is inside) with no synchronisation of its own: two holders at once show up
/// as an overlap or a lost count. Each critical section is appended to <c>--records</c> as
/// <c>token enterTicks exitTicks contender</c> for the test to merge across processes.
/// </summary>
internal static class ContendCommand
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var (locks, redis) = await LockFactory.CreateAsync();
        await using var _ = redis;
        var key = args.Get("key");
        var ledger = args.Get("ledger");
        var until = DateTime.UtcNow + args.Time("duration", "00:00:10");
        var contenders = args.Int("contenders", "2");
        var records = new List<string>();
        var anomalies = 0;

        await Task.WhenAll(Enumerable.Range(0, contenders).Select(i => Task.Run(async () =>
        {
            var me = $"{Environment.ProcessId}-{i}";
            while (DateTime.UtcNow < until)
            {
                await using var lease = await locks.AcquireAsync(new LockRequest(key, TimeSpan.FromSeconds(2)) { Holder = me }, TimeSpan.FromSeconds(30));
                var enter = DateTime.UtcNow.Ticks;
                var before = Read(ledger);
                var bad = before.Holder != "-" || lease.FencingToken <= before.LastToken;
                File.WriteAllText(ledger, $"{before.Count} {before.LastToken} {me}");
                await Task.Delay(1);
                bad |= Read(ledger).Holder != me;
                File.WriteAllText(ledger, $"{before.Count + 1} {lease.FencingToken} -");
                var exit = DateTime.UtcNow.Ticks;
                lock (records)
                {
                    records.Add(string.Create(CultureInfo.InvariantCulture, $"{lease.FencingToken} {enter} {exit} {me}"));
                    anomalies += bad ? 1 : 0;
                }
            }
        })));

        File.AppendAllLines(args.Get("records"), records);
        Console.WriteLine($"acquisitions {records.Count} anomalies {anomalies}");
        return 0;
    }

    private static (long Count, long LastToken, string Holder) Read(string path)
    {
        var parts = File.Exists(path) ? File.ReadAllText(path).Split(' ') : [];
        return parts.Length == 3
            ? (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), parts[2])
            : (0, 0, "-");
    }
}
