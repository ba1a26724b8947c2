using System.Globalization;
using HaSystem.Testing.Load;
using HaSystem.Testing.Traffic;

namespace HaSystem.Tests.Infrastructure;

/// <summary>
/// What users do while a test breaks Redis: orders at a fixed rate, round-robin over every API replica, each sent
/// once (no client retry, so a failure is what the user saw), and cart changes through the shop at a fixed rate. The
/// load is open: a slow answer does not slow the schedule down.
/// </summary>
public sealed class UserTraffic : IAsyncDisposable
{
    public const double OrdersPerSecond = 10;
    public const double CartWritesPerSecond = 4;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly ApiTraffic _api;
    private readonly ShopTraffic _shop;
    private readonly OpenLoad _orders;
    private readonly OpenLoad _cartWrites;
    private bool _stopped;

    private UserTraffic(ApiTraffic api, ShopTraffic shop, string keyPrefix)
    {
        _api = api;
        _shop = shop;
        KeyPrefix = keyPrefix;
        Clock = new ScenarioClock();
        _orders = new OpenLoad(new Workload("orders", OrdersPerSecond, (n, ct) => api.PlaceOrderOnceAsync($"{keyPrefix}{n}", ProductOf(n), ct)), Clock, TimeSpan.Zero);
        _cartWrites = new OpenLoad(new Workload("cart writes", CartWritesPerSecond, shop.ChangeCartAsync), Clock, TimeSpan.Zero);
    }

    public ScenarioClock Clock { get; }

    /// <summary>Every order key of this traffic starts with it (letters, digits and '-'), for the ledger check.</summary>
    public string KeyPrefix { get; }

    public IReadOnlyCollection<Sample> Orders => _orders.Samples;

    public IReadOnlyCollection<Sample> CartWrites => _cartWrites.Samples;

    public IReadOnlyCollection<string> AcknowledgedOrders => _api.AcknowledgedOrders.Keys.ToArray();

    /// <summary>Orders as <c>user@globex</c> (the user), cart changes as <c>user@acme</c> in four signed-in sessions.</summary>
    public static async Task<UserTraffic> StartAsync(HaSystemApp system, ApiClient api)
    {
        var options = new TrafficOptions { ShopSessions = 4 };
        var orders = await ApiTraffic.ConnectAsync(system, api, "user@globex", options);
        var shop = await ShopTraffic.SignInAsync(system, "user@acme", await api.PasswordOfAsync("user@acme"), options);
        var traffic = new UserTraffic(orders, shop, $"drill-{Guid.NewGuid():N}"[..14] + "-");
        traffic._orders.Start();
        traffic._cartWrites.Start();
        return traffic;
    }

    /// <summary>
    /// Sends every order that failed again, once, with its key and body, as its client does with a 503 after its
    /// <c>Retry-After</c>; returns the answers' outcomes. Call after <see cref="StopAsync"/>. The clients come back at
    /// twice the rate they came, not all in one instant: each failed at its own time and retries on its own clock.
    /// (All at once, 110 orders a few seconds after a freeze needed some 60 new connections at the same moment, the
    /// pools having lost theirs; on 2 busy cores PostgreSQL accepts 30–100 a second, and a third of them waited past
    /// the 1 s connect timeout and were answered 503 again.)
    /// </summary>
    public async Task<IReadOnlyList<Outcome>> RepeatFailedOrdersAsync()
    {
        var failed = Orders.Where(s => !s.Outcome.Succeeded).OrderBy(s => s.Sequence).ToList();
        var interval = TimeSpan.FromSeconds(1 / (2 * OrdersPerSecond));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var repeats = new List<Task<Outcome>>(failed.Count);
        for (var i = 0; i < failed.Count; i++)
        {
            if (interval * i - clock.Elapsed is { } wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait); // the schedule of the clients' retries, not a wait for the system
            }

            var sequence = failed[i].Sequence;
            repeats.Add(_api.PlaceOrderOnceAsync($"{KeyPrefix}{sequence}", ProductOf(sequence), CancellationToken.None));
        }

        return await Task.WhenAll(repeats);
    }

    /// <summary>Stops sending and waits for every answer still due.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await Task.WhenAll(_orders.StopAsync(DrainTimeout), _cartWrites.StopAsync(DrainTimeout));
        }
    }

    /// <summary>Waits until both workloads have had <paramref name="successes"/> successes answered after <paramref name="since"/>.</summary>
    public Task WaitForSuccessesAfterAsync(TimeSpan since, int successes, TimeSpan timeout, Func<string> diagnostics) =>
        Poll.UntilAsync($"{successes} orders and cart writes succeeding after {since.TotalSeconds:0.0} s", timeout,
            _ => Task.FromResult(Orders.Count(s => s.Outcome.Succeeded && s.Completed > since) >= successes
                && CartWrites.Count(s => s.Outcome.Succeeded && s.Completed > since) >= successes),
            () => $"{Describe()}\n{diagnostics()}", TimeSpan.FromMilliseconds(100));

    /// <summary>How long after <paramref name="at"/> the first order succeeded (<see cref="TimeSpan.MaxValue"/> if none did).</summary>
    public TimeSpan FirstOrderSuccessAfter(TimeSpan at) =>
        Orders.Where(s => s.Outcome.Succeeded && s.Completed > at).Select(s => s.Completed - at).DefaultIfEmpty(TimeSpan.MaxValue).Min();

    /// <summary>The longest stretch in which no request of the workload succeeded, from the first request to the last answer.</summary>
    public static TimeSpan LongestWithoutSuccess(IReadOnlyCollection<Sample> samples)
    {
        var successes = samples.Where(s => s.Outcome.Succeeded).Select(s => s.Completed).Order().ToArray();
        var start = samples.Count == 0 ? TimeSpan.Zero : samples.Min(s => s.Intended);
        var end = samples.Count == 0 ? TimeSpan.Zero : samples.Max(s => s.Completed);
        var longest = TimeSpan.Zero;
        var previous = start;
        foreach (var success in successes.Append(end))
        {
            longest = success - previous > longest ? success - previous : longest;
            previous = success;
        }

        return longest;
    }

    public static double P99Seconds(IReadOnlyCollection<Sample> samples)
    {
        var latencies = samples.Select(s => s.Latency.TotalSeconds).Order().ToArray();
        return latencies.Length == 0 ? 0 : latencies[Math.Clamp((int)Math.Ceiling(0.99 * latencies.Length) - 1, 0, latencies.Length - 1)];
    }

    /// <summary>Counts, and every failure with when it was due and what it ended with.</summary>
    public string Describe() => string.Join('\n', new[] { ("orders", Orders), ("cart writes", CartWrites) }.Select(w => Describe(w.Item1, w.Item2)));

    // One of 50 products of globex (the orders' tenant), by the order's sequence number.
    private static long ProductOf(long sequence) => 2001 + (sequence % 50);

    private static string Describe(string name, IReadOnlyCollection<Sample> samples)
    {
        var failures = samples.Where(s => !s.Outcome.Succeeded).OrderBy(s => s.Intended).Take(20)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"\n  due {s.Intended.TotalSeconds:0.00} s, answered {s.Completed.TotalSeconds:0.00} s: {s.Outcome.Label}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{name}: {samples.Count} answered, {samples.Count(s => !s.Outcome.Succeeded)} failed, longest without success {LongestWithoutSuccess(samples).TotalSeconds:0.00} s, p99 {P99Seconds(samples):0.00} s")
            + string.Concat(failures);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _api.Dispose();
            _shop.Dispose();
        }
    }
}
