using HaSystem.Testing;

namespace HaSystem.Bench.Scenarios;

/// <summary>The running system and what every scenario needs to load it, break it and put it back.</summary>
public sealed class BenchContext(HaSystemApp system, BenchProfile profile, string store, Action<string> log)
{
    /// <summary>The store the catalog runs on (<c>--store</c>).</summary>
    public string Store { get; } = store;

    /// <summary>The tenant user whose requests the bench sends (a plain user: reads, orders, a cart).</summary>
    public const string User = "user@acme";

    public HaSystemApp System { get; } = system;

    public ApiClient Api { get; } = new(system);

    public BenchProfile Profile { get; } = profile;

    public TrafficOptions Traffic { get; } = new();

    /// <summary>Prefixes every idempotency key of this bench run, so the ledger check counts only its own orders.</summary>
    public string RunId { get; } = $"bench-{Guid.NewGuid():N}"[..14];

    public Action<string> Log { get; } = log;

    public Task<ApiTraffic> ConnectApiAsync() => ApiTraffic.ConnectAsync(System, Api, User, Traffic);

    public async Task<ShopTraffic> SignInToShopAsync() => await ShopTraffic.SignInAsync(System, User, await Api.PasswordOfAsync(User), Traffic);

    /// <summary>
    /// Waits until every resource is running and healthy again and every replica answers by itself, so the next scenario
    /// starts from a whole system (a restarted replica still starting is not one).
    /// </summary>
    public async Task WaitForWholeSystemAsync()
    {
        await System.WaitForAllHealthyAsync(TimeSpan.FromMinutes(3));
        await System.WaitForEveryReplicaAnsweringAsync(TimeSpan.FromMinutes(1));
    }
}
