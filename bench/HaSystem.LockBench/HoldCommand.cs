using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HaSystem.Coordination.Locking;

namespace HaSystem.LockBench;

/// <summary>
/// A holder that can be paused from outside (SIGSTOP): takes the lease, prints <c>acquired {token}</c>, waits for
/// its lease to be lost and prints <c>lost</c>, then makes a late write of one sales report with its old fencing
/// token through the API and prints <c>write {status} {problem type}</c>. API address and service token come from
/// <c>--api</c> and <c>HASYSTEM_TOKEN</c>.
/// </summary>
internal static class HoldCommand
{
    public static async Task<int> RunAsync(CommandLine args)
    {
        var (locks, redis) = await LockFactory.CreateAsync();
        await using var _ = redis;
        await using var lease = await locks.AcquireAsync(new LockRequest(args.Get("key"), args.Time("ttl", "00:00:02")) { Holder = "lockbench-hold" }, TimeSpan.FromSeconds(30));
        Console.WriteLine($"acquired {lease.FencingToken}");
        var held = Stopwatch.StartNew();

        await Task.Delay(Timeout.Infinite, lease.LeaseLost).ContinueWith(_ => { }, TaskScheduler.Default);
        Console.WriteLine($"lost after {held.ElapsedMilliseconds} ms");

        using var http = new HttpClient { BaseAddress = new Uri(args.Get("api")), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("HASYSTEM_TOKEN"));
        using var response = await http.PostAsJsonAsync("/api/reports", new
        {
            tenant = args.Get("tenant", "acme"),
            periodStart = long.Parse(args.Get("period-start"), System.Globalization.CultureInfo.InvariantCulture),
            periodSeconds = args.Int("period-seconds", "10"),
            fencingToken = lease.FencingToken,
            producedBy = "lockbench-hold",
        });
        var body = await response.Content.ReadAsStringAsync();
        var type = response.IsSuccessStatusCode ? "-" : JsonDocument.Parse(body).RootElement.TryGetProperty("type", out var t) ? t.GetString() : "-";
        Console.WriteLine($"write {(int)response.StatusCode} {type}");
        return 0;
    }
}
